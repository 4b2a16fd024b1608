//! Local keys for signing: secp256k1 keys from BIP39 mnemonics (m/44'/118'/0'/0/0).
//!
//! Backends, as in the Cosmos SDK's habits:
//! - `test`: plain JSON files under `<home>/keyring-test/` (development only);
//! - `file`: under `<home>/keyring-file/`, the private key encrypted with
//!   ChaCha20-Poly1305 under a key derived from a passphrase with scrypt.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use bip32::{DerivationPath, Language, Mnemonic, XPrv};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use k256::ecdsa::SigningKey;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use veritas_framework::Address;

/// The HD path of the first Cosmos (coin type 118) account.
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Test,
    File,
}

/// A stored key's public part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyInfo {
    pub name: String,
    pub address: String,
    /// Compressed secp256k1 public key, hex.
    pub pubkey: String,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    #[serde(flatten)]
    info: KeyInfo,
    secret: Secret,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Secret {
    Plain { private_key: String },
    Encrypted { kdf: String, log_n: u8, r: u32, p: u32, salt: String, nonce: String, ciphertext: String },
}

pub struct Keyring {
    dir: PathBuf,
    backend: Backend,
}

/// Derives the signing key of `mnemonic` at [`HD_PATH`].
pub fn key_from_mnemonic(mnemonic: &str) -> anyhow::Result<SigningKey> {
    let phrase = mnemonic.split_whitespace().collect::<Vec<_>>().join(" ");
    let mnemonic = Mnemonic::new(&phrase, Language::English).map_err(|_| anyhow::anyhow!("invalid BIP39 mnemonic"))?;
    let seed = mnemonic.to_seed("");
    let path: DerivationPath = HD_PATH.parse().expect("valid path");
    let xprv = XPrv::derive_from_path(seed, &path).map_err(|e| anyhow::anyhow!("key derivation failed: {e}"))?;
    Ok(xprv.private_key().clone())
}

/// A new random 24-word mnemonic.
pub fn new_mnemonic() -> String {
    Mnemonic::random(OsRng, Language::English).phrase().to_owned()
}

pub fn address_of(key: &SigningKey) -> Address {
    Address::from_secp256k1_pubkey(&key.verifying_key().to_sec1_bytes())
}

impl Keyring {
    pub fn open(home: &Path, backend: Backend) -> Self {
        let dir = home.join(match backend {
            Backend::Test => "keyring-test",
            Backend::File => "keyring-file",
        });
        Self { dir, backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn path(&self, name: &str) -> anyhow::Result<PathBuf> {
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            || name.starts_with('.')
        {
            bail!("invalid key name {name:?}: use letters, digits, '-', '_' and '.'");
        }
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Stores `key` as `name`; fails if the name or address is taken.
    pub fn add(&self, name: &str, key: &SigningKey, passphrase: Option<&str>) -> anyhow::Result<KeyInfo> {
        let path = self.path(name)?;
        if path.exists() {
            bail!("a key named {name:?} already exists in {}", self.dir.display());
        }
        let address = address_of(key).to_bech32();
        if let Some(other) = self.list()?.into_iter().find(|k| k.address == address) {
            bail!("this key is already stored as {:?}", other.name);
        }
        let info = KeyInfo { name: name.to_owned(), address, pubkey: hex::encode(key.verifying_key().to_sec1_bytes()) };
        let secret = match self.backend {
            Backend::Test => Secret::Plain { private_key: hex::encode(key.to_bytes()) },
            Backend::File => encrypt(&key.to_bytes(), passphrase.context("the file keyring needs a passphrase")?)?,
        };
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let text = serde_json::to_string_pretty(&StoredKey { info: info.clone(), secret })?;
        write_private(&path, text.as_bytes())?;
        Ok(info)
    }

    pub fn list(&self) -> anyhow::Result<Vec<KeyInfo>> {
        let mut keys = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(keys) };
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                keys.push(self.read(&path)?.info);
            }
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    pub fn info(&self, name: &str) -> anyhow::Result<KeyInfo> {
        Ok(self.read(&self.existing(name)?)?.info)
    }

    /// A key by name, or by the address of one of the stored keys.
    pub fn find(&self, name_or_address: &str) -> anyhow::Result<KeyInfo> {
        if name_or_address.starts_with(veritas_framework::BECH32_PREFIX) {
            if let Some(info) = self.list()?.into_iter().find(|k| k.address == name_or_address) {
                return Ok(info);
            }
        }
        self.info(name_or_address)
    }

    pub fn signing_key(&self, name: &str, passphrase: Option<&str>) -> anyhow::Result<SigningKey> {
        let stored = self.read(&self.existing(name)?)?;
        let bytes = match stored.secret {
            Secret::Plain { private_key } => hex::decode(private_key).context("corrupt key file")?,
            Secret::Encrypted { log_n, r, p, salt, nonce, ciphertext, .. } => {
                let passphrase = passphrase.context("the file keyring needs a passphrase")?;
                let key = derive(passphrase, &hex::decode(salt)?, log_n, r, p)?;
                ChaCha20Poly1305::new(&key.into())
                    .decrypt(Nonce::from_slice(&hex::decode(nonce)?), hex::decode(ciphertext)?.as_slice())
                    .map_err(|_| anyhow::anyhow!("wrong passphrase for key {name:?}"))?
            }
        };
        SigningKey::from_slice(&bytes).context("corrupt key file")
    }

    pub fn delete(&self, name: &str) -> anyhow::Result<()> {
        let path = self.existing(name)?;
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))
    }

    fn existing(&self, name: &str) -> anyhow::Result<PathBuf> {
        let path = self.path(name)?;
        if !path.is_file() {
            bail!("no key named {name:?} in the {:?} keyring at {}", self.backend, self.dir.display());
        }
        Ok(path)
    }

    fn read(&self, path: &Path) -> anyhow::Result<StoredKey> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("corrupt key file {}", path.display()))
    }
}

const LOG_N: u8 = 15;

fn derive(passphrase: &str, salt: &[u8], log_n: u8, r: u32, p: u32) -> anyhow::Result<[u8; 32]> {
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(|e| anyhow::anyhow!("bad scrypt params: {e}"))?;
    let mut key = [0u8; 32];
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut key).map_err(|e| anyhow::anyhow!("scrypt: {e}"))?;
    Ok(key)
}

fn encrypt(secret: &[u8], passphrase: &str) -> anyhow::Result<Secret> {
    if passphrase.len() < 8 {
        bail!("the passphrase must have at least 8 characters");
    }
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let key = derive(passphrase, &salt, LOG_N, 8, 1)?;
    let ciphertext = ChaCha20Poly1305::new(&key.into())
        .encrypt(Nonce::from_slice(&nonce), secret)
        .map_err(|_| anyhow::anyhow!("encryption failed"))?;
    Ok(Secret::Encrypted {
        kdf: "scrypt".into(),
        log_n: LOG_N,
        r: 8,
        p: 1,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // A well-known test mnemonic (the CosmJS test suite's "faucet" words).
    const MNEMONIC: &str = "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone";

    #[test]
    fn derivation_follows_the_cosmos_hd_path() {
        let key = key_from_mnemonic(MNEMONIC).unwrap();
        // The same words give cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6 in CosmJS's tests.
        let bytes = address_of(&key);
        let cosmos = bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("cosmos").unwrap(), bytes.as_bytes()).unwrap();
        assert_eq!(cosmos, "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6");
        assert!(key_from_mnemonic("not a mnemonic").is_err());
        assert_eq!(new_mnemonic().split_whitespace().count(), 24);
    }

    #[test]
    fn test_and_file_backends_store_and_return_keys() {
        let dir = tempfile::tempdir().unwrap();
        let key = key_from_mnemonic(MNEMONIC).unwrap();
        let test = Keyring::open(dir.path(), Backend::Test);
        let info = test.add("alice", &key, None).unwrap();
        assert!(info.address.starts_with("veritas1"));
        assert!(test.add("alice", &key, None).is_err());
        assert_eq!(test.signing_key("alice", None).unwrap().to_bytes(), key.to_bytes());
        assert_eq!(test.find(&info.address).unwrap().name, "alice");

        let file = Keyring::open(dir.path(), Backend::File);
        file.add("bob", &key, Some("correct horse")).unwrap();
        let raw = std::fs::read_to_string(dir.path().join("keyring-file/bob.json")).unwrap();
        assert!(!raw.contains(&hex::encode(key.to_bytes())), "the file backend must not store the key in clear");
        assert_eq!(file.signing_key("bob", Some("correct horse")).unwrap().to_bytes(), key.to_bytes());
        assert!(file.signing_key("bob", Some("wrong horse!")).unwrap_err().to_string().contains("wrong passphrase"));
        file.delete("bob").unwrap();
        assert!(file.info("bob").is_err());
        assert!(test.add("../evil", &key, None).is_err());
    }
}
