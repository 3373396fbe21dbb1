//! `lz keygen`: issuer keys (Ed25519 PKCS#8 PEM) and holder keys.

use std::path::PathBuf;

use clap::ValueEnum;
use liangzheng::b64;
use liangzheng::holder::P256DeviceSigner;
use liangzheng::keys::{IssuerKey, IssuerSigner};
use rand_core::RngCore;

use super::files::{
    holder_public_text, holder_signer, pkcs8_v1_pem, save, HolderKeyFile, HOLDER_KEY_FORMAT,
    VERSION,
};
use super::{ctx, join, mkdir, write, CliError, CliResult};

/// Holder key algorithms.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HolderAlg {
    /// Ed25519 in software.
    Ed25519,
    /// P-256 (ES256), as Android Keystore / Secure Enclave keep.
    P256,
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
    /// Holder key algorithm.
    #[arg(long, value_enum, default_value = "ed25519", requires = "holder")]
    pub alg: HolderAlg,
}

/// Runs `lz keygen`.
pub fn run(a: Args) -> CliResult {
    mkdir(&a.out)?;
    if a.holder {
        let name = a.name.as_deref().unwrap_or("holder");
        let (alg, seed) = loop {
            let mut seed = [0u8; 32];
            rand_core::OsRng.fill_bytes(&mut seed);
            match a.alg {
                HolderAlg::Ed25519 => break ("ed25519", seed),
                // A random 32-byte string is a valid P-256 scalar with overwhelming probability.
                HolderAlg::P256 if P256DeviceSigner::from_scalar(&seed).is_ok() => {
                    break ("p256", seed)
                }
                HolderAlg::P256 => continue,
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
    let key = IssuerKey::generate();
    let pem = pkcs8_v1_pem(&key)?;
    let key_path = join(&a.out, &format!("{name}.key.pem"));
    let pub_path = join(&a.out, &format!("{name}.pub.pem"));
    write(&key_path, pem.as_bytes())?;
    restrict(&key_path)?;
    write(&pub_path, key.public_key_pem())?;
    println!("private key 私钥: {}", key_path.display());
    println!("public key 公钥: {}", pub_path.display());
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
