//! What the fuzz targets share: a small chain state (funded accounts, a registered
//! zkverify key) built once, in memory, through the real genesis and transaction path.
//!
//! Every target treats a *contained* panic (sdk code 111222) as a crash too: the node
//! survives it, but it is a bug to fix at its cause.

use std::sync::{Arc, OnceLock};

use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;
use prost::Message;
use veritas_app::tx::{PreverifiedSignatures, TxEnv, TxOutcome};
use veritas_framework::store::Overlay;
use veritas_framework::{Address, BlockInfo, Context, ExecMode, GasMeter, Timestamp};

pub const CHAIN_ID: &str = "fuzz-1";

/// State with nothing in it; the genesis overlay sits on top.
pub use veritas_framework::store::EmptyState as Empty;

/// The funded accounts' keys: seeds 1, 2 and 3.
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

pub fn address(seed: u8) -> Address {
    Address::from_secp256k1_pubkey(&key(seed).verifying_key().to_sec1_bytes())
}

pub fn block() -> BlockInfo {
    BlockInfo {
        height: 10,
        time: Timestamp { seconds: 1_750_000_000, nanos: 0 },
        chain_id: CHAIN_ID.into(),
        last_app_hash: vec![7; 32],
        next_validators_hash: vec![9; 32],
    }
}

/// The snarkjs fixture key every state has registered (`poly`, BLS12-381).
pub const FIXTURE_VK: &str = include_str!("../../modules/zkverify/fixtures/poly/verification_key.json");

/// The shared chain: the app's modules and their genesis state, built once.
pub struct Fixture {
    pub env: Arc<TxEnv>,
    pub state: Overlay<Empty>,
    pub block: BlockInfo,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let env = Arc::new(veritas_app::modules::tx_env(Default::default()));
        let block = block();
        let mut state = Overlay::new(Empty);
        let coins = veritas_framework::Coins::parse("1000000stake,1000000000000uvrt").unwrap();
        let balances: Vec<_> = [1u8, 2, 3].iter().map(|s| (address(*s), coins.clone())).collect();
        let mut app_state = veritas_app::testkit::genesis(&env.modules, &balances);
        let vk = veritas_zkverify::formats::read_verifying_key(
            FIXTURE_VK.as_bytes(),
            veritas_zkverify::formats::Format::Snarkjs,
            None,
        )
        .unwrap()
        .vk_bytes();
        let zkverify = veritas_zkverify::GenesisState {
            verifying_keys: vec![veritas_zkverify::GenesisKey {
                vk_id: String::new(),
                vk: hex(&vk),
                creator: address(1).to_bech32(),
                height: 0,
                curve: "bls12-381".into(),
                commitments: None,
            }],
            ..Default::default()
        };
        app_state["zkverify"] = serde_json::to_value(zkverify).unwrap();
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let mut ctx = Context::new(&block, ExecMode::Genesis, &mut gas, &mut events, &mut state);
        env.modules.init_genesis(&mut ctx, &app_state).unwrap();
        Fixture { env, state, block }
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Fixture {
    /// Runs `raw` in `mode` on a throwaway copy of the state.
    pub fn run(&self, mode: ExecMode, raw: &[u8]) -> TxOutcome {
        let mut state = Overlay::new(&self.state);
        self.env.run(&mut state, &self.block, mode, raw, &PreverifiedSignatures::default())
    }

    /// Signs `msgs` by key `seed` at its genesis account number and `sequence`.
    pub fn sign(&self, seed: u8, sequence: u64, msgs: Vec<Any>) -> Vec<u8> {
        let account_number = veritas_auth_account_number(&self.state, &address(seed));
        let account = BaseAccount { address: address(seed).to_bech32(), pub_key: None, account_number, sequence };
        veritas_app::tx::sign::sign_tx(&key(seed), &account, CHAIN_ID, msgs, "5000uvrt", 5_000_000, "").unwrap()
    }
}

fn veritas_auth_account_number(state: &Overlay<Empty>, who: &Address) -> u64 {
    use cosmos_sdk_proto::cosmos::auth::v1beta1::{QueryAccountRequest, QueryAccountResponse};
    let ctx = veritas_framework::QueryContext::new(10, CHAIN_ID, state);
    let request = QueryAccountRequest { address: who.to_bech32() }.encode_to_vec();
    let raw = fixture_modules().query(&ctx, "/cosmos.auth.v1beta1.Query/Account", &request).unwrap();
    let any = QueryAccountResponse::decode(raw.as_slice()).unwrap().account.unwrap();
    BaseAccount::decode(any.value.as_slice()).unwrap().account_number
}

fn fixture_modules() -> veritas_framework::ModuleSet {
    veritas_app::modules::module_set()
}

/// Every message type URL the app routes, in a fixed order (module order, then each
/// module's list): the first byte of a `module_msgs` input picks one.
pub fn msg_type_urls() -> Vec<&'static str> {
    fixture_modules().modules().flat_map(|m| m.msg_type_urls().iter().copied()).collect()
}

/// Every query path the app's modules answer, in a fixed order, plus the node's own.
pub fn query_paths() -> Vec<String> {
    let mut paths: Vec<String> =
        fixture_modules().modules().flat_map(|m| m.query_paths().iter().map(|p| p.to_string())).collect();
    paths.extend(
        [
            veritas_app::query::SIMULATE,
            "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
            "/cosmos.staking.v1beta1.Query/Params",
            "/cosmos.base.node.v1beta1.Service/Config",
            "store/bank/key",
            "store/ibc/key",
            "store/zkverify/key",
            "store/auth/key",
        ]
        .map(String::from),
    );
    paths
}

/// Fails the fuzz run on a contained panic: the node survives it, but it is a bug.
pub fn no_contained_panic(codespace: &str, code: u32, log: &str) {
    if codespace == "sdk" && code == veritas_framework::sdk::PANIC_CODE {
        panic!("contained panic: {log}");
    }
}
