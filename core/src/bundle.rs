//! 一照通 bundles: a business license and permits of the same subject (same
//! 统一社会信用代码), presented together.
//!
//! Wire form (deterministic CBOR, QR kind `B`, sent as a multi-frame code):
//! `[members: [+ [credential: bstr, disclosures: [* bstr]]], proof]`, where
//! `proof` is `null` for a static bundle (a wall code: every member static) or
//! `[time: uint, lifetime: uint, signature: bstr]` — **one** holder signature
//! over the [`transcript`], which names every member credential and the field
//! ids disclosed from each, so members cannot be added, dropped, swapped or
//! replayed into another bundle. Each holder-bound member's own `cnf` key must
//! verify that one signature. The threat model and why static bundles carry no
//! aggregator signature: `docs/decisions/0015-bundles.md`; byte layout:
//! `docs/FORMAT.md` §15.

use std::borrow::Cow;
use std::fmt;

use ciborium::value::Value;

use crate::alg::DigestAlgorithm;
use crate::cbor::{self, read, CborError};
use crate::lang::Localized;
use crate::presentation::{MAX_DISCLOSURES, MAX_PRESENTATION_LEN};
use crate::time::UnixTime;

/// Most members in one bundle (a business license and 63 permits).
pub const MAX_MEMBERS: usize = 64;
/// Largest bundle accepted: the multi-frame transport's message limit.
pub const MAX_BUNDLE_LEN: usize = 65_536;
/// Domain-separation label of the bundle transcript.
pub const BUNDLE_LABEL: &str = "LZ1-bundle";

/// One member: a credential and the disclosures chosen from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleMember {
    /// Credential bytes (full credential or an issuer-signed view).
    pub credential: Vec<u8>,
    /// Disclosure bytes, ascending by field id.
    pub disclosures: Vec<Vec<u8>>,
}

/// The holder's one signature over the whole bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleProof {
    /// When the holder made the presentation.
    pub time: UnixTime,
    /// How long it is meant to be valid, in seconds.
    pub lifetime: u64,
    /// The holder's signature over the [`transcript`].
    pub signature: Vec<u8>,
}

/// A bundle as carried in the frames of an animated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The members, in the holder's order (the first is the anchor: its subject
    /// is the bundle's).
    pub members: Vec<BundleMember>,
    /// None for a static bundle.
    pub proof: Option<BundleProof>,
}

/// Why bundle bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleFormatError {
    /// Not deterministic CBOR, or over [`MAX_BUNDLE_LEN`].
    Cbor(CborError),
    /// The structure is not `[members, proof]` as specified.
    Shape(&'static str),
    /// No member.
    Empty,
    /// More than [`MAX_MEMBERS`] members.
    TooManyMembers(usize),
}

impl Localized for BundleFormatError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            BundleFormatError::Cbor(e) => format!("一照通数据格式错误：{}", e.zh()).into(),
            BundleFormatError::Shape(_) => "一照通数据结构错误".into(),
            BundleFormatError::Empty => "一照通中没有任何证照".into(),
            BundleFormatError::TooManyMembers(n) => {
                format!("一照通中的证照过多：{n} 个，最多 {MAX_MEMBERS} 个").into()
            }
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            BundleFormatError::Cbor(e) => format!("bundle is not valid CBOR: {}", e.en()).into(),
            BundleFormatError::Shape(what) => format!("bundle structure is wrong: {what}").into(),
            BundleFormatError::Empty => "the bundle has no member".into(),
            BundleFormatError::TooManyMembers(n) => {
                format!("the bundle has {n} members, at most {MAX_MEMBERS}").into()
            }
        }
    }
}

impl fmt::Display for BundleFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for BundleFormatError {}

/// The bytes the holder signs for a bundle: `["LZ1-bundle", [+ [H(credential),
/// [sorted field ids]]], time, lifetime]`, `H` the digest of the first
/// member's suite (SHA-256, or SM3 for an SM2 credential).
pub fn transcript(
    digest: DigestAlgorithm,
    members: &[(&[u8], Vec<u32>)],
    time: UnixTime,
    lifetime: u64,
) -> Vec<u8> {
    let list = members
        .iter()
        .map(|(cred, ids)| {
            let mut ids = ids.clone();
            ids.sort_unstable();
            Value::Array(vec![
                Value::Bytes(digest.digest(cred).to_vec()),
                Value::Array(ids.into_iter().map(|i| read::u(u64::from(i))).collect()),
            ])
        })
        .collect();
    cbor::encode(&Value::Array(vec![
        Value::Text(BUNDLE_LABEL.into()),
        Value::Array(list),
        read::u(time.0),
        read::u(lifetime),
    ]))
}

impl Bundle {
    /// Deterministic CBOR encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let members = self
            .members
            .iter()
            .map(|m| {
                Value::Array(vec![
                    Value::Bytes(m.credential.clone()),
                    Value::Array(
                        m.disclosures
                            .iter()
                            .map(|d| Value::Bytes(d.clone()))
                            .collect(),
                    ),
                ])
            })
            .collect();
        let proof = match &self.proof {
            None => Value::Null,
            Some(p) => Value::Array(vec![
                read::u(p.time.0),
                read::u(p.lifetime),
                Value::Bytes(p.signature.clone()),
            ]),
        };
        cbor::encode(&Value::Array(vec![Value::Array(members), proof]))
    }

    /// Parses bundle bytes strictly (shape and limits only; members are
    /// checked by the verifier).
    pub fn parse(bytes: &[u8]) -> Result<Self, BundleFormatError> {
        use BundleFormatError::Shape;
        let v = cbor::decode_strict(bytes, MAX_BUNDLE_LEN).map_err(BundleFormatError::Cbor)?;
        let [members, proof] = read::array(&v).ok_or(Shape("not an array"))? else {
            return Err(Shape("not [members, proof]"));
        };
        let list = read::array(members).ok_or(Shape("members"))?;
        if list.is_empty() {
            return Err(BundleFormatError::Empty);
        }
        if list.len() > MAX_MEMBERS {
            return Err(BundleFormatError::TooManyMembers(list.len()));
        }
        let mut out = Vec::with_capacity(list.len());
        for m in list {
            let [cred, ds] = read::array(m).ok_or(Shape("member"))? else {
                return Err(Shape("member is not [credential, disclosures]"));
            };
            let credential = read::bytes(cred)
                .filter(|c| c.len() <= MAX_PRESENTATION_LEN)
                .ok_or(Shape("credential"))?
                .to_vec();
            let ds = read::array(ds)
                .filter(|d| d.len() <= MAX_DISCLOSURES)
                .ok_or(Shape("disclosures"))?;
            let disclosures = ds
                .iter()
                .map(|d| read::bytes(d).map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()
                .ok_or(Shape("disclosure"))?;
            out.push(BundleMember {
                credential,
                disclosures,
            });
        }
        let proof = match proof {
            Value::Null => None,
            p => match read::array(p) {
                Some([time, lifetime, sig]) => Some(BundleProof {
                    time: UnixTime(read::uint(time).ok_or(Shape("proof time"))?),
                    lifetime: read::uint(lifetime).ok_or(Shape("proof lifetime"))?,
                    signature: read::bytes(sig)
                        .filter(|s| s.len() <= 256)
                        .ok_or(Shape("proof signature"))?
                        .to_vec(),
                }),
                _ => return Err(Shape("proof")),
            },
        };
        Ok(Bundle {
            members: out,
            proof,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_limits() {
        let b = Bundle {
            members: vec![BundleMember {
                credential: vec![1, 2, 3],
                disclosures: vec![vec![4], vec![5]],
            }],
            proof: Some(BundleProof {
                time: UnixTime(7),
                lifetime: 60,
                signature: vec![9; 64],
            }),
        };
        assert_eq!(Bundle::parse(&b.to_bytes()), Ok(b.clone()));
        let empty = Bundle {
            members: vec![],
            proof: None,
        };
        assert_eq!(
            Bundle::parse(&empty.to_bytes()),
            Err(BundleFormatError::Empty)
        );
        // Members of a realistic size (tiny ones would hit the CBOR item limit first).
        let member = BundleMember {
            credential: vec![1; 200],
            disclosures: vec![vec![4; 40]],
        };
        let many = Bundle {
            members: vec![member; MAX_MEMBERS + 1],
            proof: None,
        };
        assert_eq!(
            Bundle::parse(&many.to_bytes()),
            Err(BundleFormatError::TooManyMembers(MAX_MEMBERS + 1))
        );
        assert!(matches!(
            Bundle::parse(&[0x83, 1, 2, 3]),
            Err(BundleFormatError::Shape(_))
        ));
        assert!(matches!(
            Bundle::parse(&[0xff]),
            Err(BundleFormatError::Cbor(_))
        ));
        for e in [
            BundleFormatError::Empty,
            BundleFormatError::TooManyMembers(65),
            BundleFormatError::Shape("x"),
        ] {
            assert!(e.zh().contains("一照通") && e.en().contains("bundle"));
        }
    }
}
