//! Two Veritas chains relayed by stock Hermes (localnet/ibc.sh: real cometbft, real
//! RocksDB, the real `hermes` binary): ICS-20 there and back, a refund on timeout,
//! and Hermes' own health check. Only `veritasd` and `hermes` commands drive it.

mod common;

use std::time::Duration;

use common::ibc::{send_already_timed_out, Chain, IbcNet};
use common::*;
use curve25519_dalek_ng::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek_ng::scalar::Scalar;

/// How many validators A's CometBFT reports.
fn validator_count(chain: &Chain) -> u64 {
    rpc(chain.rpc_port(), "/validators").and_then(|v| v["total"].as_str().and_then(|t| t.parse().ok())).unwrap_or(0)
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const ALICE: &str = "veritas1chnaqaa42nu23057g97czl7e0l7yk8l9gk6uap";
const BOB: &str = "veritas1khzgr7a4jm3rvj6vfnrkekzu584dptnelzsahs";

#[test]
fn hermes_relays_ics20_between_two_veritas_chains() {
    let net = IbcNet::start(&[]);
    let (a, b) = (Chain::veritas(&net, "a", "veritas-a-1"), Chain::veritas(&net, "b", "veritas-b-1"));
    let (a_channel, b_channel) = (net.channel("a"), net.channel("b"));
    let escrow = a.query(&["q", "ibc-transfer", "escrow-address", "transfer", &a_channel])["escrow_address"]
        .as_str()
        .unwrap()
        .to_owned();

    // A -> B: 1000uvrt, escrowed on A, a voucher on B whose trace names B's channel.
    let sent = ok_json(&a.transfer("alice", &a_channel, BOB, "1000uvrt", &[]));
    assert_eq!(sent["code"], 0, "{sent}");
    let trace = format!("transfer/{b_channel}/uvrt");
    wait_for(Duration::from_secs(180), "the voucher's trace on B", || b.has_trace(&trace).then_some(()));
    let voucher = format!("ibc/{}", veritas_ibc::denom_hash(&trace));
    let listed = b.query(&["q", "ibc-transfer", "denom-traces"]);
    assert!(listed["denom_traces"].as_array().unwrap().iter().any(|t| t["denom"] == voucher.as_str()), "{listed}");
    b.wait_balance(BOB, &voucher, 1000, "bob's 1000 vouchers on B");
    assert_eq!(a.balance(&escrow, "uvrt"), 1000);

    // B -> A: 400 vouchers back; burned on B, released from A's escrow to alice.
    let alice_before = a.balance(ALICE, "uvrt");
    let back = ok_json(&b.transfer("bob", &b_channel, ALICE, &format!("400{voucher}"), &[]));
    assert_eq!(back["code"], 0, "{back}");
    a.wait_balance(&escrow, "uvrt", 600, "A's escrow down by 400");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_before + 400);
    assert_eq!(b.balance(BOB, &voucher), 600);

    // A packet whose timeout height on B has passed by the time Hermes relays it: B never
    // receives it, and Hermes proves that on A, which refunds alice.
    let alice_before = a.balance(ALICE, "uvrt");
    let timed_out = send_already_timed_out(&a, &b, &a_channel, BOB, "77uvrt");
    assert_eq!(timed_out["code"], 0, "{timed_out}");
    a.wait_balance(&escrow, "uvrt", 600, "the timed-out 77uvrt back out of escrow");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_before - 5000, "only the fee is gone");
    assert_eq!(b.balance(BOB, &voucher), 600, "nothing arrived on B");

    // A validator-set change on A by its authority (carol, localnet's genesis authority):
    // a second validator of power 1 joins (offline: 10 of 11 still sign), then leaves. B's
    // client of A follows both changes, so packets keep flowing.
    let extra = b64(&(ED25519_BASEPOINT_POINT * Scalar::from(7u64)).compress().to_bytes());
    let set = a.tx("carol", &["poa", "set-validator", &extra, "1", "--moniker", "extra"]);
    assert_eq!(set["code"], 0, "{set}");
    wait_for(Duration::from_secs(60), "A's CometBFT set of 2", || (validator_count(&a) == 2).then_some(()));
    let changed_at = latest_height(a.rpc_port()).unwrap();
    let sent = ok_json(&a.transfer("alice", &a_channel, BOB, "5uvrt", &[]));
    assert_eq!(sent["code"], 0, "{sent}");
    b.wait_balance(BOB, &voucher, 605, "a packet relayed after A's set grew");
    assert!(b.client_latest_height() > changed_at, "B's client of A went past the change");
    let removed = a.tx("carol", &["poa", "remove-validator", &extra]);
    assert_eq!(removed["code"], 0, "{removed}");
    wait_for(Duration::from_secs(60), "A's CometBFT set of 1", || (validator_count(&a) == 1).then_some(()));
    let changed_at = latest_height(a.rpc_port()).unwrap();
    let sent = ok_json(&a.transfer("alice", &a_channel, BOB, "5uvrt", &[]));
    assert_eq!(sent["code"], 0, "{sent}");
    b.wait_balance(BOB, &voucher, 610, "a packet relayed after A's set shrank");
    assert!(b.client_latest_height() > changed_at, "B's client of A went past the second change");
    let total = a.query(&["q", "poa", "total-power"]);
    assert_eq!(total["total_power"], "10", "{total}");

    // Hermes' health check: no error for either chain. Its only complaint is its Cosmos
    // SDK version check (Veritas has no Cosmos SDK module to report).
    net.assert_healthy_but_for_version_check(&["veritas-a-1", "veritas-b-1"]);
}
