//! What the block benchmarks share, over [`veritas_app::testkit`]: funded accounts with
//! deterministic keys, signing for one or several signers, and a node on RocksDB driven
//! block by block.
#![allow(dead_code, unused_imports)]

use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::Any;
use prost::Message;
use veritas_app::testkit::{self, TestChain};
use veritas_app::tx::sign::TxContent;
use veritas_framework::{Address, Coin};

pub use veritas_app::testkit::{accounts, TestAccount as Account};
pub type BenchChain = TestChain;

pub const CHAIN: &str = "bench-1";

pub fn send_msg(from: &Address, to: &Address) -> Any {
    let msg = MsgSend {
        from_address: from.to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![Coin::new("uvrt", 1).to_proto()],
    };
    Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() }
}

/// Signs `msgs` by `signers` (in the order the messages name them), each at its
/// sequence, which then advances; the first pays `fee_uvrt` for `gas_limit`.
pub fn sign(signers: &mut [&mut Account], msgs: Vec<Any>, gas_limit: u64, fee_uvrt: u128) -> Vec<u8> {
    testkit::sign(CHAIN, signers, &TxContent::new(msgs, testkit::uvrt(fee_uvrt), gas_limit))
}

/// A chain whose genesis is the module defaults with `accounts` funded (their account
/// numbers set) and `zkverify`'s section, with `block.max_gas = max_gas`.
pub fn start(accounts: &mut [Account], max_gas: i64, zkverify: veritas_zkverify::GenesisState) -> BenchChain {
    let modules = veritas_app::modules::module_set();
    let balances: Vec<_> = accounts.iter().map(|a| (a.address.clone(), testkit::uvrt(1_000_000_000_000))).collect();
    let mut app_state = testkit::genesis(&modules, &balances);
    app_state["zkverify"] = serde_json::to_value(zkverify).expect("serialisable");
    testkit::assign_account_numbers(accounts);
    TestChain::start(CHAIN, &app_state, max_gas)
}

/// The process's peak resident memory so far (VmHWM), in MiB.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024)
}
