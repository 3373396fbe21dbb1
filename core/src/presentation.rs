//! Presentations (亮证): a credential, the disclosures the holder chose, and the
//! holder's proof of possession.
//!
//! Wire form (deterministic CBOR):
//! `[credential: bstr, disclosures: [* bstr], proof]`, where `proof` is
//! `null` for a static (not holder-bound) display, or
//! `[time: uint, lifetime: uint, signature: bstr, ? nonce: bstr]`.
//!
//! The holder signs the [`transcript`]: the credential's digest, the disclosed
//! field ids, the time and lifetime, and — when answering a verifier's request —
//! the digest of that request. Both digests use the credential's suite digest
//! (SHA-256, or SM3 for an SM2 credential), whatever the holder key's algorithm. A screenshot is useless after `lifetime`
//! seconds, and an answer to one request cannot be replayed to another.

use ciborium::value::Value;

use crate::alg::DigestAlgorithm;
use crate::cbor::{self, read, CborError};
use crate::time::UnixTime;

/// Largest presentation accepted (a version-40 QR holds under 3 KB of Base45 data).
pub const MAX_PRESENTATION_LEN: usize = 8192;
/// Most disclosures in one presentation.
pub const MAX_DISCLOSURES: usize = 64;
/// Default presentation lifetime in seconds.
pub const DEFAULT_LIFETIME_SECS: u64 = 60;
/// Domain-separation label of the holder transcript.
pub const TRANSCRIPT_LABEL: &str = "LZ1-presentation";

/// The holder's proof of possession.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderProof {
    /// When the holder made the presentation.
    pub time: UnixTime,
    /// How long it is meant to be valid, in seconds.
    pub lifetime: u64,
    /// The holder's signature over the transcript.
    pub signature: Vec<u8>,
    /// The nonce of the request this answers, if any.
    pub nonce: Option<Vec<u8>>,
}

/// A presentation as carried in a QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// Credential bytes (full credential or an issuer-signed view).
    pub credential: Vec<u8>,
    /// Disclosure bytes.
    pub disclosures: Vec<Vec<u8>>,
    /// Holder proof (None for a static display).
    pub proof: Option<HolderProof>,
}

/// The bytes the holder signs; `digest` is the credential's suite digest
/// ([`crate::credential::Credential::suite`]) and `request_hash` the same digest
/// of the request bytes ([`crate::request::ReceivedRequest::hash_with`]).
pub fn transcript(
    digest: DigestAlgorithm,
    credential: &[u8],
    field_ids: &[u32],
    time: UnixTime,
    lifetime: u64,
    request_hash: Option<&[u8; 32]>,
) -> Vec<u8> {
    let mut ids = field_ids.to_vec();
    ids.sort_unstable();
    // Written straight out in deterministic CBOR (shortest heads, definite lengths; no map to
    // sort): the bytes `cbor::encode` gives for the array
    // `[label, digest, [ids…], time, lifetime, request hash or null]` (tested against it),
    // without building and cloning a value tree on every presentation and verification.
    let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let mut out = Vec::with_capacity(96 + 5 * ids.len());
    cbor::write_head(4, 6, &mut out);
    cbor::write_head(3, len(TRANSCRIPT_LABEL.len()), &mut out);
    out.extend_from_slice(TRANSCRIPT_LABEL.as_bytes());
    cbor::write_head(2, 32, &mut out);
    out.extend_from_slice(&digest.digest(credential));
    cbor::write_head(4, len(ids.len()), &mut out);
    for id in ids {
        cbor::write_head(0, u64::from(id), &mut out);
    }
    cbor::write_head(0, time.0, &mut out);
    cbor::write_head(0, lifetime, &mut out);
    match request_hash {
        Some(h) => {
            cbor::write_head(2, 32, &mut out);
            out.extend_from_slice(h);
        }
        None => out.push(0xf6),
    }
    out
}

impl Presentation {
    /// Deterministic CBOR encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let proof = match &self.proof {
            None => Value::Null,
            Some(p) => {
                let mut items = vec![
                    read::u(p.time.0),
                    read::u(p.lifetime),
                    Value::Bytes(p.signature.clone()),
                ];
                if let Some(n) = &p.nonce {
                    items.push(Value::Bytes(n.clone()));
                }
                Value::Array(items)
            }
        };
        cbor::encode(&Value::Array(vec![
            Value::Bytes(self.credential.clone()),
            Value::Array(
                self.disclosures
                    .iter()
                    .map(|d| Value::Bytes(d.clone()))
                    .collect(),
            ),
            proof,
        ]))
    }

    /// Parses presentation bytes strictly.
    pub fn parse(bytes: &[u8]) -> Result<Self, CborError> {
        // The decoded tree is taken apart by value: its byte strings move out, uncopied.
        let bytes_of = |v: Value| match v {
            Value::Bytes(b) => Ok(b),
            _ => Err(CborError::Malformed),
        };
        let Value::Array(items) = cbor::decode_strict(bytes, MAX_PRESENTATION_LEN)? else {
            return Err(CborError::Malformed);
        };
        let Ok([cred, ds, proof]) = <[Value; 3]>::try_from(items) else {
            return Err(CborError::Malformed);
        };
        let credential = bytes_of(cred)?;
        let Value::Array(ds) = ds else {
            return Err(CborError::Malformed);
        };
        if ds.len() > MAX_DISCLOSURES {
            return Err(CborError::TooManyItems);
        }
        let disclosures = ds
            .into_iter()
            .map(bytes_of)
            .collect::<Result<Vec<_>, _>>()?;
        let proof = match proof {
            Value::Null => None,
            Value::Array(items) if matches!(items.len(), 3 | 4) => {
                let mut items = items.into_iter();
                let mut next = || items.next().ok_or(CborError::Malformed);
                let time = UnixTime(read::uint(&next()?).ok_or(CborError::Malformed)?);
                let lifetime = read::uint(&next()?).ok_or(CborError::Malformed)?;
                let signature = bytes_of(next()?)?;
                let nonce = match items.next() {
                    None => None,
                    Some(n) => Some(bytes_of(n)?),
                };
                Some(HolderProof {
                    time,
                    lifetime,
                    signature,
                    nonce,
                })
            }
            _ => return Err(CborError::Malformed),
        };
        Ok(Presentation {
            credential,
            disclosures,
            proof,
        })
    }
}

#[cfg(test)]
mod transcript_tests {
    use super::*;

    /// The transcript as it was built before: a value tree, encoded deterministically.
    fn reference(
        digest: DigestAlgorithm,
        credential: &[u8],
        field_ids: &[u32],
        time: UnixTime,
        lifetime: u64,
        request_hash: Option<&[u8; 32]>,
    ) -> Vec<u8> {
        let mut ids = field_ids.to_vec();
        ids.sort_unstable();
        cbor::encode(&Value::Array(vec![
            Value::Text(TRANSCRIPT_LABEL.into()),
            Value::Bytes(digest.digest(credential).to_vec()),
            Value::Array(ids.into_iter().map(|i| read::u(u64::from(i))).collect()),
            read::u(time.0),
            read::u(lifetime),
            request_hash.map_or(Value::Null, |h| Value::Bytes(h.to_vec())),
        ]))
    }

    proptest::proptest! {
        #[test]
        fn the_direct_encoding_is_the_value_trees(
            cred in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            ids in proptest::collection::vec(proptest::prelude::any::<u32>(), 0..70),
            time in proptest::prelude::any::<u64>(),
            lifetime in proptest::prelude::any::<u64>(),
            hash in proptest::option::of(proptest::prelude::any::<[u8; 32]>()),
            sm3 in proptest::prelude::any::<bool>(),
        ) {
            let d = if sm3 { DigestAlgorithm::Sm3 } else { DigestAlgorithm::Sha256 };
            let t = UnixTime(time);
            proptest::prop_assert_eq!(
                transcript(d, &cred, &ids, t, lifetime, hash.as_ref()),
                reference(d, &cred, &ids, t, lifetime, hash.as_ref())
            );
        }
    }

    #[test]
    fn small_and_boundary_values_encode_as_the_value_tree() {
        for n in [
            0u64,
            23,
            24,
            255,
            256,
            65_535,
            65_536,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let ids = [u32::try_from(n).unwrap_or(u32::MAX), 0, 24];
            assert_eq!(
                transcript(DigestAlgorithm::Sha256, b"c", &ids, UnixTime(n), n, None),
                reference(DigestAlgorithm::Sha256, b"c", &ids, UnixTime(n), n, None),
                "{n}"
            );
        }
    }
}
