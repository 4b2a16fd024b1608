//! The gRPC server of a real node (real cometbft, RocksDB): the same answers as the
//! ABCI query path, heights in `x-cosmos-block-height`, Simulate, BroadcastTx and
//! GetTx through CometBFT, GetNodeInfo, and gRPC status codes for refusals.

mod common;

use std::time::Duration;

use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as staking;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx;
use cosmos_sdk_proto::Any;
use ibc_proto::ibc::core::client::v1 as ibc_client;
use ibc_proto::ibc::core::connection::v1 as ibc_connection;
use prost::Message;
use tonic::codec::ProstCodec;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

/// Calls one unary method; returns the answer and its `x-cosmos-block-height`.
async fn call<Req, Resp>(
    channel: &Channel,
    path: &'static str,
    request: Req,
    height: Option<&str>,
) -> Result<(Resp, u64), Status>
where
    Req: Message + Send + Sync + 'static,
    Resp: Message + Default + Send + Sync + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.map_err(|e| Status::unavailable(e.to_string()))?;
    let mut request = Request::new(request);
    if let Some(height) = height {
        request.metadata_mut().insert("x-cosmos-block-height", height.parse().unwrap());
    }
    let path = http::uri::PathAndQuery::from_static(path);
    let response = grpc.unary(request, path, ProstCodec::<Req, Resp>::default()).await?;
    let height = response
        .metadata()
        .get("x-cosmos-block-height")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok((response.into_inner(), height))
}

#[test]
fn grpc_answers_from_the_same_handlers_as_abci() {
    let node = Node::init("e2e-grpc-1");
    let faucet = node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "1000000uvrt");
    // A chain that declares a 14-day unbonding period in genesis reports it.
    let genesis_path = node.home.join("cometbft/config/genesis.json");
    let mut genesis: serde_json::Value = serde_json::from_slice(&std::fs::read(&genesis_path).unwrap()).unwrap();
    genesis["app_state"]["ibc"]["params"]["unbonding_period_secs"] = serde_json::json!(14 * 24 * 3600);
    std::fs::write(&genesis_path, serde_json::to_vec_pretty(&genesis).unwrap()).unwrap();
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let channel = Channel::from_shared(format!("http://127.0.0.1:{}", node.grpc_port))
            .unwrap()
            .connect()
            .await
            .expect("the gRPC server listens on grpc.address");

        // auth: the account as a BaseAccount in an Any; a missing one is NotFound.
        let (account, h1): (auth::QueryAccountResponse, u64) = call(
            &channel,
            "/cosmos.auth.v1beta1.Query/Account",
            auth::QueryAccountRequest { address: faucet.clone() },
            None,
        )
        .await
        .unwrap();
        // CometBFT reports a block before the app has committed it, so this may be 1.
        assert!(h1 >= 1, "answers carry their height, got {h1}");
        let any = account.account.unwrap();
        assert_eq!(any.type_url, "/cosmos.auth.v1beta1.BaseAccount");
        let base = auth::BaseAccount::decode(any.value.as_slice()).unwrap();
        assert_eq!(base.address, faucet);
        let nobody = "veritas1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqx9kr8s";
        let missing = call::<_, auth::QueryAccountResponse>(
            &channel,
            "/cosmos.auth.v1beta1.Query/Account",
            auth::QueryAccountRequest { address: nobody.into() },
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(missing.code(), Code::NotFound, "{missing:?}");
        let (accounts, _): (auth::QueryAccountsResponse, _) = call(
            &channel,
            "/cosmos.auth.v1beta1.Query/Accounts",
            auth::QueryAccountsRequest { pagination: None },
            None,
        )
        .await
        .unwrap();
        assert!(accounts
            .accounts
            .iter()
            .any(|a| auth::BaseAccount::decode(a.value.as_slice()).unwrap().address == faucet));

        // bank Balance, and Simulate / BroadcastTx / GetTx of a send.
        let balance = |height: Option<String>| {
            let channel = channel.clone();
            let faucet = faucet.clone();
            async move {
                let request = bank::QueryBalanceRequest { address: faucet, denom: "uvrt".into() };
                let (r, h): (bank::QueryBalanceResponse, u64) =
                    call(&channel, "/cosmos.bank.v1beta1.Query/Balance", request, height.as_deref()).await.unwrap();
                (r.balance.unwrap().amount, h)
            }
        };
        let (before, before_height) = balance(None).await;
        assert_eq!(before, "1000000");

        let key = veritas_app::keyring::key_from_mnemonic(FAUCET_MNEMONIC).unwrap();
        let send = bank::MsgSend {
            from_address: faucet.clone(),
            to_address: nobody.into(),
            amount: vec![Coin { denom: "uvrt".into(), amount: "1234".into() }],
        };
        let msg = Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: send.encode_to_vec() };
        let raw = veritas_app::tx::sign::sign_tx(&key, &base, &node.chain_id, vec![msg], "", 200_000, "").unwrap();
        #[allow(deprecated)]
        let simulate = tx::SimulateRequest { tx: None, tx_bytes: raw.clone() };
        let (simulated, _): (tx::SimulateResponse, _) =
            call(&channel, "/cosmos.tx.v1beta1.Service/Simulate", simulate, None).await.unwrap();
        assert!(simulated.gas_info.unwrap().gas_used > 0);

        let broadcast = tx::BroadcastTxRequest { tx_bytes: raw, mode: tx::BroadcastMode::Sync as i32 };
        let (sent, _): (tx::BroadcastTxResponse, _) =
            call(&channel, "/cosmos.tx.v1beta1.Service/BroadcastTx", broadcast, None).await.unwrap();
        let sent = sent.tx_response.unwrap();
        assert_eq!(sent.code, 0, "{}", sent.raw_log);
        let mut found = None;
        for _ in 0..100 {
            let request = tx::GetTxRequest { hash: sent.txhash.clone() };
            match call::<_, tx::GetTxResponse>(&channel, "/cosmos.tx.v1beta1.Service/GetTx", request, None).await {
                Ok((r, _)) => {
                    found = Some(r);
                    break;
                }
                Err(status) => assert_eq!(status.code(), Code::NotFound, "{status:?}"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let found = found.expect("the sent transaction is found by GetTx");
        let response = found.tx_response.unwrap();
        assert_eq!((response.code, response.txhash.clone()), (0, sent.txhash.clone()));
        assert!(response.height > 0 && response.gas_used > 0 && !response.timestamp.is_empty());
        assert_eq!(found.tx.unwrap().body.unwrap().messages[0].type_url, "/cosmos.bank.v1beta1.MsgSend");

        // The new balance now; the old one at the height asked for in the header.
        node.wait_height(response.height as u64 + 1, Duration::from_secs(30));
        let (after, _) = balance(None).await;
        assert_eq!(after, (1_000_000 - 1234).to_string());
        let (old, old_height) = balance(Some(before_height.to_string())).await;
        assert_eq!((old, old_height), (before, before_height));
        for bad in ["abc", "-1", "999999999"] {
            let request = bank::QueryBalanceRequest { address: faucet.clone(), denom: "uvrt".into() };
            let err = call::<_, bank::QueryBalanceResponse>(
                &channel,
                "/cosmos.bank.v1beta1.Query/Balance",
                request,
                Some(bad),
            )
            .await
            .unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "height {bad}: {err:?}");
        }

        // GetNodeInfo: Veritas' version, its crates and the CometBFT driving it.
        let (info, _): (tm::GetNodeInfoResponse, _) =
            call(&channel, "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", tm::GetNodeInfoRequest {}, None)
                .await
                .unwrap();
        let version = info.application_version.unwrap();
        assert_eq!(version.app_name, "veritasd");
        assert_eq!(version.version, env!("CARGO_PKG_VERSION"));
        assert!(version.go_version.starts_with("rustc 1."), "the compiler: {:?}", version.go_version);
        let dep = |path: &str| version.build_deps.iter().find(|m| m.path == path).map(|m| m.version.clone());
        let locked = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        let ibc_version = locked
            .split("[[package]]")
            .find(|p| p.contains("\nname = \"ibc\"\n"))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
            .map(|v| format!("v{}", v.trim_end_matches('"')));
        assert_eq!(dep("crates.io/ibc"), ibc_version, "the ibc crate's version as Cargo.lock has it");
        let comet = dep("github.com/cometbft/cometbft").expect("the CometBFT version is reported");
        assert!(comet.starts_with("v0.38."), "{comet}");
        let cometbft_info = info.default_node_info.expect("gRPC completes GetNodeInfo with CometBFT's node info");
        assert_eq!(cometbft_info.network, node.chain_id);
        assert_eq!(format!("v{}", cometbft_info.version), comet);
        assert_eq!(cometbft_info.other.unwrap().tx_index, "on");

        let (staking, _): (staking::QueryParamsResponse, _) =
            call(&channel, "/cosmos.staking.v1beta1.Query/Params", staking::QueryParamsRequest {}, None).await.unwrap();
        let staking = staking.params.unwrap();
        assert_eq!(staking.unbonding_time.unwrap().seconds, 14 * 24 * 3600);
        assert_eq!(staking.historical_entries, 10_000);

        // IBC services answer (no clients yet); unknown methods are Unimplemented.
        let (clients, _): (ibc_client::QueryClientStatesResponse, _) = call(
            &channel,
            "/ibc.core.client.v1.Query/ClientStates",
            ibc_client::QueryClientStatesRequest::default(),
            None,
        )
        .await
        .unwrap();
        assert!(clients.client_states.is_empty());
        let (params, _): (ibc_connection::QueryConnectionParamsResponse, _) = call(
            &channel,
            "/ibc.core.connection.v1.Query/ConnectionParams",
            ibc_connection::QueryConnectionParamsRequest {},
            None,
        )
        .await
        .unwrap();
        assert_eq!(params.params.unwrap().max_expected_time_per_block, 30_000_000_000);
        let unknown = call::<_, ibc_client::QueryClientStatesResponse>(
            &channel,
            "/ibc.core.client.v1.Query/NoSuchMethod",
            ibc_client::QueryClientStatesRequest::default(),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(unknown.code(), Code::Unimplemented);
        assert!(unknown.message().contains("unknown method NoSuchMethod"), "{unknown:?}");
        let garbage = call::<_, bank::QueryBalanceResponse>(
            &channel,
            "/cosmos.bank.v1beta1.Query/Balance",
            auth::QueryAccountRequest { address: "not an address".into() },
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(garbage.code(), Code::InvalidArgument, "{garbage:?}");
    });
}
