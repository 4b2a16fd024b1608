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
use veritas_framework::{Error, ExecMode};
use veritas_store::Storage;

use crate::chain_meta::ChainMeta;
use crate::tx::ports::TxRules;
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
    rules: TxRules,
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
        let rules = match self.storage.latest_version() {
            Some(_) => self.env.accounts.rules_committed(&self.storage.view(None)?)?,
            None => self.env.accounts.default_rules(),
        };
        let meta = self.meta.get();
        Ok(Limits {
            rules,
            max_block_bytes: meta.and_then(|m| m.max_block_bytes),
            max_gas: meta.and_then(|m| m.max_gas),
        })
    }

    /// The gas limit of `raw` if it may be in a block: decodes, passes the stateless
    /// checks and pays the consensus minimum gas price.
    fn admit(&self, raw: &[u8], limits: &Limits) -> Result<u64, Error> {
        let tx = self.env.check_raw(raw, ExecMode::Finalize, &limits.rules)?;
        limits.rules.min_gas_prices.check(&tx.fee, tx.gas_limit)?;
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

#[cfg(test)]
mod tests {
    //! Proposal rules and the block gas meter against a real node state (RocksDB).

    use std::sync::{Arc, OnceLock};

    use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
    use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
    use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
    use cosmos_sdk_proto::Any;
    use k256::ecdsa::SigningKey;
    use prost::Message;
    use tendermint_proto::v0_38::abci::RequestFinalizeBlock;
    use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};
    use veritas_framework::Address;
    use veritas_store::{Storage, StorageConfig};

    use super::*;
    use crate::node::Node;

    const CHAIN: &str = "proposal-test-1";

    struct Harness {
        _dir: tempfile::TempDir,
        node: Node,
        rules: ProposalRules,
        key: SigningKey,
        sender: Address,
        sequence: u64,
    }

    fn start(max_gas: i64, min_gas_prices: &str) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let env = Arc::new(crate::modules::tx_env(Default::default()));
        let storage =
            Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 0 }).unwrap();
        let meta = Arc::new(OnceLock::new());
        let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
        let key = SigningKey::from_slice(&[0x31; 32]).unwrap();
        let sender = Address::from_secp256k1_pubkey(&key.verifying_key().to_sec1_bytes());
        let mut app_state = env.modules.default_genesis();
        app_state["auth"]["params"]["min_gas_prices"] = min_gas_prices.into();
        app_state["bank"]["balances"] = serde_json::json!([
            { "address": sender.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000000" }] }
        ]);
        node.init_chain(tendermint_proto::v0_38::abci::RequestInitChain {
            chain_id: CHAIN.into(),
            initial_height: 1,
            app_state_bytes: serde_json::to_vec(&app_state).unwrap().into(),
            consensus_params: Some(ConsensusParams {
                block: Some(BlockParams { max_bytes: 1_000_000, max_gas }),
                ..Default::default()
            }),
            ..Default::default()
        });
        let mut h =
            Harness { _dir: dir, node, rules: ProposalRules::new(storage, env, meta), key, sender, sequence: 0 };
        h.block(vec![]);
        h
    }

    impl Harness {
        fn block(&mut self, txs: Vec<Bytes>) -> Vec<(u32, String)> {
            let height = self.node_height() + 1;
            let request = RequestFinalizeBlock { height: height as i64, txs, ..Default::default() };
            let response = self.node.finalize_block(request);
            self.node.commit();
            response.tx_results.into_iter().map(|r| (r.code, r.log)).collect()
        }

        fn node_height(&self) -> u64 {
            self.rules.storage.latest_version().map_or(0, |v| v + 1)
        }

        /// A signed send with `gas` limit and `fee` (in uvrt), at the next sequence.
        fn send(&mut self, gas: u64, fee: &str) -> Bytes {
            let account = BaseAccount {
                address: self.sender.to_bech32(),
                pub_key: None,
                account_number: 0,
                sequence: self.sequence,
            };
            self.sequence += 1;
            let msg = MsgSend {
                from_address: self.sender.to_bech32(),
                to_address: Address::from_bytes(&[9; 20]).unwrap().to_bech32(),
                amount: vec![ProtoCoin { denom: "uvrt".into(), amount: "1".into() }],
            };
            let any = Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() };
            crate::tx::sign::sign_tx(&self.key, &account, CHAIN, vec![any], fee, gas, "").unwrap().into()
        }
    }

    #[test]
    fn proposals_are_checked_for_what_a_validator_would_refuse_to_run() {
        let mut h = start(1_000_000, "0.01uvrt");
        let (a, b) = (h.send(400_000, "4000uvrt"), h.send(400_000, "4000uvrt"));
        assert_eq!(h.rules.process(&[a.clone(), b.clone()]), None);

        let over = h.send(300_000, "3000uvrt");
        let reason = h.rules.process(&[a.clone(), b.clone(), over.clone()]).unwrap();
        assert!(reason.contains("block.max_gas is 1000000"), "{reason}");
        // PrepareProposal leaves out what does not fit, and what may not be in a block.
        let junk = Bytes::from_static(b"not a transaction");
        let cheap = h.send(100_000, "999uvrt");
        let picked = h.rules.prepare(vec![a.clone(), junk.clone(), cheap.clone(), b.clone(), over], 10_000_000);
        assert_eq!(picked, vec![a.clone(), b.clone()]);

        let reason = h.rules.process(&[a.clone(), junk]).unwrap();
        assert!(reason.contains("transaction 1 may not be in a block"), "{reason}");
        let reason = h.rules.process(&[cheap]).unwrap();
        assert!(reason.contains("insufficient fees"), "{reason}");

        // Accepted proposals execute within the block gas limit.
        let results = h.block(vec![a, b]);
        assert!(results.iter().all(|(code, _)| *code == 0), "{results:?}");
    }

    #[test]
    fn finalize_block_fails_txs_beyond_block_max_gas() {
        let mut h = start(450_000, "");
        // A block CometBFT would not have accepted through ProcessProposal (a replay, say):
        // a tx runs only while its gas limit fits beside what the block used so far
        // (each send uses 25,000 to 50,000), so the third fails out of gas without running.
        let txs: Vec<Bytes> = (0..3).map(|_| h.send(400_000, "")).collect();
        let results = h.block(txs);
        for (code, log) in &results[..2] {
            assert_eq!(*code, 0, "{log}");
        }
        assert_eq!(results[2].0, 11, "{}", results[2].1);
        assert!(results[2].1.contains("block gas meter"), "{}", results[2].1);
    }
}
