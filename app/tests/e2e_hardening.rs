//! What a funded stranger sends cannot stop a real node (real cometbft, RocksDB).

mod common;

use std::time::Duration;

use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use k256::ecdsa::SigningKey;
use prost::Message;
use veritas_framework::Address;

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn account(node: &Node, address: &str) -> BaseAccount {
    let request = QueryAccountRequest { address: address.into() }.encode_to_vec();
    let path = "\"/cosmos.auth.v1beta1.Query/Account\"";
    let result = rpc(node.rpc_port, &format!("/abci_query?path={path}&data=0x{}", hex::encode(request))).unwrap();
    let value = base64_decode(result["response"]["value"].as_str().expect("account query answered"));
    let any = QueryAccountResponse::decode(value.as_slice()).unwrap().account.unwrap();
    BaseAccount::decode(any.value.as_slice()).unwrap()
}

/// `broadcast_tx_sync`: CheckTx's (code, codespace, log).
fn broadcast(node: &Node, raw: &[u8]) -> (u64, String, String) {
    let result = rpc(node.rpc_port, &format!("/broadcast_tx_sync?tx=0x{}", hex::encode(raw))).expect("broadcast");
    (
        result["code"].as_u64().unwrap(),
        result["codespace"].as_str().unwrap_or_default().to_owned(),
        result["log"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn an_ibc_header_of_height_zero_is_refused_and_the_node_keeps_making_blocks() {
    let node = Node::init("e2e-hardening-1");
    let key = SigningKey::from_slice(&[0x5e; 32]).unwrap();
    let stranger = Address::from_secp256k1_pubkey(&key.verifying_key().to_sec1_bytes()).to_bech32();
    node.fund(&stranger, "1000000000uvrt");
    let mut app = node.start_app("app.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let msgs = evil::create_client_then_update_at_height_zero(&stranger, 0, now);
    let raw = veritas_app::tx::sign::sign_tx(
        &key,
        &account(&node, &stranger),
        &node.chain_id,
        msgs,
        "50000uvrt",
        2_000_000,
        "",
    )
    .unwrap();
    let (code, codespace, log) = broadcast(&node, &raw);
    assert_ne!(code, 0, "the transaction must be refused: {log}");
    assert_eq!((codespace.as_str(), code), ("ibc", 9), "refused by the header checks: {log}");
    assert!(log.contains("height must be positive"), "{log}");

    // The node is alive and the chain goes on.
    let height = latest_height(node.rpc_port).unwrap();
    node.wait_height(height + 3, Duration::from_secs(30));
    assert!(app.is_running(), "veritasd stopped:\n{}", app.log_text());
    assert!(comet.is_running(), "cometbft stopped:\n{}", comet.log_text());
    assert!(!app.log_text().contains("panicked"), "{}", app.log_text());
}
