//! `cosmos.tx.v1beta1.Service` methods that need CometBFT rather than state:
//! `BroadcastTx` (into CometBFT's mempool) and `GetTx` (from CometBFT's tx index).
//! `Simulate` is answered from state, by the same handler as its ABCI query.

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxResponse;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    BroadcastMode, BroadcastTxRequest, BroadcastTxResponse, GetTxRequest, GetTxResponse, Tx,
};
use prost::Message;
use tendermint_proto::abci::{Event as ProtoEvent, EventAttribute as ProtoAttribute};
use tendermint_rpc::{Client as _, HttpClient};
use tonic::Status;

pub const BROADCAST_TX: &str = "/cosmos.tx.v1beta1.Service/BroadcastTx";
pub const GET_TX: &str = "/cosmos.tx.v1beta1.Service/GetTx";
const TX_TYPE_URL: &str = "/cosmos.tx.v1beta1.Tx";

/// Whether `path` is answered here.
pub fn answers(path: &str) -> bool {
    path == BROADCAST_TX || path == GET_TX
}

pub async fn answer(cometbft: &HttpClient, path: &str, data: &[u8]) -> Result<Vec<u8>, Status> {
    let call = async {
        match path {
            BROADCAST_TX => broadcast(cometbft, data).await,
            GET_TX => get_tx(cometbft, data).await,
            other => Err(Status::unimplemented(format!("no handler for {other}"))),
        }
    };
    tokio::time::timeout(super::COMETBFT_TIMEOUT, call)
        .await
        .unwrap_or_else(|_| Err(Status::deadline_exceeded("CometBFT's RPC did not answer in time")))
}

fn unavailable(e: tendermint_rpc::Error) -> Status {
    let text = e.to_string();
    Status::unavailable(format!("CometBFT RPC failed: {}", text.lines().next().unwrap_or_default()))
}

async fn broadcast(cometbft: &HttpClient, data: &[u8]) -> Result<Vec<u8>, Status> {
    let request = BroadcastTxRequest::decode(data)
        .map_err(|e| Status::invalid_argument(format!("cannot decode BroadcastTxRequest: {e}")))?;
    if request.tx_bytes.is_empty() {
        return Err(Status::invalid_argument("invalid empty tx"));
    }
    let tx_response = match BroadcastMode::try_from(request.mode) {
        Ok(BroadcastMode::Sync) => {
            let r = cometbft.broadcast_tx_sync(request.tx_bytes).await.map_err(unavailable)?;
            TxResponse {
                txhash: r.hash.to_string(),
                codespace: r.codespace,
                code: r.code.value(),
                data: hex::encode_upper(&r.data),
                raw_log: r.log,
                ..Default::default()
            }
        }
        Ok(BroadcastMode::Async) => {
            let r = cometbft.broadcast_tx_async(request.tx_bytes).await.map_err(unavailable)?;
            TxResponse { txhash: r.hash.to_string(), ..Default::default() }
        }
        _ => {
            return Err(Status::invalid_argument(format!(
                "unsupported broadcast mode {}; use BROADCAST_MODE_SYNC or BROADCAST_MODE_ASYNC",
                request.mode
            )))
        }
    };
    Ok(BroadcastTxResponse { tx_response: Some(tx_response) }.encode_to_vec())
}

async fn get_tx(cometbft: &HttpClient, data: &[u8]) -> Result<Vec<u8>, Status> {
    let request =
        GetTxRequest::decode(data).map_err(|e| Status::invalid_argument(format!("cannot decode GetTxRequest: {e}")))?;
    let hash: tendermint::Hash = request.hash.to_uppercase().parse().map_err(|_| {
        Status::invalid_argument(format!("{:?} is not a transaction hash (64 hex digits)", request.hash))
    })?;
    let found = match cometbft.tx(hash, false).await {
        Ok(found) => found,
        Err(e) if e.to_string().contains("not found") => {
            return Err(Status::not_found(format!("tx not found: {hash}")))
        }
        Err(e) => return Err(unavailable(e)),
    };
    // TxRaw and Tx share field numbers; a Tx decoded from TxRaw bytes has the same content.
    let tx = Tx::decode(found.tx.as_slice()).ok();
    let timestamp = match cometbft.header(found.height).await {
        Ok(header) => header.header.time.to_rfc3339(),
        Err(_) => String::new(),
    };
    let result = found.tx_result;
    let tx_response = TxResponse {
        height: i64::try_from(found.height.value()).unwrap_or(i64::MAX),
        txhash: hash.to_string(),
        codespace: result.codespace,
        code: result.code.value(),
        data: hex::encode_upper(&result.data),
        raw_log: result.log,
        logs: Vec::new(),
        info: result.info,
        gas_wanted: result.gas_wanted,
        gas_used: result.gas_used,
        tx: Some(tendermint_proto::google::protobuf::Any { type_url: TX_TYPE_URL.into(), value: found.tx.clone() }),
        timestamp,
        events: result.events.into_iter().map(to_proto_event).collect(),
    };
    Ok(GetTxResponse { tx, tx_response: Some(tx_response) }.encode_to_vec())
}

fn to_proto_event(event: tendermint::abci::Event) -> ProtoEvent {
    ProtoEvent {
        r#type: event.kind,
        attributes: event
            .attributes
            .into_iter()
            .map(|a| ProtoAttribute {
                key: a.key_str().unwrap_or_default().to_owned(),
                value: a.value_str().unwrap_or_default().to_owned(),
                index: a.index(),
            })
            .collect(),
    }
}
