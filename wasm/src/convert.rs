//! Checked conversions of values that come from JS.

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::LzError;

/// Largest integer a JS number holds exactly (2^53 − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A time in Unix seconds from a JS number: finite, whole, 0 to 2^53 − 1.
pub fn unix_seconds(what: &str, t: f64) -> Result<u64, LzError> {
    if (0.0..=MAX_SAFE_INTEGER).contains(&t) && t.fract() == 0.0 {
        // In range and whole, checked just above: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(t as u64)
    } else {
        Err(LzError::invalid_input(
            "bad_time",
            &format!("{what} 必须是 0 到 2^53−1 之间的整数秒（Unix 时间）"),
            &format!("{what} must be whole Unix seconds between 0 and 2^53−1"),
        ))
    }
}

/// A plain JS object (snake_case keys, `null` for none, numbers for u64).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            LzError::new(
                "internal",
                "conversion_failed",
                "结果无法转换为 JavaScript 对象",
                &format!("the result could not be converted to a JS object: {e}"),
            )
            .into_js()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_must_be_whole_safe_non_negative_numbers() {
        assert_eq!(unix_seconds("now", 1_795_395_605.0), Ok(1_795_395_605));
        assert_eq!(unix_seconds("now", 0.0), Ok(0));
        assert_eq!(
            unix_seconds("now", MAX_SAFE_INTEGER),
            Ok(9_007_199_254_740_991)
        );
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, MAX_SAFE_INTEGER + 2.0] {
            let e = unix_seconds("now", bad).expect_err("rejected");
            assert_eq!(
                (e.kind, e.code.as_str()),
                ("invalid_input", "bad_time"),
                "{bad}"
            );
        }
    }
}
