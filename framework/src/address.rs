//! Account addresses: 20 bytes, shown as bech32 with the `veritas` prefix.

use std::fmt;

use crate::{sdk, Error};

/// The bech32 human-readable prefix of Veritas account addresses.
pub const BECH32_PREFIX: &str = "veritas";

/// Type URL of a secp256k1 public key in an `Any` (accounts and signer infos).
pub const SECP256K1_PUBKEY_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

/// An account address (raw bytes; 20 for keys, 32 allowed for module-derived ones).
///
/// Keeps its bech32 text too: addresses are shown in every event, and encoding them
/// each time was a measurable share of a bank send.
#[derive(Debug, Clone)]
pub struct Address {
    bytes: Vec<u8>,
    bech32: String,
}

impl PartialEq for Address {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Address {}

impl PartialOrd for Address {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Address {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl std::hash::Hash for Address {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state)
    }
}

fn encode(bytes: &[u8]) -> String {
    let hrp = bech32::Hrp::parse(BECH32_PREFIX).expect("valid prefix");
    bech32::encode::<bech32::Bech32>(hrp, bytes).expect("address fits bech32")
}

impl Address {
    /// Wraps raw address bytes; 1 to 255 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.is_empty() || bytes.len() > 255 {
            return Err(sdk::invalid_address(format!("address length {} must be 1 to 255 bytes", bytes.len())));
        }
        Ok(Self::new_unchecked(bytes.to_vec()))
    }

    fn new_unchecked(bytes: Vec<u8>) -> Self {
        let bech32 = encode(&bytes);
        Self { bytes, bech32 }
    }

    /// Parses `veritas1...` as canonical bech32 (BIP-173, as the Cosmos SDK): any other
    /// prefix, a bech32m checksum, mixed case, characters outside the alphabet or
    /// trailing text, a bad checksum or an empty address fails. Upper case is accepted,
    /// as the SDK accepts it, and the address is kept and shown in lower case.
    pub fn from_bech32(text: &str) -> Result<Self, Error> {
        let checked = bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(text)
            .map_err(|e| sdk::invalid_address(format!("invalid address {text:?}: {e}")))?;
        let (hrp, data) = (checked.hrp(), checked.byte_iter().collect::<Vec<u8>>());
        if !hrp.as_str().eq_ignore_ascii_case(BECH32_PREFIX) {
            return Err(sdk::invalid_address(format!(
                "invalid address {text:?}: prefix must be {BECH32_PREFIX}, not {}",
                hrp.as_str()
            )));
        }
        if data.is_empty() || data.len() > 255 {
            return Err(sdk::invalid_address(format!(
                "invalid address {text:?}: length {} must be 1 to 255 bytes",
                data.len()
            )));
        }
        // Keep the text (bech32 is case-insensitive; lower case is canonical).
        Ok(Self { bytes: data, bech32: text.to_ascii_lowercase() })
    }

    /// The address of a secp256k1 public key: RIPEMD-160(SHA-256(compressed key)).
    pub fn from_secp256k1_pubkey(compressed: &[u8]) -> Self {
        use ripemd::Ripemd160;
        use sha2::{Digest, Sha256};
        Self::new_unchecked(Ripemd160::digest(Sha256::digest(compressed)).to_vec())
    }

    /// A module account's address: the first 20 bytes of SHA-256(name), as the Cosmos SDK derives it.
    pub fn for_module(name: &str) -> Self {
        use sha2::{Digest, Sha256};
        Self::new_unchecked(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn to_bech32(&self) -> String {
        self.bech32.clone()
    }

    pub fn as_bech32(&self) -> &str {
        &self.bech32
    }

    /// The same bytes under another chain's bech32 prefix (e.g. `cosmos` for a load
    /// generator driving a Cosmos SDK chain).
    pub fn to_bech32_with_prefix(&self, prefix: &str) -> Result<String, Error> {
        let hrp = bech32::Hrp::parse(prefix)
            .map_err(|e| sdk::invalid_address(format!("invalid bech32 prefix {prefix:?}: {e}")))?;
        bech32::encode::<bech32::Bech32>(hrp, &self.bytes)
            .map_err(|e| sdk::invalid_address(format!("cannot encode an address with prefix {prefix:?}: {e}")))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.bech32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_round_trip_and_prefix_check() {
        let addr = Address::from_bytes(&[7u8; 20]).unwrap();
        let text = addr.to_bech32();
        assert!(text.starts_with("veritas1"));
        assert_eq!(Address::from_bech32(&text).unwrap(), addr);
        assert_eq!(Address::from_bech32(&text.to_uppercase()).unwrap().to_bech32(), text, "canonical lower case");
        let cosmos = bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("cosmos").unwrap(), &[7u8; 20]).unwrap();
        assert_eq!(addr.to_bech32_with_prefix("cosmos").unwrap(), cosmos);
        assert_eq!(addr.to_bech32_with_prefix(BECH32_PREFIX).unwrap(), text);
        assert!(addr.to_bech32_with_prefix("bad prefix").is_err());
        assert!(Address::from_bech32(&cosmos).unwrap_err().log().contains("prefix"));
        let mut broken = text.clone();
        broken.pop();
        broken.push(if text.ends_with('q') { 'p' } else { 'q' });
        assert_eq!(Address::from_bech32(&broken).unwrap_err().code(), 7);
    }

    #[test]
    fn only_canonical_bech32_is_an_address() {
        let addr = Address::from_bytes(&[9u8; 20]).unwrap();
        let text = addr.to_bech32();
        let hrp = bech32::Hrp::parse(BECH32_PREFIX).unwrap();
        let bech32m = bech32::encode::<bech32::Bech32m>(hrp, &[9u8; 20]).unwrap();
        assert!(Address::from_bech32(&bech32m).is_err(), "bech32m is another checksum");
        let mixed = format!("{}{}", &text[..10].to_uppercase(), &text[10..]);
        assert!(Address::from_bech32(&mixed).is_err(), "mixed case");
        for junk in [format!("{text} "), format!(" {text}"), format!("{text}x"), format!("{text}\0")] {
            assert!(Address::from_bech32(&junk).is_err(), "{junk:?}");
        }
        assert!(Address::from_bech32("veritas1").is_err());
        assert!(Address::from_bech32("").is_err());
        let upper = Address::from_bech32(&text.to_uppercase()).unwrap();
        assert_eq!(upper.as_bech32(), text, "kept in lower case");
    }

    #[test]
    fn module_addresses_match_the_cosmos_sdk_derivation() {
        // authtypes.NewModuleAddress("fee_collector") on any Cosmos SDK chain.
        let bytes = Address::for_module("fee_collector");
        let cosmos = bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("cosmos").unwrap(), bytes.as_bytes()).unwrap();
        assert_eq!(cosmos, "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta");
    }
}
