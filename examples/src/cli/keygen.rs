//! `lz keygen`: issuer keys (PKCS#8 PEM: Ed25519, P-256 or SM2) and holder keys.

use std::path::PathBuf;

use clap::ValueEnum;
use liangzheng::alg::SignatureAlgorithm;
use liangzheng::b64;
use liangzheng::holder::{P256DeviceSigner, Sm2DeviceSigner};
use liangzheng::keys::{IssuerSigner, SoftwareIssuerKey};
use rand_core::RngCore;

use super::files::{
    holder_public_text, holder_signer, save, HolderKeyFile, HOLDER_KEY_FORMAT, VERSION,
};
use super::{ctx, join, mkdir, write, CliError, CliResult};

/// Key algorithms (issuer and holder keys alike).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyAlg {
    /// Ed25519 (+ SHA-256): the default.
    Ed25519,
    /// P-256 (ES256 + SHA-256), as Android Keystore / Secure Enclave / HSMs keep.
    P256,
    /// SM2 (+ SM3), 国密 GB/T 32918.2 with the default user id 1234567812345678.
    Sm2,
}

impl KeyAlg {
    /// The core algorithm.
    pub fn algorithm(self) -> SignatureAlgorithm {
        match self {
            KeyAlg::Ed25519 => SignatureAlgorithm::Ed25519,
            KeyAlg::P256 => SignatureAlgorithm::Es256,
            KeyAlg::Sm2 => SignatureAlgorithm::Sm2,
        }
    }
}

/// `lz keygen` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 输出目录 Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// 文件名前缀 File name prefix (default `issuer`, or `holder` with --holder).
    #[arg(long)]
    pub name: Option<String>,
    /// 持证人密钥 Make a holder (wallet) key instead of an issuer key.
    #[arg(long)]
    pub holder: bool,
    /// 密钥算法 Key algorithm (issuer or holder): ed25519, p256, sm2 (国密).
    #[arg(long, value_enum, default_value = "ed25519")]
    pub alg: KeyAlg,
}

/// Runs `lz keygen`.
pub fn run(a: Args) -> CliResult {
    mkdir(&a.out)?;
    if a.holder {
        let name = a.name.as_deref().unwrap_or("holder");
        let (alg, seed) = loop {
            let mut seed = [0u8; 32];
            rand_core::OsRng.fill_bytes(&mut seed);
            // A random 32-byte string is a valid P-256 / SM2 scalar with overwhelming probability.
            match a.alg {
                KeyAlg::Ed25519 => break ("ed25519", seed),
                KeyAlg::P256 if P256DeviceSigner::from_scalar(&seed).is_ok() => {
                    break ("p256", seed)
                }
                KeyAlg::Sm2 if Sm2DeviceSigner::from_scalar(&seed).is_ok() => break ("sm2", seed),
                KeyAlg::P256 | KeyAlg::Sm2 => continue,
            }
        };
        let signer = holder_signer(alg, &seed)?;
        let key_path = join(&a.out, &format!("{name}.key.json"));
        save(
            &key_path,
            &HolderKeyFile {
                format: HOLDER_KEY_FORMAT.into(),
                version: VERSION,
                alg: alg.into(),
                seed: b64::encode(&seed),
            },
        )?;
        let public = holder_public_text(&signer.public_key());
        write(&join(&a.out, &format!("{name}.pub")), format!("{public}\n"))?;
        println!("holder key 持证人密钥: {}", key_path.display());
        println!("public key 公钥: {public}");
        return Ok(0);
    }
    let name = a.name.as_deref().unwrap_or("issuer");
    let key = SoftwareIssuerKey::generate(a.alg.algorithm());
    let pem = key.to_pkcs8_pem().map_err(ctx("PKCS#8 export"))?;
    let key_path = join(&a.out, &format!("{name}.key.pem"));
    let pub_path = join(&a.out, &format!("{name}.pub.pem"));
    write(&key_path, pem.as_bytes())?;
    restrict(&key_path)?;
    write(&pub_path, key.public_key_pem())?;
    println!("private key 私钥: {}", key_path.display());
    println!("public key 公钥: {}", pub_path.display());
    println!("algorithm 算法: {}", key.algorithm().name());
    println!("kid: {}", key.key_id().to_hex());
    Ok(0)
}

/// Makes a private key file readable by its owner only (Unix).
fn restrict(path: &std::path::Path) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(ctx(format!("chmod {}", path.display())))?;
    }
    let _ = path;
    Ok(())
}
