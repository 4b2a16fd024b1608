use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use veritas_framework::{sdk, Address, Error};

use crate::Params;

/// The `auth` section of `app_state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Accounts that exist from the start; bank genesis creates any others it funds.
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    pub address: String,
    pub account_number: u64,
    #[serde(default)]
    pub sequence: u64,
    /// Set once the account has signed: export keeps it, so a restarted chain still
    /// knows it (as the Cosmos SDK's JSON prints it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_key: Option<GenesisPubKey>,
}

/// A secp256k1 public key: `{"@type": "/cosmos.crypto.secp256k1.PubKey", "key": "<base64>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisPubKey {
    #[serde(rename = "@type")]
    pub type_url: String,
    /// The 33-byte compressed key, base64.
    pub key: String,
}

impl GenesisPubKey {
    /// From the `Any` an account holds.
    pub fn from_any(any: &cosmos_sdk_proto::Any) -> Result<Self, Error> {
        use base64::Engine as _;
        use prost::Message as _;
        let key = cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey::decode(any.value.as_slice())
            .map_err(|e| sdk::internal(format!("corrupt public key: {e}")))?;
        Ok(Self { type_url: any.type_url.clone(), key: base64::engine::general_purpose::STANDARD.encode(key.key) })
    }

    /// The `Any` an account holds; only 33-byte secp256k1 keys.
    pub fn to_any(&self) -> Result<cosmos_sdk_proto::Any, Error> {
        use base64::Engine as _;
        use prost::Message as _;
        if self.type_url != crate::SECP256K1_PUBKEY_TYPE_URL {
            return Err(sdk::invalid_pubkey(format!("unsupported public key type {}", self.type_url)));
        }
        let key = base64::engine::general_purpose::STANDARD
            .decode(&self.key)
            .map_err(|e| sdk::invalid_pubkey(format!("public key: {e}")))?;
        if key.len() != 33 {
            return Err(sdk::invalid_pubkey(format!("public key must be 33 bytes, got {}", key.len())));
        }
        Ok(cosmos_sdk_proto::Any {
            type_url: self.type_url.clone(),
            value: cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey { key }.encode_to_vec(),
        })
    }
}

impl GenesisState {
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| sdk::invalid_request(format!("invalid auth genesis: {e}")))?;
        state.validate()?;
        Ok(state)
    }

    pub fn validate(&self) -> Result<(), Error> {
        self.params.validate()?;
        let mut addresses = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for account in &self.accounts {
            let address = Address::from_bech32(&account.address)?;
            if !addresses.insert(address) {
                return Err(sdk::invalid_request(format!("duplicate account {}", account.address)));
            }
            if let Some(pub_key) = &account.pub_key {
                let any = pub_key.to_any()?;
                let key = <cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as prost::Message>::decode(
                    any.value.as_slice(),
                )
                .map_err(|e| sdk::invalid_pubkey(e.to_string()))?
                .key;
                if Address::from_secp256k1_pubkey(&key) != Address::from_bech32(&account.address)? {
                    return Err(sdk::invalid_pubkey(format!(
                        "the public key of {} is another address's",
                        account.address
                    )));
                }
            }
            if !numbers.insert(account.account_number) {
                return Err(sdk::invalid_request(format!("duplicate account number {}", account.account_number)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compressed public key of secp256k1's generator (private key 1).
    const G: &str = "AnnmZ+++zNzbi0ih3lSOV0Tw2A4Abp+/w7cFUhf6iYVz";

    fn account(address: &Address, pub_key: Option<GenesisPubKey>) -> GenesisState {
        GenesisState {
            accounts: vec![GenesisAccount { address: address.to_bech32(), account_number: 0, sequence: 3, pub_key }],
            ..Default::default()
        }
    }

    #[test]
    fn a_public_key_round_trips_and_must_be_the_accounts_own() {
        use base64::Engine as _;
        let key = GenesisPubKey { type_url: crate::SECP256K1_PUBKEY_TYPE_URL.into(), key: G.into() };
        let raw = base64::engine::general_purpose::STANDARD.decode(G).unwrap();
        let owner = Address::from_secp256k1_pubkey(&raw);
        assert_eq!(GenesisPubKey::from_any(&key.to_any().unwrap()).unwrap(), key);
        account(&owner, Some(key.clone())).validate().unwrap();
        let other = Address::from_bytes(&[7; 20]).unwrap();
        assert!(account(&other, Some(key.clone())).validate().unwrap_err().log().contains("another address"));
        let short = GenesisPubKey { key: "AAAA".into(), ..key.clone() };
        assert!(account(&owner, Some(short)).validate().is_err());
        let ed25519 = GenesisPubKey { type_url: "/cosmos.crypto.ed25519.PubKey".into(), ..key };
        assert!(account(&owner, Some(ed25519)).validate().unwrap_err().log().contains("unsupported"));
    }
}
