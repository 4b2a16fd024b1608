//! The limits a stranger meets, against a real node (real cometbft, RocksDB): each is
//! refused with its own code and the node goes on.

mod common;

use std::time::Duration;

use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, TxRaw};
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;
use prost::Message;
use veritas_framework::Address;

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn abci_query(node: &Node, path: &str, data: &[u8]) -> serde_json::Value {
    let query = format!("/abci_query?path=\"{path}\"&data=0x{}", hex::encode(data));
    rpc(node.rpc_port, &query).expect("abci_query")["response"].clone()
}

fn account(node: &Node, address: &str) -> BaseAccount {
    let response = abci_query(
        node,
        "/cosmos.auth.v1beta1.Query/Account",
        &QueryAccountRequest { address: address.into() }.encode_to_vec(),
    );
    let value = base64_decode(response["value"].as_str().expect("account query answered"));
    let any = QueryAccountResponse::decode(value.as_slice()).unwrap().account.unwrap();
    BaseAccount::decode(any.value.as_slice()).unwrap()
}

/// `broadcast_tx_sync`: CheckTx's (code, log).
fn broadcast(node: &Node, raw: &[u8]) -> (u64, String) {
    let result = rpc(node.rpc_port, &format!("/broadcast_tx_sync?tx=0x{}", hex::encode(raw))).expect("broadcast");
    (result["code"].as_u64().unwrap(), result["log"].as_str().unwrap_or_default().to_owned())
}

fn send(from: &str, to: &str) -> Any {
    let msg = MsgSend {
        from_address: from.into(),
        to_address: to.into(),
        amount: vec![Coin { denom: "uvrt".into(), amount: "1".into() }],
    };
    Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() }
}

/// Sets `app_state.auth.params.min_gas_prices` in the node's genesis.
fn set_consensus_min_gas_prices(node: &Node, prices: &str) {
    let path = node.home.join("cometbft/config/genesis.json");
    let mut genesis: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    genesis["app_state"]["auth"]["params"]["min_gas_prices"] = prices.into();
    std::fs::write(&path, serde_json::to_vec_pretty(&genesis).unwrap()).unwrap();
}

#[test]
fn every_limit_refuses_with_its_code_and_the_node_goes_on() {
    let node = Node::init("e2e-limits-1");
    let key = SigningKey::from_slice(&[0x6a; 32]).unwrap();
    let me = Address::from_secp256k1_pubkey(&key.verifying_key().to_sec1_bytes()).to_bech32();
    let other = Address::from_bytes(&[3; 20]).unwrap().to_bech32();
    node.fund(&me, "1000000000uvrt");
    set_consensus_min_gas_prices(&node, "0.01uvrt");
    let app_toml = node.home.join("config/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    let text = text.replace("query_gas_limit = 50000000", "query_gas_limit = 30000");
    assert!(text.contains("query_gas_limit = 30000"), "app.toml has query_gas_limit:\n{text}");
    std::fs::write(&app_toml, text).unwrap();
    let mut app = node.start_app("app.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));
    let sign = |msgs: Vec<Any>, fee: &str, gas: u64| {
        veritas_app::tx::sign::sign_tx(&key, &account(&node, &me), &node.chain_id, msgs, fee, gas, "").unwrap()
    };

    // The consensus minimum gas price: 200,000 gas × 0.01 = 2,000uvrt.
    let (code, log) = broadcast(&node, &sign(vec![send(&me, &other)], "1999uvrt", 200_000));
    assert_eq!(code, 13, "{log}");
    assert!(log.contains("consensus minimum gas prices"), "{log}");

    // More signatures than tx_sig_limit (7): refused by count, before any is verified.
    let mut tx = TxRaw::decode(sign(vec![send(&me, &other)], "2000uvrt", 200_000).as_slice()).unwrap();
    tx.signatures = vec![vec![7u8; 64]; 8];
    let (code, log) = broadcast(&node, &tx.encode_to_vec());
    assert_eq!((code, log.as_str()), (14, "signatures: 8, limit: 7"));

    // A gas limit over block.max_gas can never be in a block.
    let (code, log) = broadcast(&node, &sign(vec![send(&me, &other)], "3000000uvrt", 300_000_000));
    assert_eq!(code, 41, "{log}");
    assert!(log.contains("exceeds block.max_gas 200000000"), "{log}");

    // A bech32m recipient is not an address.
    let hrp = bech32::Hrp::parse("veritas").unwrap();
    let bech32m = bech32::encode::<bech32::Bech32m>(hrp, &[3; 20]).unwrap();
    let (code, log) = broadcast(&node, &sign(vec![send(&me, &bech32m)], "2000uvrt", 200_000));
    assert_eq!(code, 7, "{log}");

    // Simulate beyond query_gas_limit (30,000) is out of gas, not a busy node.
    let probe = sign(vec![send(&me, &other)], "", 200_000);
    let request = SimulateRequest { tx_bytes: probe, ..Default::default() }.encode_to_vec();
    let simulated = abci_query(&node, "/cosmos.tx.v1beta1.Service/Simulate", &request);
    assert_eq!(simulated["code"].as_u64(), Some(11), "{simulated}");
    assert!(simulated["log"].as_str().unwrap().contains("out of gas"), "{simulated}");

    // A valid send still goes through, and blocks keep coming.
    let (code, log) = broadcast(&node, &sign(vec![send(&me, &other)], "2000uvrt", 200_000));
    assert_eq!(code, 0, "{log}");
    let height = latest_height(node.rpc_port).unwrap();
    node.wait_height(height + 2, Duration::from_secs(30));
    assert!(app.is_running() && comet.is_running(), "{}", app.log_text());
}
