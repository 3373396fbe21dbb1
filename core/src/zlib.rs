//! zlib (RFC 1950) as the QR texts, the multi-frame transport and the status lists use it, on
//! miniz_oxide (pure Rust, `forbid(unsafe_code)`): bounded inflating for everything a verifier
//! reads, and the compression of QR bodies. Status lists are still *compressed* with flate2 on
//! zlib-rs ([`crate::status`], decision 0004: smaller lists), which only issuers do, so a
//! verifier or wallet library links one DEFLATE implementation (decision 0020).

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// Why a zlib stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// Not one complete, well-formed zlib stream: corrupt, truncated, a failing Adler-32
    /// check, or bytes after its end.
    Corrupt,
    /// It inflates to more than the limit (stopped as soon as it passed it).
    TooLarge,
}

/// Inflates exactly one complete zlib stream into at most `max` bytes.
///
/// The output buffer grows by doubling and never past `max + 1` bytes, so the limit holds
/// without trusting any declared size; trailing bytes after the stream are refused (one body,
/// one encoding).
pub(crate) fn inflate_limited(input: &[u8], max: usize) -> Result<Vec<u8>, InflateError> {
    // The whole output is one buffer (back-references read it), parsed with its zlib header
    // and Adler-32 trailer; without TINFL_FLAG_HAS_MORE_INPUT a stream cut short fails.
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let limit = max.saturating_add(1);
    let mut out = vec![0u8; input.len().saturating_mul(4).clamp(1, limit)];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0usize, 0usize);
    loop {
        let rest = input.get(in_pos..).ok_or(InflateError::Corrupt)?;
        let (status, used, written) = decompress(&mut state, rest, &mut out, out_pos, flags);
        in_pos = in_pos.checked_add(used).ok_or(InflateError::Corrupt)?;
        out_pos = out_pos.checked_add(written).ok_or(InflateError::Corrupt)?;
        if out_pos > max {
            return Err(InflateError::TooLarge);
        }
        match status {
            TINFLStatus::Done if in_pos == input.len() => {
                out.truncate(out_pos);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput if out.len() < limit => {
                let grown = out.len().saturating_mul(2).min(limit);
                out.resize(grown, 0);
            }
            TINFLStatus::HasMoreOutput => return Err(InflateError::TooLarge),
            // Done with bytes left over, truncated input, bad data, bad checksum.
            _ => return Err(InflateError::Corrupt),
        }
    }
}

/// zlib at miniz_oxide's highest level (10): QR bodies are small, and every byte saved is
/// QR modules.
pub(crate) fn compress(body: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(body, 10)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn zlib_rs(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn sample(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| (i * 7 % 251) as u8 ^ (i / 97) as u8)
            .collect()
    }

    #[test]
    fn round_trips_both_encoders_at_every_size_near_the_limit() {
        for n in [0, 1, 2, 100, 4095, 4096, 4097, 8191, 8192] {
            let data = sample(n);
            for z in [compress(&data), zlib_rs(&data)] {
                assert_eq!(inflate_limited(&z, 8192).unwrap(), data, "n = {n}");
                assert_eq!(
                    inflate_limited(&z, n).unwrap(),
                    data,
                    "exact limit, n = {n}"
                );
                if n > 0 {
                    assert_eq!(inflate_limited(&z, n - 1), Err(InflateError::TooLarge));
                }
            }
        }
    }

    #[test]
    fn a_small_bomb_stops_at_the_limit() {
        let z = compress(&vec![0u8; 10_000_000]);
        assert!(z.len() < 20_000);
        assert_eq!(inflate_limited(&z, 8192), Err(InflateError::TooLarge));
        assert_eq!(inflate_limited(&z, 10_000_000).unwrap().len(), 10_000_000);
    }

    #[test]
    fn corrupt_truncated_trailing_and_bad_checksums_are_refused() {
        let data = sample(3000);
        let z = compress(&data);
        let mut trailing = z.clone();
        trailing.push(0);
        let mut bad_adler = z.clone();
        let last = bad_adler.len() - 1;
        bad_adler[last] ^= 1;
        let mut bad_header = z.clone();
        bad_header[0] ^= 0x10;
        for (what, bytes) in [
            ("empty", Vec::new()),
            ("header only", z[..2].to_vec()),
            ("truncated", z[..z.len() - 5].to_vec()),
            ("no checksum", z[..z.len() - 4].to_vec()),
            ("trailing byte", trailing),
            ("bad Adler-32", bad_adler),
            ("bad header", bad_header),
            ("raw deflate", z[2..z.len() - 4].to_vec()),
        ] {
            assert_eq!(
                inflate_limited(&bytes, 8192),
                Err(InflateError::Corrupt),
                "{what}"
            );
        }
    }

    #[test]
    fn compression_shrinks_repetitive_bodies() {
        let body = b"LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ LZ".repeat(20);
        assert!(compress(&body).len() < body.len() / 5);
    }
}
