//! The compact portrait profile (`image:jpeg` fields): a strict header check that
//! bounds an image *before* anything decodes it.
//!
//! A portrait is hostile input: the verifier receives it from whoever shows the
//! code, and the app hands it to the platform's image decoder. So the bytes are
//! checked against a narrow profile by walking the JPEG marker segments only —
//! no pixel is decoded here:
//!
//! * at most `max_bytes` bytes (the type file's `max_bytes`, default 3,072),
//! * baseline sequential DCT (SOF0), 8-bit samples, 1 (grey) or 3 (YCbCr)
//!   components, sampling factors 1–2, exactly one SOF and one interleaved scan,
//! * width and height within `MIN_SIDE..=max_width` / `..=max_height`
//!   (defaults 160 × 200 pixels); a height of 0 (DNL) is refused,
//! * quantisation and Huffman tables present before the scan,
//! * no metadata: only APP0 (JFIF) may precede the frame; EXIF (APP1), other
//!   APPn segments and comments are refused (they can carry location, device
//!   or free text, none of which belongs on an identity document),
//! * the entropy-coded data contains only stuffed `FF 00` and restart markers
//!   `FF D0`–`FF D7`, and the file ends with EOI `FF D9`: no trailing bytes.
//!
//! The rules are specified in `docs/FORMAT.md` ("Portrait image profile").

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::lang::Localized;

/// Smallest width or height accepted, in pixels.
pub const MIN_SIDE: u16 = 32;
/// Default largest image, in bytes.
pub const DEFAULT_MAX_BYTES: usize = 3072;
/// Default largest width, in pixels.
pub const DEFAULT_MAX_WIDTH: u16 = 160;
/// Default largest height, in pixels.
pub const DEFAULT_MAX_HEIGHT: u16 = 200;
/// The most a type file may allow: a disclosure must stay within
/// [`MAX_DISCLOSURE_LEN`](crate::disclosure::MAX_DISCLOSURE_LEN) (4,096 bytes).
pub const LIMIT_MAX_BYTES: usize = 3584;
/// The largest side a type file may allow, in pixels.
pub const LIMIT_MAX_SIDE: u16 = 512;
/// Smallest possible well-formed file under the profile (SOI, DQT, SOF0, DHT, SOS, EOI).
const MIN_FILE_LEN: usize = 2 + 69 + 13 + 22 + 10 + 2;

/// Limits of an `image:jpeg` field (from the license-type file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageProfile {
    /// Largest image in bytes.
    pub max_bytes: usize,
    /// Largest width in pixels.
    pub max_width: u16,
    /// Largest height in pixels.
    pub max_height: u16,
}

impl Default for ImageProfile {
    fn default() -> Self {
        ImageProfile {
            max_bytes: DEFAULT_MAX_BYTES,
            max_width: DEFAULT_MAX_WIDTH,
            max_height: DEFAULT_MAX_HEIGHT,
        }
    }
}

/// What the header check learnt about an accepted image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// 1 (greyscale) or 3 (colour).
    pub components: u8,
    /// Size in bytes.
    pub len: usize,
}

/// Why an image does not fit the portrait profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImageError {
    /// More bytes than the profile allows.
    TooLarge {
        /// Bytes received.
        len: usize,
        /// Bytes allowed.
        max: usize,
    },
    /// Not a JPEG file (no SOI marker), or too short to be one.
    NotJpeg,
    /// The file ends inside a segment or before EOI.
    Truncated,
    /// A byte where a marker must start is not `FF`, or a segment length is impossible.
    BadSegment {
        /// Offset of the problem.
        offset: usize,
    },
    /// A coding process other than baseline DCT (progressive, lossless, arithmetic,
    /// hierarchical), or a marker not allowed before the scan.
    UnsupportedMarker {
        /// The marker byte (the one after `FF`).
        marker: u8,
    },
    /// A metadata segment (EXIF/APPn other than APP0, or a comment).
    Metadata {
        /// The marker byte.
        marker: u8,
    },
    /// The frame header is not 8-bit 1- or 3-component with sampling factors 1–2.
    BadFrameHeader,
    /// Width or height outside the profile.
    Dimensions {
        /// Width in the header.
        width: u16,
        /// Height in the header.
        height: u16,
        /// Largest width allowed.
        max_width: u16,
        /// Largest height allowed.
        max_height: u16,
    },
    /// Two frame headers, two scans, or a scan that does not cover every component.
    BadScan,
    /// No quantisation or Huffman table before the scan, or a scan before the frame header.
    MissingTables,
    /// An unstuffed `FF` inside the entropy-coded data, or bytes after EOI.
    BadEntropyData {
        /// Offset of the problem.
        offset: usize,
    },
}

impl Localized for ImageError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            ImageError::TooLarge { len, max } => {
                format!("照片过大：{len} 字节，最多 {max} 字节").into()
            }
            ImageError::NotJpeg => "照片不是 JPEG 图像".into(),
            ImageError::Truncated => "照片数据不完整（被截断）".into(),
            ImageError::BadSegment { offset } => {
                format!("照片数据结构错误（偏移 {offset}）").into()
            }
            ImageError::UnsupportedMarker { marker } => {
                format!("照片不是基线 JPEG（不支持的标记 FF{marker:02X}）").into()
            }
            ImageError::Metadata { marker } => {
                format!("照片含有不允许的元数据段（FF{marker:02X}，如 EXIF 或注释）").into()
            }
            ImageError::BadFrameHeader => {
                "照片帧头不符合规范（须为 8 位、1 或 3 个分量）".into()
            }
            ImageError::Dimensions {
                width,
                height,
                max_width,
                max_height,
            } => format!(
                "照片尺寸 {width}×{height} 超出允许范围（{MIN_SIDE}×{MIN_SIDE} 至 {max_width}×{max_height} 像素）"
            )
            .into(),
            ImageError::BadScan => "照片的帧或扫描段不符合规范".into(),
            ImageError::MissingTables => "照片缺少量化表或哈夫曼表".into(),
            ImageError::BadEntropyData { offset } => {
                format!("照片压缩数据错误（偏移 {offset}）").into()
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            ImageError::TooLarge { len, max } => {
                format!("portrait too large: {len} bytes, at most {max}").into()
            }
            ImageError::NotJpeg => "portrait is not a JPEG image".into(),
            ImageError::Truncated => "portrait data is truncated".into(),
            ImageError::BadSegment { offset } => {
                format!("portrait has a malformed segment at offset {offset}").into()
            }
            ImageError::UnsupportedMarker { marker } => format!(
                "portrait is not a baseline JPEG (marker FF{marker:02X} not allowed)"
            )
            .into(),
            ImageError::Metadata { marker } => format!(
                "portrait carries a metadata segment (FF{marker:02X}: EXIF, APPn or comment), which is not allowed"
            )
            .into(),
            ImageError::BadFrameHeader => {
                "portrait frame header is not 8-bit with 1 or 3 components".into()
            }
            ImageError::Dimensions {
                width,
                height,
                max_width,
                max_height,
            } => format!(
                "portrait is {width}×{height} pixels, outside {MIN_SIDE}×{MIN_SIDE} to {max_width}×{max_height}"
            )
            .into(),
            ImageError::BadScan => "portrait frame or scan structure not allowed".into(),
            ImageError::MissingTables => {
                "portrait lacks quantisation or Huffman tables before the scan".into()
            }
            ImageError::BadEntropyData { offset } => {
                format!("portrait has bad entropy-coded data at offset {offset}").into()
            }
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for ImageError {}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOF0: u8 = 0xC0;
const DHT: u8 = 0xC4;
const DQT: u8 = 0xDB;
const DRI: u8 = 0xDD;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const COM: u8 = 0xFE;

impl ImageProfile {
    /// Checks `bytes` against the profile by reading the marker segments only
    /// (nothing is decoded). The size limit is checked first, before any byte
    /// is looked at.
    pub fn check(&self, bytes: &[u8]) -> Result<ImageInfo, ImageError> {
        if bytes.len() > self.max_bytes {
            return Err(ImageError::TooLarge {
                len: bytes.len(),
                max: self.max_bytes,
            });
        }
        if bytes.len() < MIN_FILE_LEN || bytes[0] != 0xFF || bytes[1] != SOI {
            return Err(ImageError::NotJpeg);
        }
        let mut pos = 2usize;
        let mut frame: Option<(u16, u16, u8)> = None;
        let (mut have_dqt, mut have_dht) = (false, false);
        // Header segments up to and including SOS.
        loop {
            let (marker, body, next) = segment(bytes, pos)?;
            match marker {
                APP0 if frame.is_none() && !have_dqt && !have_dht => {}
                0xE1..=0xEF | COM | APP0 => return Err(ImageError::Metadata { marker }),
                DQT => {
                    check_dqt(body, pos)?;
                    have_dqt = true;
                }
                DHT => {
                    check_dht(body, pos)?;
                    have_dht = true;
                }
                DRI => {
                    if body.len() != 2 {
                        return Err(ImageError::BadSegment { offset: pos });
                    }
                }
                SOF0 => {
                    if frame.is_some() {
                        return Err(ImageError::BadScan);
                    }
                    frame = Some(self.check_frame(body)?);
                }
                SOS => {
                    let Some((width, height, components)) = frame else {
                        return Err(ImageError::MissingTables);
                    };
                    if !have_dqt || !have_dht {
                        return Err(ImageError::MissingTables);
                    }
                    check_scan(body, components)?;
                    check_entropy(bytes, next)?;
                    return Ok(ImageInfo {
                        width,
                        height,
                        components,
                        len: bytes.len(),
                    });
                }
                other => return Err(ImageError::UnsupportedMarker { marker: other }),
            }
            pos = next;
        }
    }

    fn check_frame(&self, body: &[u8]) -> Result<(u16, u16, u8), ImageError> {
        // P, Y(2), X(2), Nf, Nf × (C, H|V, Tq)
        let [precision, y0, y1, x0, x1, nf, comps @ ..] = body else {
            return Err(ImageError::BadFrameHeader);
        };
        if *precision != 8 || !matches!(nf, 1 | 3) || comps.len() != 3 * usize::from(*nf) {
            return Err(ImageError::BadFrameHeader);
        }
        for c in comps.chunks_exact(3) {
            let (h, v) = (c[1] >> 4, c[1] & 0x0F);
            if !(1..=2).contains(&h) || !(1..=2).contains(&v) || c[2] > 3 {
                return Err(ImageError::BadFrameHeader);
            }
        }
        let ids: Vec<u8> = comps.chunks_exact(3).map(|c| c[0]).collect();
        if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
            return Err(ImageError::BadFrameHeader);
        }
        let height = u16::from_be_bytes([*y0, *y1]);
        let width = u16::from_be_bytes([*x0, *x1]);
        if width < MIN_SIDE
            || height < MIN_SIDE
            || width > self.max_width
            || height > self.max_height
        {
            return Err(ImageError::Dimensions {
                width,
                height,
                max_width: self.max_width,
                max_height: self.max_height,
            });
        }
        Ok((width, height, *nf))
    }
}

/// The marker at `pos`, its segment body and the offset after it.
fn segment(bytes: &[u8], pos: usize) -> Result<(u8, &[u8], usize), ImageError> {
    let head = bytes.get(pos..pos + 4).ok_or(ImageError::Truncated)?;
    if head[0] != 0xFF {
        return Err(ImageError::BadSegment { offset: pos });
    }
    let marker = head[1];
    // Standalone markers (no length) are not allowed before the scan.
    if matches!(marker, 0x01 | 0xD0..=0xD9 | 0xFF | 0x00) {
        return Err(ImageError::UnsupportedMarker { marker });
    }
    let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
    if len < 2 {
        return Err(ImageError::BadSegment { offset: pos });
    }
    let end = pos
        .checked_add(2)
        .and_then(|p| p.checked_add(len))
        .ok_or(ImageError::Truncated)?;
    let body = bytes.get(pos + 4..end).ok_or(ImageError::Truncated)?;
    Ok((marker, body, end))
}

/// DQT: one or more tables `Pq|Tq, 64 × (1 or 2 bytes)`; baseline allows 8-bit tables 0–3.
fn check_dqt(mut body: &[u8], offset: usize) -> Result<(), ImageError> {
    if body.is_empty() {
        return Err(ImageError::BadSegment { offset });
    }
    while let [pq_tq, rest @ ..] = body {
        if pq_tq >> 4 != 0 || pq_tq & 0x0F > 3 || rest.len() < 64 {
            return Err(ImageError::BadSegment { offset });
        }
        body = &rest[64..];
    }
    Ok(())
}

/// DHT: one or more tables `Tc|Th, 16 counts, Σcounts symbols`; baseline: classes 0/1, ids 0–1.
fn check_dht(mut body: &[u8], offset: usize) -> Result<(), ImageError> {
    if body.is_empty() {
        return Err(ImageError::BadSegment { offset });
    }
    while !body.is_empty() {
        let tc_th = body[0];
        let counts = body.get(1..17).ok_or(ImageError::BadSegment { offset })?;
        let total: usize = counts.iter().map(|c| usize::from(*c)).sum();
        if tc_th >> 4 > 1 || tc_th & 0x0F > 1 || total == 0 || total > 256 {
            return Err(ImageError::BadSegment { offset });
        }
        body = body
            .get(17 + total..)
            .ok_or(ImageError::BadSegment { offset })?;
    }
    Ok(())
}

/// SOS: one interleaved scan over every component, baseline spectral parameters.
fn check_scan(body: &[u8], components: u8) -> Result<(), ImageError> {
    let Some((&ns, rest)) = body.split_first() else {
        return Err(ImageError::BadScan);
    };
    if ns != components || rest.len() != 2 * usize::from(ns) + 3 {
        return Err(ImageError::BadScan);
    }
    let (sel, tail) = rest.split_at(2 * usize::from(ns));
    for s in sel.chunks_exact(2) {
        if s[1] >> 4 > 1 || s[1] & 0x0F > 1 {
            return Err(ImageError::BadScan);
        }
    }
    // Ss = 0, Se = 63, Ah|Al = 0 for sequential DCT.
    if tail != [0, 63, 0] {
        return Err(ImageError::BadScan);
    }
    Ok(())
}

/// Entropy-coded data from `start`: only `FF 00` and `FF D0..D7` inside, `FF D9` last.
fn check_entropy(bytes: &[u8], start: usize) -> Result<(), ImageError> {
    let end = bytes.len();
    if end < start + 2 || bytes[end - 2] != 0xFF || bytes[end - 1] != EOI {
        return Err(ImageError::Truncated);
    }
    let data = &bytes[start..end - 2];
    let mut i = 0;
    while i < data.len() {
        if data[i] == 0xFF {
            match data.get(i + 1) {
                Some(0x00 | 0xD0..=0xD7) => i += 2,
                _ => {
                    return Err(ImageError::BadEntropyData { offset: start + i });
                }
            }
        } else {
            i += 1;
        }
    }
    if data.is_empty() {
        return Err(ImageError::Truncated);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal hand-built baseline JPEG header with the given frame and scan
    /// (tables are dummy but well-formed).
    fn build(width: u16, height: u16, nf: u8, extra: &[u8], data: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, SOI];
        v.extend_from_slice(extra);
        v.extend_from_slice(&[0xFF, DQT, 0, 67, 0]);
        v.extend_from_slice(&[1; 64]);
        let mut sof = vec![8];
        sof.extend_from_slice(&height.to_be_bytes());
        sof.extend_from_slice(&width.to_be_bytes());
        sof.push(nf);
        for c in 1..=nf {
            sof.extend_from_slice(&[c, 0x11, 0]);
        }
        v.extend_from_slice(&[0xFF, SOF0]);
        v.extend_from_slice(&u16::try_from(sof.len() + 2).unwrap_or(0).to_be_bytes());
        v.extend_from_slice(&sof);
        let mut dht = vec![0x00];
        let mut counts = [0u8; 16];
        counts[0] = 1;
        dht.extend_from_slice(&counts);
        dht.push(0);
        v.extend_from_slice(&[0xFF, DHT]);
        v.extend_from_slice(&u16::try_from(dht.len() + 2).unwrap_or(0).to_be_bytes());
        v.extend_from_slice(&dht);
        let mut sos = vec![nf];
        for c in 1..=nf {
            sos.extend_from_slice(&[c, 0x00]);
        }
        sos.extend_from_slice(&[0, 63, 0]);
        v.extend_from_slice(&[0xFF, SOS]);
        v.extend_from_slice(&u16::try_from(sos.len() + 2).unwrap_or(0).to_be_bytes());
        v.extend_from_slice(&sos);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0xFF, EOI]);
        v
    }

    #[test]
    fn a_minimal_baseline_header_is_accepted() {
        let img = build(
            102,
            126,
            3,
            &[],
            &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56],
        );
        let info = ImageProfile::default().check(&img).expect("accepted");
        assert_eq!(
            info,
            ImageInfo {
                width: 102,
                height: 126,
                components: 3,
                len: img.len()
            }
        );
    }

    #[test]
    fn every_profile_rule_has_its_own_error() {
        let p = ImageProfile::default();
        let ok = build(102, 126, 1, &[], &[1, 2, 3]);
        assert!(p.check(&ok).is_ok());
        assert_eq!(
            p.check(&vec![0; 4000]),
            Err(ImageError::TooLarge {
                len: 4000,
                max: 3072
            })
        );
        assert_eq!(p.check(b"\x89PNG"), Err(ImageError::NotJpeg));
        assert_eq!(p.check(&ok[..ok.len() - 1]), Err(ImageError::Truncated));
        assert_eq!(p.check(&ok[..40]), Err(ImageError::NotJpeg));
        // Cut inside the tables.
        assert_eq!(p.check(&ok[..MIN_FILE_LEN]), Err(ImageError::Truncated));
        assert!(matches!(
            p.check(&build(161, 126, 1, &[], &[1])),
            Err(ImageError::Dimensions { width: 161, .. })
        ));
        assert!(matches!(
            p.check(&build(102, 0, 1, &[], &[1])),
            Err(ImageError::Dimensions { height: 0, .. })
        ));
        assert_eq!(
            p.check(&build(102, 126, 2, &[], &[1])),
            Err(ImageError::BadFrameHeader)
        );
        let exif = [0xFF, 0xE1, 0, 4, b'E', b'x'];
        assert_eq!(
            p.check(&build(102, 126, 1, &exif, &[1])),
            Err(ImageError::Metadata { marker: 0xE1 })
        );
        let com = [0xFF, COM, 0, 3, b'x'];
        assert_eq!(
            p.check(&build(102, 126, 1, &com, &[1])),
            Err(ImageError::Metadata { marker: COM })
        );
        let jfif = [0xFF, APP0, 0, 7, b'J', b'F', b'I', b'F', 0];
        assert!(p.check(&build(102, 126, 1, &jfif, &[1])).is_ok());
        assert!(matches!(
            p.check(&build(102, 126, 1, &[], &[1, 0xFF, 0xC4, 2])),
            Err(ImageError::BadEntropyData { .. })
        ));
        let mut trailing = ok.clone();
        trailing.extend_from_slice(&[0, 0]);
        assert_eq!(p.check(&trailing), Err(ImageError::Truncated));
        // Progressive: SOF2 instead of SOF0.
        let mut progressive = ok.clone();
        let sof = progressive
            .windows(2)
            .position(|w| w == [0xFF, SOF0])
            .expect("SOF0");
        progressive[sof + 1] = 0xC2;
        assert_eq!(
            p.check(&progressive),
            Err(ImageError::UnsupportedMarker { marker: 0xC2 })
        );
        // A length that runs past the end.
        let mut long = ok.clone();
        long[4] = 0xFF;
        assert_eq!(p.check(&long), Err(ImageError::Truncated));
        // Length < 2.
        let mut short = ok;
        short[4] = 0;
        short[5] = 1;
        assert_eq!(p.check(&short), Err(ImageError::BadSegment { offset: 2 }));
    }

    #[test]
    fn every_error_has_both_languages() {
        let errors = [
            ImageError::TooLarge { len: 1, max: 0 },
            ImageError::NotJpeg,
            ImageError::Truncated,
            ImageError::BadSegment { offset: 1 },
            ImageError::UnsupportedMarker { marker: 0xC2 },
            ImageError::Metadata { marker: 0xE1 },
            ImageError::BadFrameHeader,
            ImageError::Dimensions {
                width: 1,
                height: 1,
                max_width: 2,
                max_height: 2,
            },
            ImageError::BadScan,
            ImageError::MissingTables,
            ImageError::BadEntropyData { offset: 9 },
        ];
        for e in errors {
            assert!(e.zh().contains("照片"), "{e:?}");
            assert!(e.en().contains("portrait"), "{e:?}");
        }
    }
}
