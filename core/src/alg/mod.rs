//! The algorithm table: every signature and digest this format knows, in one place.
//!
//! Every signed structure (credential, presentation, request, trust list, status
//! list) names its signature algorithm by a COSE algorithm id in its protected
//! header, and that algorithm fixes the *suite*: the signature scheme plus the
//! digest used for everything else the structure hashes (disclosure digests, the
//! credential hash in the holder transcript, key ids). Like rustls'
//! `CryptoProvider` / `WebPkiSupportedAlgorithms`, this module is the only place
//! that maps an id to its verification and digest; `cose`, `holder`, `trust`,
//! `status`, `request`, `credential` and `verify` all consult it, so adding an
//! algorithm touches this table and `docs/FORMAT.md`, not every call site.
//!
//! | suite | [`SignatureAlgorithm`] | COSE id emitted | also accepted | [`DigestAlgorithm`] | public key bytes |
//! |---|---|---|---|---|---|
//! | Ed25519 + SHA-256 (default) | [`Ed25519`](SignatureAlgorithm::Ed25519) | −19 (RFC 9864 `Ed25519`) | −8 (`EdDSA`) | SHA-256 | raw 32 bytes |
//! | ES256 + SHA-256 | [`Es256`](SignatureAlgorithm::Es256) | −9 (RFC 9864 `ESP256`) | −7 (`ES256`) | SHA-256 | compressed SEC1, 33 bytes |
//! | SM2 + SM3 (国密) | [`Sm2`](SignatureAlgorithm::Sm2) | −66037 (private use, [`COSE_ALG_SM2`]) | — | SM3 | compressed SEC1, 33 bytes |
//!
//! Signatures are always 64 raw bytes: Ed25519's `R‖S`, and `r‖s` (two 32-byte
//! big-endian integers, IEEE P1363) for ES256 and SM2. SM2 signs per GB/T
//! 32918.2 with `Z_A` computed over the default user id
//! [`SM2_DEFAULT_USER_ID`] (`1234567812345678`, GM/T 0009).
//!
//! A key of one algorithm never verifies a signature of another:
//! [`VerifyingKey::verify`] takes the algorithm the signed structure names and
//! returns `false` when it is not the key's.
//!
//! SM2 and SM3 come from RustCrypto's `sm2` (=0.13.3) and `sm3` (=0.4.2) crates,
//! pure Rust. **RustCrypto states that its `sm2` crate has never been
//! independently audited**; see `docs/decisions/` before relying on it.

mod p256_backend;
mod public_key;
mod verifying_key;

pub use p256_backend::P256_BACKEND;
pub use public_key::{PublicKey, PublicKeyError};
pub use verifying_key::VerifyingKey;

/// The one encoding of a signature verifiers accept (FORMAT.md §3): an ES256
/// `r‖s` with high `s` becomes `r‖(n − s)` (both verify; only low S is
/// accepted). Every other signature, and bytes that are not an ES256
/// signature at all, are returned unchanged (verification then decides).
pub fn canonical_signature(algorithm: SignatureAlgorithm, signature: Vec<u8>) -> Vec<u8> {
    if algorithm != SignatureAlgorithm::Es256 {
        return signature;
    }
    match p256::ecdsa::Signature::from_slice(&signature) {
        Ok(sig) => match sig.normalize_s() {
            Some(low) => low.to_bytes().to_vec(),
            None => signature,
        },
        Err(_) => signature,
    }
}

use sha2::Digest as _;

/// The COSE algorithm id this library emits for SM2 signatures with SM3.
///
/// SM2 has no IANA-registered COSE algorithm, so this is a private-use value
/// (RFC 9053 §11: integers below −65536). −66037 = −(65536 + 501), after the
/// OID of SM2-with-SM3 signatures, `1.2.156.10197.1.501`. See
/// `docs/decisions/0008-sm2-cose-ids.md`.
pub const COSE_ALG_SM2: i64 = -66037;
const _: () = assert!(COSE_ALG_SM2 < -65536 && COSE_CRV_SM2 < -65536);
/// The COSE elliptic-curve id this library uses for SM2 keys in a COSE_Key
/// (private use, −(65536 + 301), after the SM2 curve OID `1.2.156.10197.1.301`).
pub const COSE_CRV_SM2: i64 = -65837;
/// RFC 9864 `Ed25519`: EdDSA with the Ed25519 curve, fully specified.
pub const COSE_ALG_ED25519: i64 = -19;
/// RFC 9864 `ESP256`: ECDSA with P-256 and SHA-256, fully specified.
pub const COSE_ALG_ESP256: i64 = -9;
/// The polymorphic `EdDSA` id of RFC 9053, accepted on input as Ed25519.
pub const COSE_ALG_EDDSA_LEGACY: i64 = -8;
/// The `ES256` id of RFC 9053, accepted on input as ESP256.
pub const COSE_ALG_ES256_LEGACY: i64 = -7;
/// The SM2 user id (ID_A) hashed into Z_A: the default of GM/T 0009-2012 §10.
pub const SM2_DEFAULT_USER_ID: &str = "1234567812345678";
/// Length of every signature in the table: 64 raw bytes.
pub const SIGNATURE_LEN: usize = 64;

/// A signature algorithm of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// Ed25519 (RFC 8032), verified strictly. The default for issuers.
    Ed25519,
    /// ECDSA with P-256 and SHA-256 (phones' secure hardware; PKCS#11 HSMs).
    Es256,
    /// SM2 digital signature with SM3 (GB/T 32918.2, GB/T 32905), user id
    /// [`SM2_DEFAULT_USER_ID`].
    Sm2,
}

/// One row of the algorithm table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgorithmEntry {
    /// The algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The COSE id written into new protected headers.
    pub cose_id: i64,
    /// Older COSE ids also accepted on input, meaning the same algorithm.
    pub legacy_cose_ids: &'static [i64],
    /// The digest of the suite.
    pub digest: DigestAlgorithm,
    /// Short name (`Ed25519`, `ESP256`, `SM2`).
    pub name: &'static str,
}

/// The table: every signature algorithm this library accepts, with its ids and digest.
pub const ALGORITHMS: [AlgorithmEntry; 3] = [
    AlgorithmEntry {
        algorithm: SignatureAlgorithm::Ed25519,
        cose_id: COSE_ALG_ED25519,
        legacy_cose_ids: &[COSE_ALG_EDDSA_LEGACY],
        digest: DigestAlgorithm::Sha256,
        name: "Ed25519",
    },
    AlgorithmEntry {
        algorithm: SignatureAlgorithm::Es256,
        cose_id: COSE_ALG_ESP256,
        legacy_cose_ids: &[COSE_ALG_ES256_LEGACY],
        digest: DigestAlgorithm::Sha256,
        name: "ESP256",
    },
    AlgorithmEntry {
        algorithm: SignatureAlgorithm::Sm2,
        cose_id: COSE_ALG_SM2,
        legacy_cose_ids: &[],
        digest: DigestAlgorithm::Sm3,
        name: "SM2",
    },
];

impl SignatureAlgorithm {
    /// Every algorithm of the table.
    pub const ALL: [SignatureAlgorithm; 3] = [
        SignatureAlgorithm::Ed25519,
        SignatureAlgorithm::Es256,
        SignatureAlgorithm::Sm2,
    ];

    /// This algorithm's row of [`ALGORITHMS`].
    pub fn entry(self) -> &'static AlgorithmEntry {
        match self {
            SignatureAlgorithm::Ed25519 => &ALGORITHMS[0],
            SignatureAlgorithm::Es256 => &ALGORITHMS[1],
            SignatureAlgorithm::Sm2 => &ALGORITHMS[2],
        }
    }

    /// The algorithm a COSE id names, accepting the legacy ids −8 (Ed25519) and
    /// −7 (ES256). `None` for any id not in the table.
    ///
    /// ```
    /// use liangzheng::alg::SignatureAlgorithm as A;
    /// assert_eq!(A::from_cose_id(-19), Some(A::Ed25519));
    /// assert_eq!(A::from_cose_id(-8), Some(A::Ed25519));
    /// assert_eq!(A::from_cose_id(-9), Some(A::Es256));
    /// assert_eq!(A::from_cose_id(-7), Some(A::Es256));
    /// assert_eq!(A::from_cose_id(-66037), Some(A::Sm2));
    /// assert_eq!(A::from_cose_id(-35), None); // ES384: not in the table
    /// ```
    pub fn from_cose_id(id: i64) -> Option<Self> {
        ALGORITHMS
            .iter()
            .find(|e| e.cose_id == id || e.legacy_cose_ids.contains(&id))
            .map(|e| e.algorithm)
    }

    /// The COSE id this library writes (RFC 9864 ids; [`COSE_ALG_SM2`] for SM2).
    pub fn cose_id(self) -> i64 {
        self.entry().cose_id
    }

    /// The digest of this algorithm's suite.
    pub fn digest(self) -> DigestAlgorithm {
        self.entry().digest
    }

    /// The suite this algorithm signs in.
    pub fn suite(self) -> Suite {
        Suite {
            signature: self,
            digest: self.digest(),
        }
    }

    /// Short name for display (`Ed25519`, `ESP256`, `SM2`).
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// Parses a name as written by [`name`](Self::name) or the CLI (`ed25519`,
    /// `es256`/`esp256`/`p256`, `sm2`), case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "ed25519" | "eddsa" => Some(SignatureAlgorithm::Ed25519),
            "es256" | "esp256" | "p256" | "p-256" => Some(SignatureAlgorithm::Es256),
            "sm2" => Some(SignatureAlgorithm::Sm2),
            _ => None,
        }
    }
}

impl std::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest algorithm of the table (both have 32-byte outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// SM3 (GB/T 32905-2016).
    Sm3,
}

impl DigestAlgorithm {
    /// The 32-byte digest of `data`.
    pub fn digest(self, data: &[u8]) -> [u8; 32] {
        match self {
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).into(),
            DigestAlgorithm::Sm3 => sm3::Sm3::digest(data).into(),
        }
    }

    /// Short name (`SHA-256`, `SM3`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sm3 => "SM3",
        }
    }
}

/// An algorithm suite: the signature algorithm and the digest used with it.
///
/// The signature algorithm fixes the digest, so a structure's suite is read
/// from the COSE id in its protected header. An issuer picks its suite by
/// picking its key: an SM2 key issues SM2 + SM3 credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Suite {
    /// Signs the structure.
    pub signature: SignatureAlgorithm,
    /// Digests disclosures, the credential in the holder transcript, the request, key ids.
    pub digest: DigestAlgorithm,
}

impl Suite {
    /// Ed25519 + SHA-256, the default.
    pub const ED25519_SHA256: Suite = Suite {
        signature: SignatureAlgorithm::Ed25519,
        digest: DigestAlgorithm::Sha256,
    };
    /// ES256 (P-256) + SHA-256.
    pub const ES256_SHA256: Suite = Suite {
        signature: SignatureAlgorithm::Es256,
        digest: DigestAlgorithm::Sha256,
    };
    /// SM2 + SM3 (国密).
    pub const SM2_SM3: Suite = Suite {
        signature: SignatureAlgorithm::Sm2,
        digest: DigestAlgorithm::Sm3,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_maps_back_and_legacy_ids_are_accepted() {
        for alg in SignatureAlgorithm::ALL {
            assert_eq!(SignatureAlgorithm::from_cose_id(alg.cose_id()), Some(alg));
            assert_eq!(alg.entry().algorithm, alg);
            assert_eq!(SignatureAlgorithm::from_name(alg.name()), Some(alg));
        }
        assert_eq!(SignatureAlgorithm::Ed25519.cose_id(), -19);
        assert_eq!(SignatureAlgorithm::Es256.cose_id(), -9);
        const { assert!(COSE_ALG_SM2 < -65536, "SM2 id must be private use") };
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-8),
            Some(SignatureAlgorithm::Ed25519)
        );
        assert_eq!(
            SignatureAlgorithm::from_cose_id(-7),
            Some(SignatureAlgorithm::Es256)
        );
        for unknown in [0, 1, -6, -35, -36, -37, -47, -65536, -65537, i64::MIN] {
            assert_eq!(SignatureAlgorithm::from_cose_id(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn suites_pair_sm2_with_sm3_and_the_rest_with_sha256() {
        assert_eq!(SignatureAlgorithm::Sm2.suite(), Suite::SM2_SM3);
        assert_eq!(SignatureAlgorithm::Ed25519.suite(), Suite::ED25519_SHA256);
        assert_eq!(SignatureAlgorithm::Es256.suite(), Suite::ES256_SHA256);
    }

    #[test]
    fn sm3_and_sha256_give_the_published_abc_digests() {
        // GB/T 32905-2016 Appendix A.1; FIPS 180-2 Appendix B.1.
        assert_eq!(
            hex(&DigestAlgorithm::Sm3.digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        assert_eq!(
            hex(&DigestAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
