//! The portrait path: the profile's header check on arbitrary bytes, the
//! verifier's field decoding of an `image:jpeg` disclosure value, and — for
//! every input the check accepts — an independent JPEG decoder (image /
//! zune-jpeg, with allocation limits) must agree on the dimensions, so the
//! check never passes something a real decoder reads differently.
#![no_main]
use liangzheng::schema::{FieldValue, Registry, ValueKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = Registry::builtin();
    let Some(field) = registry
        .get("cn.resident-id-card")
        .and_then(|t| t.field("portrait"))
    else {
        return;
    };
    let ValueKind::Image(profile) = &field.kind else {
        return;
    };
    let checked = profile.check(data);
    // The verifier's decoding of the disclosure value agrees with the check.
    let value = FieldValue::from_cbor(
        &field.kind,
        &ciborium::value::Value::Bytes(data.to_vec()),
    );
    assert_eq!(value.is_ok(), checked.is_ok());
    if let Ok(v) = &value {
        let _ = v.display(&field.kind);
    }
    let Ok(info) = checked else {
        return;
    };
    assert!(info.len <= profile.max_bytes);
    assert!(info.width <= profile.max_width && info.height <= profile.max_height);
    let mut reader = image::ImageReader::with_format(
        std::io::Cursor::new(data),
        image::ImageFormat::Jpeg,
    );
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(512);
    limits.max_image_height = Some(512);
    limits.max_alloc = Some(4 * 1024 * 1024);
    reader.limits(limits);
    if let Ok(img) = reader.decode() {
        assert_eq!(
            (img.width(), img.height()),
            (u32::from(info.width), u32::from(info.height))
        );
    }
});
