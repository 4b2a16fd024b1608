//! Account addresses: 20 bytes, shown as bech32 with the `veritas` prefix.

use std::fmt;

use crate::{sdk, Error};

/// The bech32 human-readable prefix of Veritas account addresses.
pub const BECH32_PREFIX: &str = "veritas";

/// An account address (raw bytes; 20 for keys, 32 allowed for module-derived ones).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(Vec<u8>);

impl Address {
    /// Wraps raw address bytes; 1 to 255 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.is_empty() || bytes.len() > 255 {
            return Err(sdk::invalid_address(format!("address length {} must be 1 to 255 bytes", bytes.len())));
        }
        Ok(Self(bytes.to_vec()))
    }

    /// Parses `veritas1...`; any other prefix, a bad checksum or an empty address fails.
    pub fn from_bech32(text: &str) -> Result<Self, Error> {
        let (hrp, data) =
            bech32::decode(text).map_err(|e| sdk::invalid_address(format!("invalid address {text:?}: {e}")))?;
        if hrp.as_str() != BECH32_PREFIX {
            return Err(sdk::invalid_address(format!(
                "invalid address {text:?}: prefix must be {BECH32_PREFIX}, not {}",
                hrp.as_str()
            )));
        }
        Self::from_bytes(&data).map_err(|e| e.context(format!("invalid address {text:?}")))
    }

    /// The address of a secp256k1 public key: RIPEMD-160(SHA-256(compressed key)).
    pub fn from_secp256k1_pubkey(compressed: &[u8]) -> Self {
        use ripemd::Ripemd160;
        use sha2::{Digest, Sha256};
        Self(Ripemd160::digest(Sha256::digest(compressed)).to_vec())
    }

    /// A module account's address: the first 20 bytes of SHA-256(name), as the Cosmos SDK derives it.
    pub fn for_module(name: &str) -> Self {
        use sha2::{Digest, Sha256};
        Self(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_bech32(&self) -> String {
        let hrp = bech32::Hrp::parse(BECH32_PREFIX).expect("valid prefix");
        bech32::encode::<bech32::Bech32>(hrp, &self.0).expect("address fits bech32")
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bech32())
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
        let cosmos = bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("cosmos").unwrap(), &[7u8; 20]).unwrap();
        assert!(Address::from_bech32(&cosmos).unwrap_err().log().contains("prefix"));
        let mut broken = text.clone();
        broken.pop();
        broken.push(if text.ends_with('q') { 'p' } else { 'q' });
        assert_eq!(Address::from_bech32(&broken).unwrap_err().code(), 7);
    }

    #[test]
    fn module_addresses_match_the_cosmos_sdk_derivation() {
        // authtypes.NewModuleAddress("fee_collector") on any Cosmos SDK chain.
        let bytes = Address::for_module("fee_collector");
        let cosmos = bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("cosmos").unwrap(), bytes.as_bytes()).unwrap();
        assert_eq!(cosmos, "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta");
    }
}
