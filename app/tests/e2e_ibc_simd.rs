//! Veritas and ibc-go's `simd` (Cosmos SDK 0.50, ibc-go v8) relayed by stock Hermes:
//! each chain's light client verifies the other's proofs (Veritas' two JMT proofs on the
//! ibc-go side, IAVL proofs on the Veritas side), ICS-20 in both directions with both
//! chains' native denoms, and a refund on timeout. Real processes only.

mod common;

use common::ibc::{send_already_timed_out, Chain, IbcNet};
use common::*;

const ALICE: &str = "veritas1chnaqaa42nu23057g97czl7e0l7yk8l9gk6uap";
/// bob's key (localnet/accounts.json) with the Cosmos SDK prefix.
const BOB_COSMOS: &str = "cosmos1khzgr7a4jm3rvj6vfnrkekzu584dptne2yxpha";

#[test]
fn hermes_relays_ics20_between_veritas_and_ibc_go() {
    let net = IbcNet::start(&["--counterparty", "simd"]);
    let (a, b) = (Chain::veritas(&net, "a", "veritas-a-1"), Chain::simd(&net, "b", "simd-1"));
    let (a_channel, b_channel) = (net.channel("a"), net.channel("b"));
    let escrow = a.query(&["q", "ibc-transfer", "escrow-address", "transfer", &a_channel])["escrow_address"]
        .as_str()
        .unwrap()
        .to_owned();

    // uvrt to ibc-go: escrowed on Veritas, ibc-go mints the voucher ibc-go names.
    let sent = ok_json(&a.transfer("alice", &a_channel, BOB_COSMOS, "1000uvrt", &[]));
    assert_eq!(sent["code"], 0, "{sent}");
    let uvrt_voucher = format!("ibc/{}", veritas_ibc::denom_hash(&format!("transfer/{b_channel}/uvrt")));
    b.wait_balance(BOB_COSMOS, &uvrt_voucher, 1000, "bob's 1000 uvrt vouchers on simd");
    assert!(b.has_trace(&format!("transfer/{b_channel}/uvrt")));
    assert_eq!(a.balance(&escrow, "uvrt"), 1000);

    // 400 of them back: burned on ibc-go, released from Veritas' escrow.
    let alice_uvrt = a.balance(ALICE, "uvrt");
    let back = ok_json(&b.transfer("bob", &b_channel, ALICE, &format!("400{uvrt_voucher}"), &[]));
    assert_eq!(back["code"], 0, "{back}");
    a.wait_balance(&escrow, "uvrt", 600, "Veritas' escrow down by 400");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_uvrt + 400);
    b.wait_balance(BOB_COSMOS, &uvrt_voucher, 600, "bob's vouchers burned on simd");

    // ibc-go's native stake to Veritas: Veritas verifies IAVL proofs and mints a voucher.
    let bob_stake = b.balance(BOB_COSMOS, "stake");
    let stake = ok_json(&b.transfer("bob", &b_channel, ALICE, "777stake", &[]));
    assert_eq!(stake["code"], 0, "{stake}");
    let stake_trace = format!("transfer/{a_channel}/stake");
    let stake_voucher = format!("ibc/{}", veritas_ibc::denom_hash(&stake_trace));
    a.wait_balance(ALICE, &stake_voucher, 777, "alice's 777 stake vouchers on Veritas");
    assert!(a.has_trace(&stake_trace));
    // ... and 300 of them home again: burned on Veritas, released from ibc-go's escrow.
    let home = ok_json(&a.transfer("alice", &a_channel, BOB_COSMOS, &format!("300{stake_voucher}"), &[]));
    assert_eq!(home["code"], 0, "{home}");
    b.wait_balance(BOB_COSMOS, "stake", bob_stake - 777 - 5000 + 300, "300 stake back to bob on simd");
    assert_eq!(a.balance(ALICE, &stake_voucher), 477);

    // A packet that has timed out on ibc-go before it is relayed: Veritas checks ibc-go's
    // proof that it was never received (an IAVL absence proof) and refunds alice.
    let alice_uvrt = a.balance(ALICE, "uvrt");
    let timed_out = send_already_timed_out(&a, &b, &a_channel, BOB_COSMOS, "55uvrt");
    assert_eq!(timed_out["code"], 0, "{timed_out}");
    a.wait_balance(&escrow, "uvrt", 600, "the timed-out 55uvrt back out of escrow");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_uvrt - 5000, "only the fee is gone");
    assert_eq!(b.balance(BOB_COSMOS, &uvrt_voucher), 600, "nothing more arrived on simd");

    net.assert_healthy_but_for_version_check(&["veritas-a-1", "simd-1"]);
}
