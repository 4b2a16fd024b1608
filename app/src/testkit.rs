//! What tests and benchmarks share: deterministic accounts that sign with the one
//! signer ([`crate::tx::sign`]), genesis built from the module set's defaults, and a
//! node on RocksDB driven block by block (ProcessProposal, FinalizeBlock, Commit)
//! without CometBFT.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;
use serde_json::Value;
use tendermint_proto::google::protobuf::Timestamp;
use tendermint_proto::v0_38::abci::{ExecTxResult, RequestFinalizeBlock, RequestInitChain, ResponseFinalizeBlock};
use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};
use veritas_framework::{Address, BlockInfo, Coins, ExecMode, Module, ModuleSet};
use veritas_store::{Storage, StorageConfig};

use crate::chain_meta::ChainMeta;
use crate::node::Node;
use crate::proposal::ProposalRules;
use crate::tx::sign::{address_of, TxContent, TxSigner};
use crate::tx::{MinGasPrices, PreverifiedSignatures, TxEnv, TxOutcome};

/// An account with a deterministic key and the account state it signs at.
pub struct TestAccount {
    pub key: SigningKey,
    pub address: Address,
    pub number: u64,
    pub sequence: u64,
}

impl TestAccount {
    /// The account whose key is derived from `index` (same index, same key).
    pub fn new(index: u64) -> Self {
        let mut seed = [7u8; 32];
        seed[..8].copy_from_slice(&(index + 1).to_be_bytes());
        let key = SigningKey::from_slice(&seed).expect("a valid secp256k1 scalar");
        let address = address_of(&key);
        Self { key, address, number: 0, sequence: 0 }
    }

    pub fn signer(&self) -> TxSigner<'_> {
        TxSigner { key: &self.key, account_number: self.number, sequence: self.sequence }
    }
}

/// `n` accounts with deterministic keys.
pub fn accounts(n: usize) -> Vec<TestAccount> {
    (0..n as u64).map(TestAccount::new).collect()
}

/// Signs `content` by `signers` (the first pays), each at its sequence, which then advances.
pub fn sign(chain_id: &str, signers: &mut [&mut TestAccount], content: &TxContent) -> Vec<u8> {
    let raw = content.sign(chain_id, &signers.iter().map(|a| a.signer()).collect::<Vec<_>>());
    for account in signers.iter_mut() {
        account.sequence += 1;
    }
    raw
}

/// A fee of `amount` uvrt (none for 0).
pub fn uvrt(amount: u128) -> Coins {
    if amount == 0 {
        Coins::empty()
    } else {
        Coins::new(vec![veritas_framework::Coin::new("uvrt", amount)]).expect("a positive coin")
    }
}

/// The module set's default `app_state` with `balances` funded in bank's section.
pub fn genesis(modules: &ModuleSet, balances: &[(Address, Coins)]) -> Value {
    let mut app_state = modules.default_genesis();
    for (address, coins) in balances {
        crate::modules::add_genesis_balance(&mut app_state, address, coins).expect("a valid balance");
    }
    app_state
}

/// Genesis assigns account numbers in address order: set them on `accounts`.
pub fn assign_account_numbers(accounts: &mut [TestAccount]) {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by(|&a, &b| accounts[a].address.cmp(&accounts[b].address));
    for (number, &i) in order.iter().enumerate() {
        accounts[i].number = number as u64;
    }
}

/// A node on RocksDB in a temporary directory, with the proposal rules every validator
/// applies, driven one block at a time.
pub struct TestChain {
    _dir: tempfile::TempDir,
    pub chain_id: String,
    pub storage: Storage,
    pub env: Arc<TxEnv>,
    pub meta: Arc<OnceLock<ChainMeta>>,
    pub node: Node,
    pub rules: ProposalRules,
    /// The next block's height.
    pub height: i64,
}

impl TestChain {
    /// A chain from `app_state`, with `block.max_gas = max_gas` (0: none); block 1 is
    /// finalized empty.
    pub fn start(chain_id: &str, app_state: &Value, max_gas: i64) -> Self {
        Self::start_with(chain_id, app_state, max_gas, Vec::new())
    }

    /// [`TestChain::start`] with `extra` modules after the app's own.
    pub fn start_with(chain_id: &str, app_state: &Value, max_gas: i64, extra: Vec<Arc<dyn Module>>) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let env = Arc::new(crate::modules::tx_env_with(MinGasPrices::default(), extra));
        let storage = Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 100 })
            .expect("a fresh RocksDB");
        let meta = Arc::new(OnceLock::new());
        let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
        node.init_chain(RequestInitChain {
            chain_id: chain_id.into(),
            initial_height: 1,
            time: Some(block_time(0)),
            app_state_bytes: serde_json::to_vec(app_state).expect("serialisable").into(),
            consensus_params: Some(ConsensusParams {
                block: Some(BlockParams { max_bytes: 22_020_096, max_gas }),
                ..Default::default()
            }),
            ..Default::default()
        });
        let rules = ProposalRules::new(storage.clone(), env.clone(), meta.clone());
        let mut chain = Self { _dir: dir, chain_id: chain_id.into(), storage, env, meta, node, rules, height: 1 };
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
    pub fn check_tx(&self, raw: &[u8]) -> TxOutcome {
        let mut state = veritas_store::Overlay::new(self.storage.view(None).expect("committed state"));
        let block = BlockInfo { height: self.height as u64, chain_id: self.chain_id.clone(), ..Default::default() };
        self.env.run(&mut state, &block, ExecMode::CheckTx, raw, &PreverifiedSignatures::default())
    }

    /// FinalizeBlock and Commit only.
    pub fn finalize(&mut self, txs: Vec<Bytes>) -> Vec<ExecTxResult> {
        self.finalize_full(txs).tx_results
    }

    /// FinalizeBlock (at a block time of one second per height) and Commit; the whole
    /// response, app hash included.
    pub fn finalize_full(&mut self, txs: Vec<Bytes>) -> ResponseFinalizeBlock {
        let request = RequestFinalizeBlock {
            txs,
            height: self.height,
            time: Some(block_time(self.height)),
            ..Default::default()
        };
        let response = self.node.finalize_block(request);
        self.node.commit();
        self.height += 1;
        response
    }

    /// ABCI query `path` with a protobuf `request`, against the last committed state.
    pub fn query(&self, path: &str, request: Vec<u8>) -> tendermint_proto::v0_38::abci::ResponseQuery {
        let service = crate::query::QueryService::new(self.storage.clone(), self.env.clone(), self.meta.clone());
        service.query(tendermint_proto::v0_38::abci::RequestQuery {
            path: path.into(),
            data: request.into(),
            ..Default::default()
        })
    }

    /// Builds, signs and returns a transaction of `messages` by `signer`.
    pub fn sign(&self, signer: &mut TestAccount, messages: Vec<Any>, gas_limit: u64, fee_uvrt: u128) -> Vec<u8> {
        sign(&self.chain_id, &mut [signer], &TxContent::new(messages, uvrt(fee_uvrt), gas_limit))
    }
}

/// A fixed block time: 2026-01-01T00:00:00Z plus `height` seconds.
pub fn block_time(height: i64) -> Timestamp {
    Timestamp { seconds: 1_767_225_600 + height, nanos: 0 }
}
