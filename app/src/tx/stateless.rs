//! Stateless checks: what a transaction must be before any state is read (Penumbra's
//! `check_stateless`). Each message is decoded here, once, by its module.

use veritas_framework::{panics, sdk, Address, Coins, DecodedMsg, Error, ExecMode, Msg};

use super::decode::{decode, tx_hash, DecodedTx};
use super::env::TxEnv;
use super::panic_log::log_panic;
use super::ports::TxRules;

/// A decoded transaction that passed the stateless checks.
pub struct CheckedTx {
    pub decoded: DecodedTx,
    /// Required signers, in order, deduplicated.
    pub signers: Vec<Address>,
    /// The body's messages, each decoded and checked once by its module.
    pub msgs: Vec<DecodedMsg>,
    pub fee: Coins,
    pub fee_payer: Address,
    pub gas_limit: u64,
}

impl TxEnv {
    /// Decode and stateless checks, with a panic contained as the transaction's error.
    pub(crate) fn check_raw(&self, raw: &[u8], mode: ExecMode, params: &TxRules) -> Result<CheckedTx, Error> {
        panics::contain(|| decode(raw).and_then(|decoded| self.stateless(decoded, mode, params)))
            .inspect_err(|e| log_panic(e, &tx_hash(raw), mode, "stateless checks"))
    }

    /// Checks that need no state but the auth params: messages known and well-formed,
    /// signers within `tx_sig_limit` and matching the signatures, fee coins valid, a gas
    /// limit given. No signature is verified here, and the signer cap holds before any is.
    pub(crate) fn stateless(&self, decoded: DecodedTx, mode: ExecMode, params: &TxRules) -> Result<CheckedTx, Error> {
        if decoded.body.messages.is_empty() {
            return Err(sdk::invalid_request("must contain at least one message"));
        }
        let sig_limit = params.tx_sig_limit;
        let too_many = |n: usize| sdk::too_many_signatures(format!("signatures: {n}, limit: {sig_limit}"));
        if decoded.signatures.len() as u64 > sig_limit {
            return Err(too_many(decoded.signatures.len()));
        }
        if !decoded.body.extension_options.is_empty() {
            return Err(sdk::unknown_extension_options("unknown extension options are not allowed"));
        }
        let mut signers: Vec<Address> = Vec::new();
        let mut msgs = Vec::with_capacity(decoded.body.messages.len());
        for any in &decoded.body.messages {
            let msg = self.modules.decode_msg(&Msg { type_url: &any.type_url, value: &any.value })?;
            for signer in msg.signers() {
                if !signers.contains(signer) {
                    signers.push(signer.clone());
                }
            }
            msgs.push(msg);
        }
        if signers.len() as u64 > sig_limit {
            return Err(too_many(signers.len()));
        }
        if decoded.signatures.is_empty() {
            return Err(sdk::no_signatures("no signatures supplied"));
        }
        if decoded.signatures.len() != signers.len() || decoded.auth_info.signer_infos.len() != signers.len() {
            return Err(sdk::unauthorized(format!(
                "wrong number of signers; expected {}, got {} signatures and {} signer infos",
                signers.len(),
                decoded.signatures.len(),
                decoded.auth_info.signer_infos.len()
            )));
        }
        let fee_proto = decoded.auth_info.fee.as_ref();
        let fee = fee_coins(fee_proto)?;
        let gas_limit = fee_proto.map_or(0, |f| f.gas_limit);
        if gas_limit == 0 && mode != ExecMode::Simulate {
            return Err(sdk::invalid_gas_limit("gas limit must be positive"));
        }
        // The ante charges the tx's bytes and every signature before it can finish: a gas
        // limit below that can never pass, so it is refused here, before any signature is
        // verified (and ProcessProposal rejects a block holding one).
        let floor = params
            .tx_size_cost_per_byte
            .saturating_mul(decoded.raw_len as u64)
            .saturating_add(params.sig_verify_cost_secp256k1.saturating_mul(signers.len() as u64));
        if gas_limit < floor && mode != ExecMode::Simulate {
            return Err(sdk::out_of_gas(format!(
                "out of gas: gas limit {gas_limit} is below the {floor} gas this transaction's bytes and signatures cost"
            )));
        }
        let fee_payer = match fee_proto.map(|f| f.payer.as_str()).filter(|p| !p.is_empty()) {
            Some(payer) => {
                let payer = Address::from_bech32(payer).map_err(|e| e.context("fee payer"))?;
                if !signers.contains(&payer) {
                    return Err(sdk::unauthorized(format!("fee payer {payer} must sign the transaction")));
                }
                payer
            }
            None => signers[0].clone(),
        };
        Ok(CheckedTx { decoded, signers, msgs, fee, fee_payer, gas_limit })
    }
}

/// The fee of a transaction as valid coins (clients may list them in any order).
pub(crate) fn fee_coins(fee: Option<&cosmos_sdk_proto::cosmos::tx::v1beta1::Fee>) -> Result<Coins, Error> {
    let Some(fee) = fee else { return Ok(Coins::empty()) };
    Coins::from_proto_unsorted(&fee.amount).map_err(|e| e.context("fee"))
}
