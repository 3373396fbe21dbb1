//! The holder side (亮证), for the page's holder demo tab and for app developers:
//! a wallet of one license that presents chosen fields as QR text.

use std::sync::Arc;

use liangzheng::b64;
use liangzheng::credential::IssuedLicense;
use liangzheng::holder::{DeviceSigner, Ed25519DeviceSigner, P256DeviceSigner};
use liangzheng::time::UnixTime;
use liangzheng::wallet::Wallet;
use wasm_bindgen::prelude::*;

use crate::convert::unix_seconds;
use crate::LzError;

/// A wallet holding one license and the holder's device key.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Holder {
    wallet: Wallet,
    index: usize,
}

impl Holder {
    /// A holder of `license` (`IssuedLicense` bytes: CBOR, or the base64url
    /// text of a `*.lz` file) with the device key `alg` (`ed25519` seed or
    /// `p256` scalar, 32 bytes). Demo keys only: a real wallet keeps its key
    /// in the phone's secure hardware, never in a web page.
    pub fn from_parts(license: &[u8], alg: &str, seed: &[u8]) -> Result<Self, LzError> {
        let seed: [u8; 32] = seed.try_into().map_err(|_| {
            LzError::invalid_input(
                "bad_holder_key",
                "持证人密钥必须是 32 字节",
                "the holder key must be 32 bytes",
            )
        })?;
        let signer: Arc<dyn DeviceSigner> = match alg {
            "ed25519" => Arc::new(Ed25519DeviceSigner::from_seed(&seed)),
            "p256" => Arc::new(P256DeviceSigner::from_scalar(&seed)?),
            _ => {
                return Err(LzError::invalid_input(
                    "bad_holder_key",
                    "持证人密钥算法只能是 ed25519 或 p256",
                    "the holder key algorithm must be ed25519 or p256",
                ))
            }
        };
        // A `*.lz` file is one line of base64url; raw CBOR is accepted too.
        let decoded = std::str::from_utf8(license)
            .ok()
            .and_then(|t| b64::decode(t.trim()));
        let bytes = decoded.as_deref().unwrap_or(license);
        let license = IssuedLicense::from_bytes(bytes).map_err(|e| {
            LzError::new(
                "wallet",
                "bad_license",
                &format!("证照文件无法读取：{}", liangzheng::lang::Localized::zh(&e)),
                &format!(
                    "the license file cannot be read: {}",
                    liangzheng::lang::Localized::en(&e)
                ),
            )
        })?;
        let mut wallet = Wallet::new(signer);
        let index = wallet.add(license)?;
        Ok(Holder { wallet, index })
    }

    /// QR text presenting `fields` (keys) at `now`.
    pub fn show(&self, fields: &[String], now: u64) -> Result<String, LzError> {
        let keys: Vec<&str> = fields.iter().map(String::as_str).collect();
        Ok(self.wallet.present(self.index, &keys, UnixTime(now))?)
    }

    /// QR text answering a verifier's request QR (授权用证) with `fields` at `now`.
    pub fn answer(
        &self,
        request_qr_text: &str,
        fields: &[String],
        now: u64,
    ) -> Result<String, LzError> {
        let prompt = self.wallet.read_request(
            request_qr_text,
            &liangzheng::request::RequestPolicy::at(UnixTime(now)),
        )?;
        let keys: Vec<&str> = fields.iter().map(String::as_str).collect();
        Ok(self
            .wallet
            .respond(self.index, &prompt.request, &keys, UnixTime(now))?)
    }
}

#[wasm_bindgen]
impl Holder {
    /// `new Holder(license, alg, seed)`: see [`Holder::from_parts`].
    #[wasm_bindgen(constructor)]
    pub fn new(license: &[u8], alg: &str, seed: &[u8]) -> Result<Holder, JsValue> {
        Self::from_parts(license, alg, seed).map_err(LzError::into_js)
    }

    /// The license type as `[名称, English name, type code]`.
    #[wasm_bindgen(js_name = licenseType)]
    pub fn license_type(&self) -> Vec<String> {
        self.wallet
            .license_type(self.index)
            .map(|t| vec![t.zh.clone(), t.en.clone(), t.type_code.clone()])
            .unwrap_or_default()
    }

    /// Presents `fields` at `now` (Unix seconds): the QR text to show.
    pub fn present(&self, fields: Vec<String>, now: f64) -> Result<String, JsValue> {
        unix_seconds("now", now)
            .and_then(|now| self.show(&fields, now))
            .map_err(LzError::into_js)
    }

    /// Answers a request QR with `fields` at `now`: the QR text to show.
    pub fn respond(
        &self,
        request_qr_text: &str,
        fields: Vec<String>,
        now: f64,
    ) -> Result<String, JsValue> {
        unix_seconds("now", now)
            .and_then(|now| self.answer(request_qr_text, &fields, now))
            .map_err(LzError::into_js)
    }
}
