//! Issuing: validated claims → signed credential + the holder's disclosures.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use ciborium::value::Value;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use super::{claims_value, StatusRef};
use crate::cbor::{self, read, CborError};
use crate::cose::Sign1;
use crate::disclosure::{Disclosure, DisclosureDigest};
use crate::holder::HolderPublicKey;
use crate::ids::{Date, LicenseId, Uscc};
use crate::keys::{IssuerSigner, KeyError, KeyId};
use crate::lang::Localized;
use crate::schema::rules_input;
use crate::schema::{
    FieldValue, LicenseType, Registry, SchemaError, FIELD_LICENSE_ID, FIELD_LICENSE_NUMBER,
};
use crate::time::UnixTime;

/// Claims for one license, as an issuing system supplies them (also one line of a
/// JSONL batch file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// License type id (`cn.resident-id-card`) or type code.
    #[serde(rename = "type")]
    pub license_type: String,
    /// 证照编号 as printed.
    pub license_number: String,
    /// Serial part of the 证照标识 (defaults to the license number when that is alphanumeric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// First day of validity (有效期起始日期).
    pub valid_from: Date,
    /// Last day of validity (有效期截止日期); absent = 长期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    /// Field values by field key, as text (`"1949-12-31"`, `"女"`, `"长期"` …).
    pub fields: BTreeMap<String, String>,
    /// Status-list reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusRefJson>,
}

/// JSON form of a [`StatusRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRefJson {
    /// List number.
    pub list: u32,
    /// Index.
    pub index: u64,
}

/// Claims validated by [`Issuer::check`]: the license type and the typed
/// values, ready to sign without validating again.
pub struct CheckedClaims<'a> {
    issuer: &'a Issuer,
    ty: &'a LicenseType,
    values: BTreeMap<u32, FieldValue>,
    claims: Claims,
}

impl fmt::Debug for CheckedClaims<'_> {
    /// Names the type only: the values are personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedClaims")
            .field("license_type", &self.ty.id)
            .finish_non_exhaustive()
    }
}

impl CheckedClaims<'_> {
    /// The license type the claims were checked against.
    pub fn license_type(&self) -> &LicenseType {
        self.ty
    }

    /// The claims as given.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// Sets the status-list slot (allocated after checking, e.g. by a
    /// registry in the transaction that records the license).
    pub fn set_status(&mut self, list: u32, index: u64) {
        self.claims.status = Some(StatusRefJson { list, index });
    }

    /// Issues the license with the issuer that checked the claims, drawing
    /// salts and decoys from `rng`; the same result as
    /// [`Issuer::issue_with_rng`] on these claims, without validating again.
    pub fn issue_with_rng(
        &self,
        holder: Option<&HolderPublicKey>,
        issued_at: UnixTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<IssuedLicense, IssueError> {
        self.issuer
            .sign_checked(self.ty, &self.values, &self.claims, holder, issued_at, rng)
    }
}

/// Why a license could not be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueError {
    /// The claims do not fit the license type.
    Schema(SchemaError),
    /// The signer failed.
    Key(KeyError),
    /// The validity dates are inconsistent.
    BadValidity,
    /// The license number cannot serve as the identifier's serial; give `serial`.
    BadSerial,
    /// The license type requires a holder key (居民身份证, 健康证明) and none was given.
    HolderKeyRequired,
}

impl Localized for IssueError {
    fn zh(&self) -> Cow<'static, str> {
        match self {
            IssueError::Schema(e) => e.zh(),
            IssueError::Key(e) => e.zh(),
            IssueError::BadValidity => "有效期起止日期不一致".into(),
            IssueError::BadSerial => "无法生成证照标识流水号（请提供仅含字母数字的 serial）".into(),
            IssueError::HolderKeyRequired => "此类证照必须绑定持证人公钥，不能签发静态证照".into(),
        }
    }
    fn en(&self) -> Cow<'static, str> {
        match self {
            IssueError::Schema(e) => e.en(),
            IssueError::Key(e) => e.en(),
            IssueError::BadValidity => "validity end is before its start".into(),
            IssueError::BadSerial => {
                "cannot derive the identifier serial; give an alphanumeric `serial`".into()
            }
            IssueError::HolderKeyRequired => {
                "this license type must be bound to a holder key; a static license cannot be issued"
                    .into()
            }
        }
    }
}
impl fmt::Display for IssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bilingual())
    }
}
impl std::error::Error for IssueError {}
impl From<SchemaError> for IssueError {
    fn from(e: SchemaError) -> Self {
        IssueError::Schema(e)
    }
}
impl From<KeyError> for IssueError {
    fn from(e: KeyError) -> Self {
        IssueError::Key(e)
    }
}

/// An issuer-signed view of a license: a credential over a predefined subset of
/// fields, with its own salts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedView {
    /// View id (from the type's data).
    pub view_id: u32,
    /// Signed credential bytes.
    pub credential: Vec<u8>,
    /// Disclosure bytes, one per field of the view.
    pub disclosures: Vec<Vec<u8>>,
}

/// Everything the holder receives for one license: the full credential, its
/// disclosures, and one signed view per profile of the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLicense {
    /// Signed credential bytes (all fields committed).
    pub credential: Vec<u8>,
    /// Disclosure bytes, one per field.
    pub disclosures: Vec<Vec<u8>>,
    /// Issuer-signed views.
    pub views: Vec<IssuedView>,
}

impl IssuedLicense {
    /// Deterministic CBOR for storage: `{1: credential, 2: [disclosures], 3: [[view id, credential, [disclosures]]]}`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let list =
            |d: &[Vec<u8>]| Value::Array(d.iter().map(|b| Value::Bytes(b.clone())).collect());
        cbor::encode(&Value::Map(vec![
            (read::i(1), Value::Bytes(self.credential.clone())),
            (read::i(2), list(&self.disclosures)),
            (
                read::i(3),
                Value::Array(
                    self.views
                        .iter()
                        .map(|v| {
                            Value::Array(vec![
                                read::u(u64::from(v.view_id)),
                                Value::Bytes(v.credential.clone()),
                                list(&v.disclosures),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]))
    }

    /// Reads what [`to_bytes`](Self::to_bytes) wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CborError> {
        let v = cbor::decode_strict(bytes, 256 * 1024)?;
        let m = read::map(&v).ok_or(CborError::Malformed)?;
        let list = |v: Option<&Value>| -> Result<Vec<Vec<u8>>, CborError> {
            read::array(v.ok_or(CborError::Malformed)?)
                .ok_or(CborError::Malformed)?
                .iter()
                .map(|b| {
                    read::bytes(b)
                        .map(<[u8]>::to_vec)
                        .ok_or(CborError::Malformed)
                })
                .collect()
        };
        let credential = read::get(m, 1)
            .and_then(read::bytes)
            .ok_or(CborError::Malformed)?
            .to_vec();
        let disclosures = list(read::get(m, 2))?;
        let mut views = Vec::new();
        for v in read::get(m, 3)
            .and_then(read::array)
            .ok_or(CborError::Malformed)?
        {
            match read::array(v) {
                Some([id, cred, ds]) => views.push(IssuedView {
                    view_id: read::uint(id)
                        .and_then(|i| u32::try_from(i).ok())
                        .ok_or(CborError::Malformed)?,
                    credential: read::bytes(cred).ok_or(CborError::Malformed)?.to_vec(),
                    disclosures: list(Some(ds))?,
                }),
                _ => return Err(CborError::Malformed),
            }
        }
        Ok(IssuedLicense {
            credential,
            disclosures,
            views,
        })
    }
}

/// An issuing authority: a signing key plus its name and 统一社会信用代码.
///
/// The suite of every credential it issues follows the signer's algorithm
/// ([`IssuerSigner::algorithm`]): an [`crate::keys::IssuerKey`] issues
/// Ed25519 + SHA-256, an [`crate::keys::Sm2IssuerKey`] SM2 + SM3, a P-256 key
/// (software or HSM) ES256 + SHA-256.
#[derive(Clone)]
pub struct Issuer {
    signer: Arc<dyn IssuerSigner>,
    name: String,
    code: Uscc,
    registry: Arc<Registry>,
    decoys: usize,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Issuer {{ name: {}, kid: {} }}",
            self.name,
            self.signer.key_id()
        )
    }
}

impl Issuer {
    /// An issuer with a signer, its name (颁发机构) and code (颁发机构代码), using the built-in types.
    pub fn new(signer: Arc<dyn IssuerSigner>, name: &str, code: Uscc) -> Self {
        Issuer {
            signer,
            name: name.to_string(),
            code,
            registry: Arc::new(Registry::builtin()),
            decoys: 4,
        }
    }

    /// Uses this registry of license types instead of the built-in one.
    pub fn with_registry(mut self, registry: Arc<Registry>) -> Self {
        self.registry = registry;
        self
    }

    /// Pads the full credential's digest list with decoys up to a multiple of `n`
    /// (default 4), so the count reveals less about which optional fields exist. 1 = no decoys.
    pub fn with_decoy_multiple(mut self, n: usize) -> Self {
        self.decoys = n.max(1);
        self
    }

    /// The signer (to sign status lists with the same key).
    pub fn signer(&self) -> &dyn IssuerSigner {
        self.signer.as_ref()
    }

    /// The key id credentials will carry.
    pub fn key_id(&self) -> KeyId {
        self.signer.key_id()
    }

    /// The issuer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The issuer's 统一社会信用代码.
    pub fn code(&self) -> &Uscc {
        &self.code
    }

    /// The license types this issuer knows.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Validates the claims against the type and returns the typed values by field id.
    pub fn validate(
        &self,
        claims: &Claims,
    ) -> Result<(&LicenseType, BTreeMap<u32, FieldValue>), IssueError> {
        let ty = self
            .registry
            .get(&claims.license_type)
            .ok_or_else(|| SchemaError::UnknownType(claims.license_type.clone()))?;
        if let Some(end) = claims.valid_until {
            if end < claims.valid_from {
                return Err(IssueError::BadValidity);
            }
        }
        let mut values = BTreeMap::new();
        for (key, text) in &claims.fields {
            let field = ty
                .field(key)
                .filter(|f| f.id != FIELD_LICENSE_ID && f.id != FIELD_LICENSE_NUMBER)
                .ok_or_else(|| SchemaError::UnknownField(key.clone()))?;
            if let crate::schema::ValueKind::Image(profile) = &field.kind {
                let bytes =
                    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text.trim())
                        .map_err(|_| SchemaError::InvalidValue {
                            field: key.clone(),
                            reason: "not standard Base64".into(),
                        })?;
                profile
                    .check(&bytes)
                    .map_err(|error| SchemaError::InvalidImage {
                        field: key.clone(),
                        error,
                    })?;
                values.insert(field.id, FieldValue::Bytes(bytes));
                continue;
            }
            let v = FieldValue::parse(&field.kind, text).map_err(|reason| {
                SchemaError::InvalidValue {
                    field: key.clone(),
                    reason,
                }
            })?;
            values.insert(field.id, v);
        }
        let number = FieldValue::Text(claims.license_number.trim().to_string());
        number
            .validate(&ty.fields[0].kind)
            .map_err(|reason| SchemaError::InvalidValue {
                field: "license_number".into(),
                reason,
            })?;
        values.insert(FIELD_LICENSE_NUMBER, number);
        let serial = claims
            .serial
            .clone()
            .unwrap_or_else(|| claims.license_number.trim().to_string());
        if serial.is_empty() || !serial.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IssueError::BadSerial);
        }
        let type_code = crate::ids::LicenseTypeCode::parse(&ty.type_code).map_err(|e| {
            SchemaError::InvalidValue {
                field: "type_code".into(),
                reason: e.to_string(),
            }
        })?;
        let license_id = LicenseId::new(&type_code, &self.code, &serial, 1)
            .map_err(|_| IssueError::BadSerial)?;
        values.insert(
            FIELD_LICENSE_ID,
            FieldValue::Text(license_id.as_str().to_string()),
        );
        for f in &ty.fields {
            if f.required && !values.contains_key(&f.id) {
                return Err(SchemaError::MissingField(f.key.clone()).into());
            }
        }
        let by_key: BTreeMap<String, FieldValue> = values
            .iter()
            .filter_map(|(id, v)| ty.field_by_id(*id).map(|f| (f.key.clone(), v.clone())))
            .collect();
        let input = rules_input(&by_key, claims.valid_from, claims.valid_until);
        for rule in &ty.rules {
            if let Some(Err(reason)) = rule.check(ty, &input) {
                return Err(SchemaError::RuleViolated {
                    rule: rule.name().to_string(),
                    reason,
                }
                .into());
            }
        }
        Ok((ty, values))
    }

    /// Validates the claims once and keeps the typed values, so that a bulk
    /// issuer (a registry recording the license before signing it) does not
    /// validate the same claims twice: [`CheckedClaims::issue_with_rng`]
    /// signs them with this issuer. Only the status slot may change afterwards
    /// ([`CheckedClaims::set_status`]); no rule depends on it.
    pub fn check(&self, claims: Claims) -> Result<CheckedClaims<'_>, IssueError> {
        let (ty, values) = self.validate(&claims)?;
        Ok(CheckedClaims {
            issuer: self,
            ty,
            values,
            claims,
        })
    }

    /// Issues a license with fresh randomness from the operating system.
    pub fn issue(
        &self,
        claims: &Claims,
        holder: Option<&HolderPublicKey>,
        issued_at: UnixTime,
    ) -> Result<IssuedLicense, IssueError> {
        self.issue_with_rng(claims, holder, issued_at, &mut rand_core::OsRng)
    }

    /// Issues a license drawing salts and decoys from `rng` (a seeded CSPRNG gives reproducible test vectors).
    pub fn issue_with_rng(
        &self,
        claims: &Claims,
        holder: Option<&HolderPublicKey>,
        issued_at: UnixTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<IssuedLicense, IssueError> {
        let (ty, values) = self.validate(claims)?;
        self.sign_checked(ty, &values, claims, holder, issued_at, rng)
    }

    /// Signs validated values: the full credential and one per view.
    fn sign_checked(
        &self,
        ty: &LicenseType,
        values: &BTreeMap<u32, FieldValue>,
        claims: &Claims,
        holder: Option<&HolderPublicKey>,
        issued_at: UnixTime,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<IssuedLicense, IssueError> {
        if holder.is_none() && ty.holder_binding == crate::schema::HolderBinding::Required {
            return Err(IssueError::HolderKeyRequired);
        }
        let not_before = UnixTime::from_cst_date(claims.valid_from);
        // Valid through the whole last day (China Standard Time).
        let expires = claims
            .valid_until
            .map(|d| UnixTime::from_cst_date(d.add_days(1)));
        let status = claims.status.map(|s| StatusRef {
            list: s.list,
            index: s.index,
        });
        let all: Vec<u32> = values.keys().copied().collect();
        let (credential, disclosures) = self.sign_one(
            ty,
            values,
            &all,
            None,
            self.decoys,
            holder,
            status,
            issued_at,
            not_before,
            expires,
            rng,
        )?;
        let mut views = Vec::new();
        for view in &ty.views {
            let ids: Vec<u32> = view
                .fields
                .iter()
                .filter_map(|k| ty.field(k).map(|f| f.id))
                .filter(|id| values.contains_key(id))
                .collect();
            if ids.is_empty() {
                continue;
            }
            let (credential, disclosures) = self.sign_one(
                ty,
                values,
                &ids,
                Some(view.id),
                1,
                holder,
                status,
                issued_at,
                not_before,
                expires,
                rng,
            )?;
            views.push(IssuedView {
                view_id: view.id,
                credential,
                disclosures,
            });
        }
        Ok(IssuedLicense {
            credential,
            disclosures,
            views,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn sign_one(
        &self,
        ty: &LicenseType,
        values: &BTreeMap<u32, FieldValue>,
        ids: &[u32],
        view: Option<u32>,
        decoy_multiple: usize,
        holder: Option<&HolderPublicKey>,
        status: Option<StatusRef>,
        issued_at: UnixTime,
        not_before: UnixTime,
        expires: Option<UnixTime>,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(Vec<u8>, Vec<Vec<u8>>), IssueError> {
        let mut disclosures = Vec::new();
        let mut digests: Vec<DisclosureDigest> = Vec::new();
        // The signer's algorithm picks the suite: SM2 keys digest with SM3.
        let digest = self.signer.algorithm().digest();
        for id in ids {
            if let Some(v) = values.get(id) {
                let d = Disclosure::new(*id, v.to_cbor(), rng);
                digests.push(d.digest(digest));
                disclosures.push(d.bytes);
            }
        }
        while digests.len() % decoy_multiple != 0 {
            let mut decoy = [0u8; crate::disclosure::DIGEST_LEN];
            rng.fill_bytes(&mut decoy);
            digests.push(decoy);
        }
        digests.sort();
        digests.dedup();
        let mut lz = vec![
            (read::i(1), Value::Text(ty.type_code.clone())),
            (read::i(2), Value::Bytes(digests.concat())),
        ];
        if let Some(s) = status {
            lz.push((
                read::i(3),
                Value::Array(vec![read::u(u64::from(s.list)), read::u(s.index)]),
            ));
        }
        if let Some(v) = view {
            lz.push((read::i(4), read::u(u64::from(v))));
        }
        let payload = cbor::encode(&claims_value(issued_at, not_before, expires, holder, lz));
        let credential = Sign1::sign(&payload, None, self.signer.as_ref())?;
        Ok((credential, disclosures))
    }
}
