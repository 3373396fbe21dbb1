//! A reader of deterministically encoded CBOR straight from the bytes, for
//! documents too large for a [`Value`](ciborium::value::Value) tree (a
//! national trust list: 8 MB, a million items).
//!
//! [`validate`] accepts exactly what [`super::decode_strict`] accepts (the
//! same limits: size, depth, items, no floats; core deterministic encoding;
//! no trailing bytes) without allocating; [`Cursor`] then reads the
//! validated bytes item by item.

use super::{max_items, CborError, MAX_DEPTH};

/// Checks `bytes` as [`super::decode_strict`] does, without decoding it.
pub(crate) fn validate(bytes: &[u8], max_len: usize) -> Result<(), CborError> {
    if bytes.len() > max_len {
        return Err(CborError::TooLarge {
            len: bytes.len(),
            max: max_len,
        });
    }
    let mut v = Validator {
        input: bytes,
        pos: 0,
        items: 0,
        max_items: max_items(bytes.len()),
    };
    v.item(MAX_DEPTH)?;
    if v.pos != bytes.len() {
        return Err(CborError::TrailingBytes);
    }
    Ok(())
}

struct Validator<'a> {
    input: &'a [u8],
    pos: usize,
    items: usize,
    max_items: usize,
}

impl Validator<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let end = self.pos.checked_add(n).ok_or(CborError::Malformed)?;
        let s = self.input.get(self.pos..end).ok_or(CborError::Malformed)?;
        self.pos = end;
        Ok(s)
    }

    /// One head: (major type, argument), refusing non-shortest arguments and
    /// indefinite lengths.
    fn head(&mut self) -> Result<(u8, u64), CborError> {
        let first = *self.take(1)?.first().ok_or(CborError::Malformed)?;
        let (major, ai) = (first >> 5, first & 0x1f);
        let arg = match ai {
            0..=23 => u64::from(ai),
            24 => {
                let a = u64::from(self.take(1)?[0]);
                // Simple values 24..=31 in two bytes are not well-formed (RFC 8949 §3.3).
                if a < 24 {
                    return Err(if major == 7 {
                        CborError::Malformed
                    } else {
                        CborError::NotDeterministic
                    });
                }
                a
            }
            25 => {
                let b = self.take(2)?;
                let a = u64::from(u16::from_be_bytes([b[0], b[1]]));
                if major == 7 {
                    return Err(CborError::UnsupportedValue); // half float
                }
                if a <= 0xff {
                    return Err(CborError::NotDeterministic);
                }
                a
            }
            26 => {
                let b = self.take(4)?;
                let a = u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                if major == 7 {
                    return Err(CborError::UnsupportedValue); // single float
                }
                if a <= 0xffff {
                    return Err(CborError::NotDeterministic);
                }
                a
            }
            27 => {
                let b = self.take(8)?;
                let mut a8 = [0u8; 8];
                a8.copy_from_slice(b);
                let a = u64::from_be_bytes(a8);
                if major == 7 {
                    return Err(CborError::UnsupportedValue); // double float
                }
                if a <= 0xffff_ffff {
                    return Err(CborError::NotDeterministic);
                }
                a
            }
            31 if matches!(major, 2..=5) => return Err(CborError::NotDeterministic),
            _ => return Err(CborError::Malformed),
        };
        self.items += 1;
        if self.items > self.max_items {
            return Err(CborError::TooManyItems);
        }
        Ok((major, arg))
    }

    fn item(&mut self, depth_left: usize) -> Result<(), CborError> {
        let (major, arg) = self.head()?;
        let n = usize::try_from(arg).map_err(|_| CborError::Malformed);
        match major {
            0 | 1 => Ok(()),
            2 => self.take(n?).map(|_| ()),
            3 => {
                let s = self.take(n?)?;
                std::str::from_utf8(s)
                    .map(|_| ())
                    .map_err(|_| CborError::Malformed)
            }
            4..=6 if depth_left == 0 => Err(CborError::Malformed),
            4 => {
                for _ in 0..arg {
                    self.item(depth_left - 1)?;
                }
                Ok(())
            }
            5 => {
                let mut previous: Option<(usize, usize)> = None;
                for _ in 0..arg {
                    let start = self.pos;
                    self.item(depth_left - 1)?;
                    let key = (start, self.pos);
                    if let Some((a, b)) = previous {
                        if self.input.get(a..b) >= self.input.get(key.0..key.1) {
                            return Err(CborError::NotDeterministic);
                        }
                    }
                    previous = Some(key);
                    self.item(depth_left - 1)?;
                }
                Ok(())
            }
            6 => {
                // Bignums (tags 2 and 3) are not part of the format
                // (FORMAT.md §1.1): refused whatever they hold, as
                // `decode_strict` does.
                if arg == 2 || arg == 3 {
                    return Err(CborError::UnsupportedValue);
                }
                self.item(depth_left - 1)
            }
            // false, true, null; any other simple value is not ours.
            _ => match arg {
                20..=22 => Ok(()),
                _ => Err(CborError::UnsupportedValue),
            },
        }
    }
}

/// The [`Value`](ciborium::value::Value) tree of bytes [`validate`] accepted,
/// built in one pass straight from the bytes: what ciborium's decoder gives
/// for them (checked in the tests), without its serde layer. `None` on
/// anything `validate` refuses, never a panic: lengths are taken from the
/// bytes actually present, depth is bounded by the validated input.
pub(crate) fn build(bytes: &[u8]) -> Option<ciborium::value::Value> {
    let mut c = Cursor::new(bytes);
    let v = c.value(MAX_DEPTH)?;
    c.at_end().then_some(v)
}

/// Reads items from bytes [`validate`] accepted. Every method fails (never
/// panics) on anything else, so a caller may also use it on unvalidated bytes.
pub(crate) struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `input`.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Cursor { input, pos: 0 }
    }

    /// Whether every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.input.len()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.input.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn peek_major(&self) -> Option<u8> {
        self.input.get(self.pos).map(|b| b >> 5)
    }

    fn head(&mut self) -> Option<(u8, u64)> {
        let first = *self.take(1)?.first()?;
        let (major, ai) = (first >> 5, first & 0x1f);
        let arg = match ai {
            0..=23 => u64::from(ai),
            24 => u64::from(*self.take(1)?.first()?),
            25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().ok()?)),
            26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().ok()?)),
            27 => u64::from_be_bytes(self.take(8)?.try_into().ok()?),
            _ => return None,
        };
        Some((major, arg))
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self) -> Option<u64> {
        match self.head()? {
            (0, n) => Some(n),
            _ => None,
        }
    }

    /// An integer that fits in i64.
    pub(crate) fn int(&mut self) -> Option<i64> {
        match self.head()? {
            (0, n) => i64::try_from(n).ok(),
            (1, n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => None,
        }
    }

    /// An integer, if the next item is one (else the item is left unread).
    pub(crate) fn int_key(&mut self) -> Option<Option<i64>> {
        match self.peek_major()? {
            0 | 1 => {
                let start = self.pos;
                let k = self.int();
                if k.is_none() {
                    self.pos = start;
                }
                Some(k)
            }
            _ => Some(None),
        }
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        match self.head()? {
            (2, n) => self.take(usize::try_from(n).ok()?),
            _ => None,
        }
    }

    /// A text string.
    pub(crate) fn text(&mut self) -> Option<&'a str> {
        match self.head()? {
            (3, n) => std::str::from_utf8(self.take(usize::try_from(n).ok()?)?).ok(),
            _ => None,
        }
    }

    /// An array head: its length.
    pub(crate) fn array(&mut self) -> Option<u64> {
        match self.head()? {
            (4, n) => Some(n),
            _ => None,
        }
    }

    /// A map head: its number of entries.
    pub(crate) fn map(&mut self) -> Option<u64> {
        match self.head()? {
            (5, n) => Some(n),
            _ => None,
        }
    }

    /// One item as a value tree (see [`build`]).
    fn value(&mut self, depth_left: usize) -> Option<ciborium::value::Value> {
        use ciborium::value::{Integer, Value};
        let (major, arg) = self.head()?;
        // Every item takes at least one byte: no capacity beyond the input.
        let cap = |n: u64| usize::try_from(n).ok().filter(|n| *n <= self.input.len());
        Some(match major {
            0 => Value::Integer(Integer::from(arg)),
            1 => Value::Integer(Integer::try_from(-1 - i128::from(arg)).ok()?),
            2 => Value::Bytes(self.take(usize::try_from(arg).ok()?)?.to_vec()),
            3 => Value::Text(
                std::str::from_utf8(self.take(usize::try_from(arg).ok()?)?)
                    .ok()?
                    .to_owned(),
            ),
            4..=6 if depth_left == 0 => return None,
            4 => {
                let mut items = Vec::with_capacity(cap(arg)?);
                for _ in 0..arg {
                    items.push(self.value(depth_left - 1)?);
                }
                Value::Array(items)
            }
            5 => {
                let mut entries = Vec::with_capacity(cap(arg)?);
                for _ in 0..arg {
                    let k = self.value(depth_left - 1)?;
                    entries.push((k, self.value(depth_left - 1)?));
                }
                Value::Map(entries)
            }
            6 if arg == 2 || arg == 3 => return None,
            6 => Value::Tag(arg, Box::new(self.value(depth_left - 1)?)),
            _ => match arg {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 => Value::Null,
                _ => return None,
            },
        })
    }

    /// Skips one item of any kind.
    pub(crate) fn skip(&mut self) -> Option<()> {
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            let (major, n) = self.head()?;
            match major {
                2 | 3 => {
                    self.take(usize::try_from(n).ok()?)?;
                }
                4 => pending = pending.checked_add(n)?,
                5 => pending = pending.checked_add(n.checked_mul(2)?)?,
                6 => pending = pending.checked_add(1)?,
                _ => {}
            }
        }
        Some(())
    }
}
