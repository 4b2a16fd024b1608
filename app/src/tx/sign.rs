//! Building and signing transactions (SIGN_MODE_DIRECT, secp256k1): the one signer the
//! CLI, the load generator, tests and benchmarks share.

use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw};
use cosmos_sdk_proto::Any;
use k256::ecdsa::signature::Signer as _;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use veritas_framework::{Address, Coins, Error};

pub use veritas_framework::SECP256K1_PUBKEY_TYPE_URL;

/// One signer of a transaction: its key and the account state it signs at.
#[derive(Clone, Copy)]
pub struct TxSigner<'a> {
    pub key: &'a SigningKey,
    pub account_number: u64,
    pub sequence: u64,
}

/// What a transaction says besides its signers: messages, fee, gas limit, memo.
#[derive(Debug, Clone, Default)]
pub struct TxContent {
    pub messages: Vec<Any>,
    pub fee: Coins,
    pub gas_limit: u64,
    pub memo: String,
    pub timeout_height: u64,
}

impl TxContent {
    pub fn new(messages: Vec<Any>, fee: Coins, gas_limit: u64) -> Self {
        Self { messages, fee, gas_limit, ..Default::default() }
    }

    fn body_bytes(&self) -> Vec<u8> {
        TxBody {
            messages: self.messages.clone(),
            memo: self.memo.clone(),
            timeout_height: self.timeout_height,
            ..Default::default()
        }
        .encode_to_vec()
    }

    fn auth_info_bytes(&self, signers: &[TxSigner<'_>], gas_limit: u64) -> Vec<u8> {
        AuthInfo {
            signer_infos: signers.iter().map(|s| signer_info(s.key, s.sequence)).collect(),
            fee: Some(Fee { amount: self.fee.to_proto(), gas_limit, payer: String::new(), granter: String::new() }),
            ..Default::default()
        }
        .encode_to_vec()
    }

    /// The signed `TxRaw` bytes: each signer signs the same body and auth info with its
    /// own account number (the first signer pays the fee).
    pub fn sign(&self, chain_id: &str, signers: &[TxSigner<'_>]) -> Vec<u8> {
        let body_bytes = self.body_bytes();
        let auth_info_bytes = self.auth_info_bytes(signers, self.gas_limit);
        let signatures = signers
            .iter()
            .map(|s| {
                let doc = SignDoc {
                    body_bytes: body_bytes.clone(),
                    auth_info_bytes: auth_info_bytes.clone(),
                    chain_id: chain_id.to_owned(),
                    account_number: s.account_number,
                };
                sign_bytes(s.key, &doc.encode_to_vec())
            })
            .collect();
        TxRaw { body_bytes, auth_info_bytes, signatures }.encode_to_vec()
    }

    /// The `TxRaw` to simulate: gas limit 0 and one empty signature per signer, as
    /// Cosmos clients send it to `Simulate`.
    pub fn for_simulation(&self, signers: &[TxSigner<'_>]) -> Vec<u8> {
        TxRaw {
            body_bytes: self.body_bytes(),
            auth_info_bytes: self.auth_info_bytes(signers, 0),
            signatures: vec![Vec::new(); signers.len()],
        }
        .encode_to_vec()
    }
}

/// `messages` signed by `key` alone at `account`'s number and sequence, paying `fees`
/// (e.g. `"5000uvrt"`, empty for none) for `gas_limit`.
pub fn sign_tx(
    key: &SigningKey,
    account: &BaseAccount,
    chain_id: &str,
    messages: Vec<Any>,
    fees: &str,
    gas_limit: u64,
    memo: &str,
) -> Result<Vec<u8>, Error> {
    let fee = Coins::parse(fees).map_err(|e| e.context("fees"))?;
    let content = TxContent { messages, fee, gas_limit, memo: memo.to_owned(), timeout_height: 0 };
    let signer = TxSigner { key, account_number: account.account_number, sequence: account.sequence };
    Ok(content.sign(chain_id, &[signer]))
}

/// A low-S secp256k1 signature of SHA-256(`bytes`), 64 bytes (r ‖ s).
pub fn sign_bytes(key: &SigningKey, bytes: &[u8]) -> Vec<u8> {
    let signature: Signature = key.sign(bytes);
    signature.normalize_s().unwrap_or(signature).to_bytes().to_vec()
}

/// `key`'s compressed public key as the `Any` a `SignerInfo` carries.
pub fn pubkey_any(key: &SigningKey) -> Any {
    Any {
        type_url: SECP256K1_PUBKEY_TYPE_URL.into(),
        value: PubKey { key: key.verifying_key().to_sec1_bytes().to_vec() }.encode_to_vec(),
    }
}

/// The account address of `key`.
pub fn address_of(key: &SigningKey) -> Address {
    Address::from_secp256k1_pubkey(&key.verifying_key().to_sec1_bytes())
}

fn signer_info(key: &SigningKey, sequence: u64) -> SignerInfo {
    SignerInfo {
        public_key: Some(pubkey_any(key)),
        mode_info: Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single { mode: SignMode::Direct as i32 })),
        }),
        sequence,
    }
}
