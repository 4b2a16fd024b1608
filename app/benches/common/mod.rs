//! What the block benchmarks share: funded accounts with their keys, SIGN_MODE_DIRECT
//! signing for one or several signers, and a node on RocksDB driven block by block.
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw};
use cosmos_sdk_proto::Any;
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use tendermint_proto::v0_38::abci::{ExecTxResult, RequestFinalizeBlock, RequestInitChain};
use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};
use veritas_app::node::Node;
use veritas_app::proposal::ProposalRules;
use veritas_app::tx::MinGasPrices;
use veritas_framework::Address;
use veritas_store::{Storage, StorageConfig};

pub const CHAIN: &str = "bench-1";

pub struct Account {
    pub key: SigningKey,
    pub address: Address,
    pub pubkey: Any,
    pub number: u64,
    pub sequence: u64,
}

/// `n` accounts with deterministic keys.
pub fn accounts(n: usize) -> Vec<Account> {
    (0..n)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            let key = SigningKey::from_slice(&seed).unwrap();
            let compressed = key.verifying_key().to_sec1_bytes().to_vec();
            let address = Address::from_secp256k1_pubkey(&compressed);
            let pubkey = Any {
                type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
                value: PubKey { key: compressed }.encode_to_vec(),
            };
            Account { key, address, pubkey, number: 0, sequence: 0 }
        })
        .collect()
}

pub fn send_msg(from: &Address, to: &Address) -> Any {
    let msg = MsgSend {
        from_address: from.to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![Coin { denom: "uvrt".into(), amount: "1".into() }],
    };
    Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() }
}

/// Signs `msgs` by `signers` (in the order the messages name them), each at its
/// sequence, which then advances; the first pays `fee_uvrt` for `gas_limit`.
pub fn sign(signers: &mut [&mut Account], msgs: Vec<Any>, gas_limit: u64, fee_uvrt: u128) -> Vec<u8> {
    let body = TxBody { messages: msgs, ..Default::default() };
    let auth_info = AuthInfo {
        signer_infos: signers
            .iter()
            .map(|a| SignerInfo {
                public_key: Some(a.pubkey.clone()),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single { mode: SignMode::Direct as i32 })),
                }),
                sequence: a.sequence,
            })
            .collect(),
        fee: Some(Fee {
            amount: vec![Coin { denom: "uvrt".into(), amount: fee_uvrt.to_string() }],
            gas_limit,
            ..Default::default()
        }),
        ..Default::default()
    };
    let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
    let signatures = signers
        .iter_mut()
        .map(|a| {
            let doc = SignDoc {
                body_bytes: body_bytes.clone(),
                auth_info_bytes: auth_info_bytes.clone(),
                chain_id: CHAIN.into(),
                account_number: a.number,
            };
            let sig: Signature = a.key.sign(&doc.encode_to_vec());
            a.sequence += 1;
            sig.normalize_s().unwrap_or(sig).to_bytes().to_vec()
        })
        .collect();
    TxRaw { body_bytes, auth_info_bytes, signatures }.encode_to_vec()
}

/// A node on RocksDB with `accounts` funded at genesis (their account numbers set) and
/// the given extra `app_state` sections, and the proposal rules every validator applies.
pub struct BenchChain {
    _dir: tempfile::TempDir,
    pub storage: Storage,
    pub env: Arc<veritas_app::tx::TxEnv>,
    pub meta: Arc<OnceLock<veritas_app::chain_meta::ChainMeta>>,
    pub node: Node,
    pub rules: ProposalRules,
    pub height: i64,
}

impl BenchChain {
    pub fn start(accounts: &mut [Account], max_gas: i64, zkverify: serde_json::Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let env = Arc::new(veritas_app::modules::tx_env(MinGasPrices::default()));
        let storage =
            Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 100 }).unwrap();
        let meta = Arc::new(OnceLock::new());
        let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
        let balances: Vec<_> = accounts
            .iter()
            .map(|a| serde_json::json!({ "address": a.address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000000000" }] }))
            .collect();
        let genesis =
            serde_json::json!({ "auth": {}, "bank": { "balances": balances }, "zkverify": zkverify, "ibc": {} });
        node.init_chain(RequestInitChain {
            chain_id: CHAIN.into(),
            initial_height: 1,
            app_state_bytes: serde_json::to_vec(&genesis).unwrap().into(),
            consensus_params: Some(ConsensusParams {
                block: Some(BlockParams { max_bytes: 22_020_096, max_gas }),
                ..Default::default()
            }),
            ..Default::default()
        });
        // Genesis assigns account numbers in address order.
        let mut order: Vec<usize> = (0..accounts.len()).collect();
        order.sort_by(|&a, &b| accounts[a].address.cmp(&accounts[b].address));
        for (number, &i) in order.iter().enumerate() {
            accounts[i].number = number as u64;
        }
        let rules = ProposalRules::new(storage.clone(), env.clone(), meta.clone());
        let mut chain = Self { _dir: dir, storage, env, meta, node, rules, height: 1 };
        chain.finalize(Vec::new());
        chain
    }

    /// ProcessProposal (every validator checks the proposal), FinalizeBlock and Commit;
    /// the results, or the rejection.
    pub fn block(&mut self, txs: Vec<Bytes>) -> Result<Vec<ExecTxResult>, String> {
        if let Some(reason) = self.rules.process(&txs) {
            return Err(reason);
        }
        Ok(self.finalize(txs))
    }

    /// CheckTx of `raw` against the committed state (a fresh mempool view).
    pub fn check_tx(&self, raw: &[u8]) -> veritas_app::tx::TxOutcome {
        let mut state = veritas_store::Overlay::new(self.storage.view(None).unwrap());
        let block =
            veritas_framework::BlockInfo { height: self.height as u64, chain_id: CHAIN.into(), ..Default::default() };
        let no_cache = veritas_app::tx::PreverifiedSignatures::default();
        self.env.run(&mut state, &block, veritas_framework::ExecMode::CheckTx, raw, &no_cache)
    }

    /// FinalizeBlock and Commit only.
    pub fn finalize(&mut self, txs: Vec<Bytes>) -> Vec<ExecTxResult> {
        let r = self.node.finalize_block(RequestFinalizeBlock { txs, height: self.height, ..Default::default() });
        self.node.commit();
        self.height += 1;
        r.tx_results
    }
}

/// The process's peak resident memory so far (VmHWM), in MiB.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}
