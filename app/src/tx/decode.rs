use cosmos_sdk_proto::cosmos::tx::v1beta1::{AuthInfo, TxBody, TxRaw};
use prost::Message;
use veritas_framework::{sdk, Error};

/// A transaction split into its signed parts, with the bytes that were signed kept as sent.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    pub raw_len: usize,
    /// SHA-256 of the raw bytes: the transaction hash CometBFT and clients show.
    pub hash: [u8; 32],
    pub body_bytes: Vec<u8>,
    pub auth_info_bytes: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
    pub body: TxBody,
    pub auth_info: AuthInfo,
}

/// The largest transaction accepted: CometBFT's default `mempool.max_tx_bytes`.
pub const MAX_TX_BYTES: usize = 1024 * 1024;

/// The transaction hash: SHA-256 of the raw bytes.
pub fn tx_hash(raw: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(raw).into()
}

/// Decodes `cosmos.tx.v1beta1.TxRaw` and its body and auth info.
pub fn decode(raw: &[u8]) -> Result<DecodedTx, Error> {
    if raw.len() > MAX_TX_BYTES {
        return Err(sdk::tx_too_large(format!(
            "transaction of {} bytes exceeds the limit of {MAX_TX_BYTES}",
            raw.len()
        )));
    }
    let tx = TxRaw::decode(raw).map_err(|e| sdk::tx_decode(format!("cannot decode TxRaw: {e}")))?;
    let body =
        TxBody::decode(tx.body_bytes.as_slice()).map_err(|e| sdk::tx_decode(format!("cannot decode TxBody: {e}")))?;
    let auth_info = AuthInfo::decode(tx.auth_info_bytes.as_slice())
        .map_err(|e| sdk::tx_decode(format!("cannot decode AuthInfo: {e}")))?;
    Ok(DecodedTx {
        raw_len: raw.len(),
        hash: tx_hash(raw),
        body_bytes: tx.body_bytes,
        auth_info_bytes: tx.auth_info_bytes,
        signatures: tx.signatures,
        body,
        auth_info,
    })
}

impl DecodedTx {
    /// This transaction's sign document for `chain_id`, hashed up to the account number.
    pub fn sign_doc(&self, chain_id: &str) -> super::signature::SignDocHasher {
        super::signature::SignDocHasher::new(&self.body_bytes, &self.auth_info_bytes, chain_id)
    }
}

/// The gas limit a transaction asks for (its fee's `gas_limit`), decoding no more than needed.
pub fn decode_gas_limit(raw: &[u8]) -> Result<u64, Error> {
    if raw.len() > MAX_TX_BYTES {
        return Err(sdk::tx_too_large("transaction too large"));
    }
    let tx = TxRaw::decode(raw).map_err(|e| sdk::tx_decode(format!("cannot decode TxRaw: {e}")))?;
    let auth_info = AuthInfo::decode(tx.auth_info_bytes.as_slice())
        .map_err(|e| sdk::tx_decode(format!("cannot decode AuthInfo: {e}")))?;
    Ok(auth_info.fee.map_or(0, |f| f.gas_limit))
}
