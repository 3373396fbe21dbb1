//! Every worked example of `DOMAIN.md` ("Identifier algorithms"), run through
//! the public `ids` API.
#![allow(clippy::unwrap_used)]

use liangzheng::ids::{
    check_id_card_validity, expected_id_card_validity, iso7064_mod37_36, Conformance, Date,
    DateRange, Ethnicity, IdNumber, IdNumberError, LicenseId, LicenseIdError, LicenseTypeCode, Sex,
    Uscc, UsccError,
};
use liangzheng::lang::Localized;

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).unwrap()
}

// ---- 电子证照标识 (GB/T 36904) ----

const LICENSE_IDS_VALID: [&str; 3] = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
    "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
];

#[test]
fn license_id_valid_examples_conform() {
    for s in LICENSE_IDS_VALID {
        let id = LicenseId::parse(s).unwrap();
        assert_eq!(id.conformance(), Conformance::Conforming, "{s}");
        assert_eq!(id.check_character(), id.expected_check_character());
        assert_eq!(id.to_string(), s);
        // Rebuilding from the parts gives the same identifier.
        let rebuilt =
            LicenseId::new(id.type_code(), id.issuer(), id.serial(), id.version()).unwrap();
        assert_eq!(rebuilt.as_str(), s);
    }
}

#[test]
fn license_id_parts_of_the_examples() {
    let id = LicenseId::parse(LICENSE_IDS_VALID[0]).unwrap();
    assert_eq!(id.type_code().as_str(), "11100000000013338W011");
    assert_eq!(id.type_code().authority().as_str(), "11100000000013338W");
    assert_eq!(id.type_code().sequence(), 11);
    assert_eq!(id.issuer().as_str(), "11430000006122244L");
    assert_eq!(id.serial(), "20230000403");
    assert_eq!(id.version(), 1);
    assert_eq!(id.check_character(), 'U');

    let serial_lengths: Vec<usize> = LICENSE_IDS_VALID
        .iter()
        .map(|s| LicenseId::parse(s).unwrap().serial().len())
        .collect();
    assert_eq!(serial_lengths, [11, 10, 7]);
}

#[test]
fn license_id_check_is_mod37_36_over_the_parts_without_root_or_dots() {
    for s in LICENSE_IDS_VALID {
        let body: String = s
            .strip_prefix("1.2.156.3005.2.")
            .unwrap()
            .rsplit_once('.')
            .unwrap()
            .0
            .replace('.', "");
        let check = s.chars().last().unwrap();
        assert_eq!(iso7064_mod37_36(&body), Some(check), "{s}");
    }
}

#[test]
fn license_id_changed_serial_calls_for_check_e() {
    let s = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.U";
    let id = LicenseId::parse(s).unwrap();
    assert_eq!(
        id.conformance(),
        Conformance::NonConformingCheck {
            found: 'U',
            expected: 'E'
        }
    );
    let fixed = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.001.E";
    assert!(LicenseId::parse(fixed)
        .unwrap()
        .conformance()
        .is_conforming());
}

#[test]
fn license_id_changed_version_calls_for_check_s() {
    let s = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.U";
    let id = LicenseId::parse(s).unwrap();
    assert_eq!(
        id.conformance(),
        Conformance::NonConformingCheck {
            found: 'U',
            expected: 'S'
        }
    );
    let t = LicenseTypeCode::parse("11100000000013338W011").unwrap();
    let issuer = Uscc::parse("11430000006122244L").unwrap();
    let built = LicenseId::new(&t, &issuer, "20230000403", 2).unwrap();
    assert_eq!(built.check_character(), 'S');
}

#[test]
fn license_id_non_conforming_check_is_a_finding_not_a_rejection() {
    // As with the Shandong identifier ending in M where the standard gives D:
    // the identifier parses, and the wrong check character is reported.
    let s = "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.M";
    let id = LicenseId::parse(s).unwrap();
    assert_eq!(
        id.conformance(),
        Conformance::NonConformingCheck {
            found: 'M',
            expected: 'F'
        }
    );
    let finding = id.conformance();
    assert!(finding.zh().contains("不符合"));
    assert!(finding.en().contains("does not conform"));
    assert_eq!(id.as_str(), s);
}

#[test]
fn license_id_structural_errors_are_rejected() {
    assert_eq!(
        LicenseId::parse("2.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F"),
        Err(LicenseIdError::Root)
    );
    assert_eq!(
        LicenseId::parse("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.F"),
        Err(LicenseIdError::PartCount { found: 4 })
    );
    assert_eq!(
        LicenseId::parse("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.1.F"),
        Err(LicenseIdError::Version)
    );
    assert_eq!(
        LicenseId::parse("1.2.156.3005.2.11100000000013338W032.1122000001354454.2430599.001.F"),
        Err(LicenseIdError::Issuer(UsccError::Length { found: 16 }))
    );
}

#[test]
fn license_type_code_is_authority_uscc_plus_three_digits() {
    let t = LicenseTypeCode::parse("11100000000013338W032").unwrap();
    assert_eq!(t.authority().as_str(), "11100000000013338W");
    assert_eq!(t.sequence(), 32);
    assert!(LicenseTypeCode::parse("11100000000013338X032").is_err());
    assert!(LicenseTypeCode::parse("11100000000013338W32").is_err());
}

// ---- 公民身份号码 (GB 11643-1999) ----

#[test]
fn id_number_standard_example_female_born_1949() {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    assert_eq!(id.region_code(), "110105");
    assert_eq!(id.birth_date(), d(1949, 12, 31));
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(id.check_character(), 'X');
}

#[test]
fn id_number_valid_examples() {
    let cases = [
        ("440524188001010014", "440524", d(1880, 1, 1), Sex::Male),
        ("360426199101010071", "360426", d(1991, 1, 1), Sex::Male),
        ("44011320141005001X", "440113", d(2014, 10, 5), Sex::Male),
    ];
    for (s, region, birth, sex) in cases {
        let id = IdNumber::parse(s).unwrap();
        assert_eq!(id.as_str(), s);
        assert_eq!(id.region_code(), region, "{s}");
        assert_eq!(id.birth_date(), birth, "{s}");
        assert_eq!(id.sex(), sex, "{s}");
    }
}

#[test]
fn id_number_check_characters_of_the_invalid_examples() {
    let cases = [
        ("110105194912310021", 'X'),
        ("36042619910102009X", '3'),
        ("440524189001010014", '9'),
    ];
    for (s, expected) in cases {
        assert_eq!(
            IdNumber::parse(s),
            Err(IdNumberError::Checksum { expected }),
            "{s}"
        );
        assert_eq!(IdNumber::check_char(&s[..17]), Some(expected));
        // The date and region are fine: only the checksum fails.
        assert!(IdNumber::check_birth_date(s).is_ok());
        assert_eq!(IdNumber::check_region(s), Ok(()));
    }
}

#[test]
fn id_number_month_13_fails_the_date_check_only() {
    let s = "360426199113010079";
    assert_eq!(IdNumber::check_checksum(s), Ok(()));
    assert_eq!(IdNumber::check_region(s), Ok(()));
    assert_eq!(IdNumber::check_birth_date(s), Err(IdNumberError::BirthDate));
    assert_eq!(IdNumber::parse(s), Err(IdNumberError::BirthDate));
}

#[test]
fn id_number_with_17_characters_is_a_length_error() {
    assert_eq!(
        IdNumber::parse("11010519491231002"),
        Err(IdNumberError::Length { found: 17 })
    );
}

#[test]
fn id_number_lower_case_x_is_normalised() {
    let id = IdNumber::parse("11010519491231002x").unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id, IdNumber::parse("11010519491231002X").unwrap());
    let id = IdNumber::parse("44011320141005001x").unwrap();
    assert_eq!(id.as_str(), "44011320141005001X");
}

#[test]
fn id_number_errors_do_not_contain_the_number() {
    for s in [
        "110105194912310021",
        "360426199113010079",
        "11010519491231002",
    ] {
        let e = IdNumber::parse(s).unwrap_err();
        let text = e.to_string();
        assert!(!text.contains(s) && !text.contains(&s[..6]), "{text}");
        assert!(text.contains(" / "));
    }
}

#[test]
fn id_number_default_mask_and_a_mask_hiding_birth_and_sex() {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    assert_eq!(id.masked(), "1101**********002X");
    let private = id.masked_keep(6, 1);
    assert_eq!(private, "110105***********X");
    assert!(!private.contains("19491231"));
}

// ---- 行政区划代码 (GB/T 2260) as used in ID numbers ----

#[test]
fn region_codes_of_the_examples() {
    // 370102 历下区, 330100 杭州市, 440300 深圳市 are real codes; 370000 山东省 and
    // 110000 北京市 are province level, which an ID number is never issued under.
    for code in ["370102", "370100", "330100", "440300"] {
        assert_eq!(
            IdNumber::check_region(&format!("{code}199001010000")),
            Ok(()),
            "{code}"
        );
    }
    for code in ["370000", "110000"] {
        assert_eq!(
            IdNumber::check_region(&format!("{code}199001010000")),
            Err(IdNumberError::Region),
            "{code}"
        );
    }
}

// ---- 统一社会信用代码 (GB 32100-2015) ----

#[test]
fn uscc_valid_examples() {
    for s in [
        "91350100M000100Y43",
        "91110000600037341L",
        "121200004013590816",
        "91310115MA1K3BTP2B",
        "9144030071526726XG",
        "11100000000013338W",
        "11220000013544541J",
    ] {
        let code = Uscc::parse(s).unwrap();
        assert_eq!(code.as_str(), s);
        assert_eq!(Uscc::check_char(&s[..17]), Some(code.check_character()));
    }
}

#[test]
fn uscc_wrong_check_characters_name_the_expected_one() {
    assert_eq!(
        Uscc::parse("91110000600037341N"),
        Err(UsccError::Checksum { expected: 'L' })
    );
    assert_eq!(
        Uscc::parse("91350100M000100Y44"),
        Err(UsccError::Checksum { expected: '3' })
    );
}

#[test]
fn uscc_letter_o_is_not_in_the_set() {
    assert_eq!(
        Uscc::parse("91110000600O37341L"),
        Err(UsccError::InvalidCharacter { position: 12 })
    );
}

#[test]
fn uscc_with_17_characters_is_a_length_error() {
    assert_eq!(
        Uscc::parse("91110000600037341"),
        Err(UsccError::Length { found: 17 })
    );
}

#[test]
fn uscc_parts_and_common_prefixes() {
    let enterprise = Uscc::parse("91350100M000100Y43").unwrap();
    assert_eq!(
        (
            enterprise.registration_authority(),
            enterprise.entity_type()
        ),
        ('9', '1')
    );
    assert_eq!(enterprise.region_code(), "350100");
    assert_eq!(enterprise.organisation_code(), "M000100Y4");
    let government = Uscc::parse("11100000000013338W").unwrap();
    assert_eq!(
        (
            government.registration_authority(),
            government.entity_type()
        ),
        ('1', '1')
    );
    let institution = Uscc::parse("121200004013590816").unwrap();
    assert_eq!(
        (
            institution.registration_authority(),
            institution.entity_type()
        ),
        ('1', '2')
    );
}

// ---- 民族 (GB/T 3304) and 性别 (GB/T 2261.1) ----

#[test]
fn ethnicity_codes_of_the_examples() {
    let names = [
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
    ];
    for (i, name) in names.iter().enumerate() {
        let e = Ethnicity::from_zh(name).unwrap();
        assert_eq!(usize::from(e.code()), i + 1, "{name}");
        assert_eq!(e.zh(), format!("{name}族"));
    }
    assert_eq!(Ethnicity::from_code_str("56").unwrap().zh(), "基诺族");
    assert_eq!(Ethnicity::all().filter(|e| e.code() <= 56).count(), 56);
}

#[test]
fn sex_codes_of_the_examples() {
    assert_eq!(Sex::from_code(1).map(Sex::zh), Some("男"));
    assert_eq!(Sex::from_code(2).map(Sex::zh), Some("女"));
    assert_eq!(Sex::from_code(0), Some(Sex::Unknown));
    assert_eq!(Sex::from_code(9), Some(Sex::Unspecified));
}

// ---- 居民身份证 validity by age at issue ----

#[test]
fn id_card_validity_by_age_at_issue() {
    let birth = d(1949, 12, 31);
    assert_eq!(expected_id_card_validity(birth, d(1965, 12, 30)), Some(5));
    assert_eq!(expected_id_card_validity(birth, d(1965, 12, 31)), Some(10));
    assert_eq!(expected_id_card_validity(birth, d(1975, 12, 31)), Some(20));
    assert_eq!(expected_id_card_validity(birth, d(1995, 12, 30)), Some(20));
    assert_eq!(expected_id_card_validity(birth, d(1995, 12, 31)), None);
}

#[test]
fn id_card_validity_of_a_holder_checks_against_the_id_number() {
    let id = IdNumber::parse("360426199101010071").unwrap();
    let start = d(2015, 3, 10); // aged 24: 10 years
    assert_eq!(
        check_id_card_validity(id.birth_date(), start, Some(d(2025, 3, 10))),
        Ok(())
    );
    assert!(check_id_card_validity(id.birth_date(), start, Some(d(2035, 3, 10))).is_err());
    assert!(check_id_card_validity(id.birth_date(), start, None).is_err());
    let term = DateRange::new(start, Some(d(2025, 3, 10))).unwrap();
    assert!(term.contains(d(2020, 1, 1)));
}
