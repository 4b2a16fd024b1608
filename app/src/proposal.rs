//! Block proposal rules (PrepareProposal / ProcessProposal): what a proposer may put in a
//! block, checked by every validator before it votes, so a malicious proposer cannot make
//! the network execute undecodable, unsigned-for or over-budget transactions.
//!
//! A proposal is accepted only if every transaction decodes, passes the stateless checks
//! (signer cap, messages well formed) and pays the consensus minimum gas price for its
//! gas limit, the transactions fit `block.max_bytes`, and their gas limits add up to at
//! most `block.max_gas` when that is set. PrepareProposal applies the same rules to the
//! mempool's transactions, in order, dropping those that no longer pass.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use veritas_auth::{AccountKeeper, Params as AuthParams};
use veritas_framework::{Error, ExecMode, GasPrices};
use veritas_store::Storage;

use crate::chain_meta::ChainMeta;
use crate::tx::TxEnv;

/// What a proposal is checked against: the chain's genesis limits and the auth params of
/// the last committed state (the same on every validator).
pub struct ProposalRules {
    storage: Storage,
    env: Arc<TxEnv>,
    meta: Arc<OnceLock<ChainMeta>>,
}

/// The limits in force for one proposal.
struct Limits {
    params: AuthParams,
    gas_prices: GasPrices,
    max_block_bytes: Option<u64>,
    max_gas: Option<u64>,
}

impl ProposalRules {
    pub fn new(storage: Storage, env: Arc<TxEnv>, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        Self { storage, env, meta }
    }

    fn limits(&self) -> Result<Limits, Error> {
        // Before the first commit (the first block) genesis params are not readable yet;
        // every validator then uses the defaults, and execution applies the real ones.
        let params = match self.storage.latest_version() {
            Some(_) => AccountKeeper::read_params_committed(&self.storage.view(None)?)?,
            None => AuthParams::default(),
        };
        let gas_prices = params.gas_prices()?;
        let meta = self.meta.get();
        Ok(Limits {
            params,
            gas_prices,
            max_block_bytes: meta.and_then(|m| m.max_block_bytes),
            max_gas: meta.and_then(|m| m.max_gas),
        })
    }

    /// The gas limit of `raw` if it may be in a block: decodes, passes the stateless
    /// checks and pays the consensus minimum gas price.
    fn admit(&self, raw: &[u8], limits: &Limits) -> Result<u64, Error> {
        let tx = self.env.check_raw(raw, ExecMode::Finalize, &limits.params)?;
        limits.gas_prices.check(&tx.fee, tx.gas_limit)?;
        Ok(tx.gas_limit)
    }

    /// Keeps mempool order and takes transactions that pass [`Self::admit`] while they
    /// fit in `max_tx_bytes` and `block.max_gas`.
    pub fn prepare(&self, txs: Vec<Bytes>, max_tx_bytes: i64) -> Vec<Bytes> {
        let limits = match self.limits() {
            Ok(limits) => limits,
            Err(err) => {
                tracing::error!("cannot read the proposal limits, proposing an empty block: {}", err.log());
                return Vec::new();
            }
        };
        let max_bytes = u64::try_from(max_tx_bytes).unwrap_or(0);
        let (mut bytes, mut gas) = (0u64, 0u64);
        let mut dropped = 0usize;
        let picked: Vec<Bytes> = txs
            .into_iter()
            .filter(|tx| {
                let size = tx.len() as u64;
                if bytes.saturating_add(size) > max_bytes {
                    return false;
                }
                let Ok(gas_limit) = self.admit(tx, &limits) else {
                    dropped += 1;
                    return false;
                };
                if limits.max_gas.is_some_and(|max| gas.saturating_add(gas_limit) > max) {
                    return false;
                }
                bytes += size;
                gas += gas_limit;
                true
            })
            .collect();
        if dropped > 0 {
            tracing::info!(dropped, "left out mempool transactions that no longer pass the proposal checks");
        }
        picked
    }

    /// Why a proposal must be rejected, or `None` to accept it.
    pub fn process(&self, txs: &[Bytes]) -> Option<String> {
        let limits = match self.limits() {
            Ok(limits) => limits,
            // Cannot judge: a store failure here is this node's problem, not the proposer's.
            Err(err) => return Some(format!("cannot read the proposal limits: {}", err.log())),
        };
        let total_bytes: u64 = txs.iter().map(|tx| tx.len() as u64).fold(0, u64::saturating_add);
        if let Some(max) = limits.max_block_bytes.filter(|max| total_bytes > *max) {
            return Some(format!("transactions take {total_bytes} bytes, block.max_bytes is {max}"));
        }
        let mut gas = 0u64;
        for (index, tx) in txs.iter().enumerate() {
            match self.admit(tx, &limits) {
                Ok(gas_limit) => gas = gas.saturating_add(gas_limit),
                Err(err) => return Some(format!("transaction {index} may not be in a block: {}", err.log())),
            }
        }
        if let Some(max) = limits.max_gas.filter(|max| gas > *max) {
            return Some(format!("gas limits add up to {gas}, block.max_gas is {max}"));
        }
        None
    }
}
