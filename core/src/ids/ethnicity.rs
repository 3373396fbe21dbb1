//! 民族 codes of GB/T 3304-1991 (中国各民族名称的罗马字母拼写法和代码).
//!
//! Two-digit codes 01 汉族 … 56 基诺族 in the standard's order, plus 97 其他
//! (other, e.g. not yet identified) and 98 外国血统中国籍人士 (Chinese
//! citizens of foreign origin). English names are the common English
//! ethnonyms (Tibetan, Uyghur, Korean, Manchu …), not the standard's own
//! romanisations (Zang, Uygur, Chosen, Man …).

use std::fmt;

/// (code, Chinese name, English name), in the standard's order.
const TABLE: [(u8, &str, &str); 58] = [
    (1, "汉族", "Han"),
    (2, "蒙古族", "Mongol"),
    (3, "回族", "Hui"),
    (4, "藏族", "Tibetan"),
    (5, "维吾尔族", "Uyghur"),
    (6, "苗族", "Miao"),
    (7, "彝族", "Yi"),
    (8, "壮族", "Zhuang"),
    (9, "布依族", "Bouyei"),
    (10, "朝鲜族", "Korean"),
    (11, "满族", "Manchu"),
    (12, "侗族", "Dong"),
    (13, "瑶族", "Yao"),
    (14, "白族", "Bai"),
    (15, "土家族", "Tujia"),
    (16, "哈尼族", "Hani"),
    (17, "哈萨克族", "Kazakh"),
    (18, "傣族", "Dai"),
    (19, "黎族", "Li"),
    (20, "傈僳族", "Lisu"),
    (21, "佤族", "Wa"),
    (22, "畲族", "She"),
    (23, "高山族", "Gaoshan"),
    (24, "拉祜族", "Lahu"),
    (25, "水族", "Shui"),
    (26, "东乡族", "Dongxiang"),
    (27, "纳西族", "Naxi"),
    (28, "景颇族", "Jingpo"),
    (29, "柯尔克孜族", "Kyrgyz"),
    (30, "土族", "Tu"),
    (31, "达斡尔族", "Daur"),
    (32, "仫佬族", "Mulao"),
    (33, "羌族", "Qiang"),
    (34, "布朗族", "Blang"),
    (35, "撒拉族", "Salar"),
    (36, "毛南族", "Maonan"),
    (37, "仡佬族", "Gelao"),
    (38, "锡伯族", "Xibe"),
    (39, "阿昌族", "Achang"),
    (40, "普米族", "Pumi"),
    (41, "塔吉克族", "Tajik"),
    (42, "怒族", "Nu"),
    (43, "乌孜别克族", "Uzbek"),
    (44, "俄罗斯族", "Russian"),
    (45, "鄂温克族", "Evenk"),
    (46, "德昂族", "De'ang"),
    (47, "保安族", "Bonan"),
    (48, "裕固族", "Yugur"),
    (49, "京族", "Gin"),
    (50, "塔塔尔族", "Tatar"),
    (51, "独龙族", "Derung"),
    (52, "鄂伦春族", "Oroqen"),
    (53, "赫哲族", "Hezhen"),
    (54, "门巴族", "Monba"),
    (55, "珞巴族", "Lhoba"),
    (56, "基诺族", "Jino"),
    (97, "其他", "Other"),
    (
        98,
        "外国血统中国籍人士",
        "Chinese citizen of foreign origin",
    ),
];

/// Former names still found on older records: 毛难族 became 毛南族 (1986),
/// 崩龙族 became 德昂族 (1985); 其它 is a common variant spelling of 其他.
const ALIASES: [(&str, u8); 5] = [
    ("毛难族", 36),
    ("毛难", 36),
    ("崩龙族", 46),
    ("崩龙", 46),
    ("其它", 97),
];

/// A 民族 (ethnic group) of GB/T 3304.
///
/// ```
/// # use liangzheng::ids::Ethnicity;
/// let han = Ethnicity::from_zh("汉").unwrap();
/// assert_eq!(han, Ethnicity::from_code(1).unwrap());
/// assert_eq!(han.zh(), "汉族");
/// assert_eq!(han.code_str(), "01");
/// assert_eq!(Ethnicity::from_code_str("56").unwrap().zh(), "基诺族");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ethnicity {
    // Index into `TABLE`; private so every value is a real entry.
    index: u8,
}

impl Ethnicity {
    /// Every entry, in the standard's order (01–56, 97, 98).
    pub fn all() -> impl Iterator<Item = Ethnicity> {
        (0..TABLE.len()).filter_map(|i| u8::try_from(i).ok().map(|index| Ethnicity { index }))
    }

    fn entry(self) -> (u8, &'static str, &'static str) {
        TABLE[usize::from(self.index)]
    }

    /// The entry for a numeric code (1–56, 97, 98), or `None`.
    pub fn from_code(code: u8) -> Option<Ethnicity> {
        Ethnicity::all().find(|e| e.code() == code)
    }

    /// The entry for a two-digit code as printed (`"01"` … `"56"`, `"97"`, `"98"`), or `None`.
    pub fn from_code_str(code: &str) -> Option<Ethnicity> {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        code.parse().ok().and_then(Ethnicity::from_code)
    }

    /// The entry for a Chinese name, with or without the 族 suffix (`汉` or
    /// `汉族`); the former names 毛难族 and 崩龙族 are accepted too.
    pub fn from_zh(name: &str) -> Option<Ethnicity> {
        if let Some(&(_, code)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
            return Ethnicity::from_code(code);
        }
        Ethnicity::all().find(|e| {
            let zh = e.zh();
            zh == name || (!name.ends_with('族') && zh.strip_suffix('族') == Some(name))
        })
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        self.entry().0
    }

    /// The two-digit code as printed: `"01"`.
    pub fn code_str(self) -> String {
        format!("{:02}", self.code())
    }

    /// The Chinese name as in the standard: `汉族`, `其他`, `外国血统中国籍人士`.
    pub fn zh(self) -> &'static str {
        self.entry().1
    }

    /// The English name: `Han`, `Tibetan`, `Uyghur` ….
    pub fn en(self) -> &'static str {
        self.entry().2
    }
}

impl fmt::Display for Ethnicity {
    /// The Chinese name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn there_are_56_groups_then_97_and_98() {
        let codes: Vec<u8> = Ethnicity::all().map(Ethnicity::code).collect();
        let expected: Vec<u8> = (1..=56).chain([97, 98]).collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn codes_follow_the_standard_order() {
        let first_eleven = [
            "汉族",
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
        ];
        for (i, name) in first_eleven.iter().enumerate() {
            let code = u8::try_from(i + 1).unwrap();
            assert_eq!(Ethnicity::from_code(code).unwrap().zh(), *name);
        }
        assert_eq!(Ethnicity::from_code(36).unwrap().zh(), "毛南族");
        assert_eq!(Ethnicity::from_code(46).unwrap().zh(), "德昂族");
        assert_eq!(Ethnicity::from_code(56).unwrap().zh(), "基诺族");
        assert_eq!(Ethnicity::from_code(97).unwrap().zh(), "其他");
        assert_eq!(Ethnicity::from_code(98).unwrap().zh(), "外国血统中国籍人士");
    }

    #[test]
    fn undefined_codes_are_refused() {
        for code in [0, 57, 96, 99] {
            assert_eq!(Ethnicity::from_code(code), None);
        }
        assert_eq!(Ethnicity::from_code_str("1"), None);
        assert_eq!(Ethnicity::from_code_str("001"), None);
        assert_eq!(Ethnicity::from_code_str("+1"), None);
        assert_eq!(Ethnicity::from_code_str("05").unwrap().en(), "Uyghur");
    }

    #[test]
    fn names_are_found_with_or_without_the_zu_suffix() {
        for e in Ethnicity::all() {
            assert_eq!(Ethnicity::from_zh(e.zh()), Some(e));
            if let Some(short) = e.zh().strip_suffix('族') {
                assert_eq!(Ethnicity::from_zh(short), Some(e), "{short}");
            }
        }
        // 土 and 土家 are different groups.
        assert_eq!(Ethnicity::from_zh("土").unwrap().code(), 30);
        assert_eq!(Ethnicity::from_zh("土家").unwrap().code(), 15);
        assert_eq!(Ethnicity::from_zh("汉族族"), None);
        assert_eq!(Ethnicity::from_zh("族"), None);
        assert_eq!(Ethnicity::from_zh(""), None);
    }

    #[test]
    fn former_names_are_accepted() {
        assert_eq!(Ethnicity::from_zh("毛难族").unwrap().zh(), "毛南族");
        assert_eq!(Ethnicity::from_zh("崩龙").unwrap().zh(), "德昂族");
        assert_eq!(Ethnicity::from_zh("其它").unwrap().code(), 97);
    }

    #[test]
    fn names_are_unique() {
        let mut zh: Vec<&str> = Ethnicity::all().map(Ethnicity::zh).collect();
        let mut en: Vec<&str> = Ethnicity::all().map(Ethnicity::en).collect();
        zh.sort_unstable();
        zh.dedup();
        en.sort_unstable();
        en.dedup();
        assert_eq!(zh.len(), 58);
        assert_eq!(en.len(), 58);
    }
}
