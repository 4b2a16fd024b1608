//! `GetNodeInfo` over gRPC, completed with CometBFT's own node info (from its RPC
//! `status`), as the Cosmos SDK answers it. The ABCI answer has only the application
//! part: the app cannot ask CometBFT from inside an ABCI call.

use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::GetNodeInfoResponse;
use prost::Message;
use tendermint::node::info::TxIndexStatus;
use tendermint_proto::p2p::{DefaultNodeInfo, DefaultNodeInfoOther, ProtocolVersion};
use tendermint_rpc::{Client as _, HttpClient};

/// `answer` (the ABCI `GetNodeInfo` bytes) with `default_node_info` filled in; unchanged
/// if CometBFT cannot be reached (its part is then absent, not made up).
pub async fn complete(cometbft: &HttpClient, answer: bytes::Bytes) -> bytes::Bytes {
    let Ok(mut response) = GetNodeInfoResponse::decode(answer.clone()) else { return answer };
    let Ok(Ok(status)) = tokio::time::timeout(super::COMETBFT_TIMEOUT, cometbft.status()).await else {
        return answer;
    };
    let info = status.node_info;
    response.default_node_info = Some(DefaultNodeInfo {
        protocol_version: Some(ProtocolVersion {
            p2p: info.protocol_version.p2p,
            block: info.protocol_version.block,
            app: info.protocol_version.app,
        }),
        default_node_id: info.id.to_string(),
        listen_addr: info.listen_addr.to_string(),
        network: info.network.to_string(),
        version: info.version.to_string(),
        channels: hex::decode(info.channels.to_string()).unwrap_or_default(),
        moniker: info.moniker.to_string(),
        other: Some(DefaultNodeInfoOther {
            tx_index: match info.other.tx_index {
                TxIndexStatus::On => "on".into(),
                TxIndexStatus::Off => "off".into(),
            },
            rpc_address: info.other.rpc_address.to_string(),
        }),
    });
    response.encode_to_vec().into()
}
