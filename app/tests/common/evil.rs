//! Hostile inputs a funded stranger can send, built as a Cosmos client would.

use std::time::Duration;

use cosmos_sdk_proto::Any;
use ibc::clients::tendermint::types::{
    AllowUpdate, ClientState as TmClientState, ConsensusState as TmConsensusState, Header as TmHeader, TrustThreshold,
};
use ibc::core::client::types::Height;
use ibc::core::host::types::identifiers::ChainId;
use ibc_proto::ibc::core::client::v1 as client;
use prost::Message;
use tendermint_testgen::{Generator, Header as TgHeader, LightBlock as TgLightBlock, Validator as TgValidator};

/// Height of the counterparty block the evil client is created at.
pub const TRUSTED_HEIGHT: u64 = 5;

fn any(type_url: &str, value: Vec<u8>) -> Any {
    Any { type_url: type_url.into(), value }
}

fn to_sdk_any(a: ibc::primitives::proto::Any) -> ibc_proto::google::protobuf::Any {
    ibc_proto::google::protobuf::Any { type_url: a.type_url, value: a.value }
}

/// A signed light block of chain `evil-1` at `height`, with a header time of `unix_seconds`.
fn light_block(height: u64, unix_seconds: i64) -> tendermint_testgen::light_block::TmLightBlock {
    let validators = vec![TgValidator::new("evil-v1").voting_power(50), TgValidator::new("evil-v2").voting_power(50)];
    let time = tendermint::Time::from_unix_timestamp(unix_seconds, 0).unwrap();
    let app_hash = tendermint::AppHash::try_from(vec![0x11; 32]).unwrap();
    TgLightBlock::new_default_with_header(
        TgHeader::new(&validators)
            .chain_id("evil-1")
            .height(height)
            .time(time)
            .next_validators(&validators)
            .app_hash(app_hash),
    )
    .validators(&validators)
    .next_validators(&validators)
    .generate()
    .unwrap()
}

/// `MsgCreateClient` for a valid 07-tendermint client of `evil-1` at height 1-5, then
/// `MsgUpdateClient` of `07-tendermint-<client_index>` with a header whose height is 0
/// (its commit says 0 too, so it decodes): what made ibc-rs 0.57 panic in
/// `Header::height()`. `now` is the host chain's time (the consensus state must be recent).
pub fn create_client_then_update_at_height_zero(signer: &str, client_index: u64, now_unix: i64) -> Vec<Any> {
    let trusted = light_block(TRUSTED_HEIGHT, now_unix - 10);
    let client_state = TmClientState::new(
        ChainId::new("evil-1").unwrap(),
        TrustThreshold::ONE_THIRD,
        Duration::from_secs(14 * 24 * 3600),
        Duration::from_secs(21 * 24 * 3600),
        Duration::from_secs(10),
        Height::new(1, TRUSTED_HEIGHT).unwrap(),
        veritas_ibc::proof_specs(),
        veritas_ibc::UPGRADE_PATH.iter().map(|s| s.to_string()).collect(),
        AllowUpdate { after_expiry: false, after_misbehaviour: false },
    )
    .unwrap();
    let consensus = TmConsensusState::from(trusted.signed_header.header.clone());
    let create = client::MsgCreateClient {
        client_state: Some(to_sdk_any(client_state.into())),
        consensus_state: Some(to_sdk_any(consensus.into())),
        signer: signer.into(),
    };

    let target = light_block(TRUSTED_HEIGHT + 1, now_unix - 5);
    let header = TmHeader {
        signed_header: target.signed_header,
        validator_set: target.validators,
        trusted_height: Height::new(1, TRUSTED_HEIGHT).unwrap(),
        trusted_next_validator_set: trusted.next_validators,
    };
    let header: ibc::primitives::proto::Any = header.into();
    let mut raw = ibc_proto::ibc::lightclients::tendermint::v1::Header::decode(header.value.as_slice()).unwrap();
    let signed = raw.signed_header.as_mut().unwrap();
    signed.header.as_mut().unwrap().height = 0;
    signed.commit.as_mut().unwrap().height = 0;
    let update = client::MsgUpdateClient {
        client_id: format!("07-tendermint-{client_index}"),
        client_message: Some(ibc_proto::google::protobuf::Any {
            type_url: header.type_url,
            value: raw.encode_to_vec(),
        }),
        signer: signer.into(),
    };
    vec![
        any("/ibc.core.client.v1.MsgCreateClient", create.encode_to_vec()),
        any("/ibc.core.client.v1.MsgUpdateClient", update.encode_to_vec()),
    ]
}
