//! ibc-go's query services over ABCI gRPC-style paths (protobuf in and out), read
//! straight from the ICS-24 keys. Proof fields are left empty: proofs come from
//! `store/ibc/key` queries with `prove=true` (two ICS-23 ops, substore then root).
use ibc_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use ibc_proto::ibc::applications::transfer::v1 as transfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::connection::v1 as connection;
use prost::Message;
use veritas_framework::pagination::{paginate, Page, PageOf};
use veritas_framework::{decode_request, sdk, Error, QueryContext, StoreRead};

use crate::errors;
use crate::keeper::{client_paths, IbcKeeper, DENOM_TRACE_PREFIX};

pub const CLIENT_STATES: &str = "/ibc.core.client.v1.Query/ClientStates";
/// Asked by relayers of every Cosmos chain; Veritas has no staking module, so ibc
/// answers it from its own params (see [`staking_params`]).
pub const STAKING_PARAMS: &str = "/cosmos.staking.v1beta1.Query/Params";
pub const CLIENT_STATE: &str = "/ibc.core.client.v1.Query/ClientState";
pub const CONSENSUS_STATE: &str = "/ibc.core.client.v1.Query/ConsensusState";
pub const CONSENSUS_STATES: &str = "/ibc.core.client.v1.Query/ConsensusStates";
pub const CONSENSUS_STATE_HEIGHTS: &str = "/ibc.core.client.v1.Query/ConsensusStateHeights";
pub const CLIENT_PARAMS: &str = "/ibc.core.client.v1.Query/ClientParams";
pub const CONNECTIONS: &str = "/ibc.core.connection.v1.Query/Connections";
pub const CONNECTION: &str = "/ibc.core.connection.v1.Query/Connection";
pub const CLIENT_CONNECTIONS: &str = "/ibc.core.connection.v1.Query/ClientConnections";
pub const CONNECTION_CLIENT_STATE: &str = "/ibc.core.connection.v1.Query/ConnectionClientState";
pub const CONNECTION_PARAMS: &str = "/ibc.core.connection.v1.Query/ConnectionParams";
pub const CHANNELS: &str = "/ibc.core.channel.v1.Query/Channels";
pub const CHANNEL: &str = "/ibc.core.channel.v1.Query/Channel";
pub const CONNECTION_CHANNELS: &str = "/ibc.core.channel.v1.Query/ConnectionChannels";
pub const CHANNEL_CLIENT_STATE: &str = "/ibc.core.channel.v1.Query/ChannelClientState";
pub const PACKET_COMMITMENT: &str = "/ibc.core.channel.v1.Query/PacketCommitment";
pub const PACKET_ACKNOWLEDGEMENT: &str = "/ibc.core.channel.v1.Query/PacketAcknowledgement";
pub const PACKET_RECEIPT: &str = "/ibc.core.channel.v1.Query/PacketReceipt";
pub const NEXT_SEQUENCE_RECEIVE: &str = "/ibc.core.channel.v1.Query/NextSequenceReceive";
pub const PACKET_COMMITMENTS: &str = "/ibc.core.channel.v1.Query/PacketCommitments";
pub const PACKET_ACKNOWLEDGEMENTS: &str = "/ibc.core.channel.v1.Query/PacketAcknowledgements";
pub const UNRECEIVED_PACKETS: &str = "/ibc.core.channel.v1.Query/UnreceivedPackets";
pub const UNRECEIVED_ACKS: &str = "/ibc.core.channel.v1.Query/UnreceivedAcks";
pub const DENOM_TRACES: &str = "/ibc.applications.transfer.v1.Query/DenomTraces";
pub const DENOM_TRACE: &str = "/ibc.applications.transfer.v1.Query/DenomTrace";
pub const DENOM_HASH: &str = "/ibc.applications.transfer.v1.Query/DenomHash";
pub const ESCROW_ADDRESS: &str = "/ibc.applications.transfer.v1.Query/EscrowAddress";
pub const TRANSFER_PARAMS: &str = "/ibc.applications.transfer.v1.Query/Params";

pub const PATHS: &[&str] = &[
    STAKING_PARAMS,
    CLIENT_STATES,
    CLIENT_STATE,
    CONSENSUS_STATE,
    CONSENSUS_STATES,
    CONSENSUS_STATE_HEIGHTS,
    CLIENT_PARAMS,
    CONNECTIONS,
    CONNECTION,
    CLIENT_CONNECTIONS,
    CONNECTION_CLIENT_STATE,
    CONNECTION_PARAMS,
    CHANNELS,
    CHANNEL,
    CONNECTION_CHANNELS,
    CHANNEL_CLIENT_STATE,
    PACKET_COMMITMENT,
    PACKET_ACKNOWLEDGEMENT,
    PACKET_RECEIPT,
    NEXT_SEQUENCE_RECEIVE,
    PACKET_COMMITMENTS,
    PACKET_ACKNOWLEDGEMENTS,
    UNRECEIVED_PACKETS,
    UNRECEIVED_ACKS,
    DENOM_TRACES,
    DENOM_TRACE,
    DENOM_HASH,
    ESCROW_ADDRESS,
    TRANSFER_PARAMS,
];

fn corrupt(what: &str) -> impl Fn(prost::DecodeError) -> Error + '_ {
    move |e| sdk::internal(format!("corrupt {what}: {e}"))
}

fn not_found(what: String) -> Error {
    errors::not_found(format!("rpc error: code = NotFound desc = {what} not found"))
}

fn height(ctx: &QueryContext<'_>) -> Option<client::Height> {
    let revision_number = ibc::core::host::types::identifiers::ChainId::new(ctx.chain_id())
        .map(|id| id.revision_number())
        .unwrap_or_default();
    Some(client::Height { revision_number, revision_height: ctx.height() })
}

fn any(raw: &[u8]) -> Result<ibc_proto::google::protobuf::Any, Error> {
    ibc_proto::google::protobuf::Any::decode(raw).map_err(corrupt("Any"))
}

/// One page of `(sequence, value)` under `{kind}/ports/{port}/channels/{channel}/sequences/`.
fn packet_states(
    kv: &mut impl StoreRead,
    kind: &str,
    port: &str,
    chan: &str,
    page: &Page,
) -> Result<(Vec<channel::PacketState>, PageResponse), Error> {
    let prefix = format!("{kind}/ports/{port}/channels/{chan}/sequences/");
    let listed = paginate(kv, prefix.as_bytes(), page)?;
    let states = listed
        .entries
        .iter()
        .filter_map(|(suffix, data)| {
            let sequence = String::from_utf8_lossy(suffix).parse().ok()?;
            Some(channel::PacketState { port_id: port.into(), channel_id: chan.into(), sequence, data: data.clone() })
        })
        .collect();
    Ok((states, listed.response_ibc()))
}

fn client_state(kv: &mut impl StoreRead, client_id: &str) -> Result<client::IdentifiedClientState, Error> {
    let raw = kv
        .get(format!("clients/{client_id}/clientState").as_bytes())?
        .ok_or_else(|| not_found(format!("client {client_id}")))?;
    Ok(client::IdentifiedClientState { client_id: client_id.to_owned(), client_state: Some(any(&raw)?) })
}

fn connection_end(kv: &mut impl StoreRead, connection_id: &str) -> Result<connection::ConnectionEnd, Error> {
    let raw = kv
        .get(format!("connections/{connection_id}").as_bytes())?
        .ok_or_else(|| not_found(format!("connection {connection_id}")))?;
    connection::ConnectionEnd::decode(raw.as_slice()).map_err(corrupt("connection"))
}

fn channel_end(kv: &mut impl StoreRead, port: &str, chan: &str) -> Result<channel::Channel, Error> {
    let key = format!("channelEnds/ports/{port}/channels/{chan}");
    let raw = kv.get(key.as_bytes())?.ok_or_else(|| not_found(key))?;
    channel::Channel::decode(raw.as_slice()).map_err(corrupt("channel"))
}

/// A request's `PageRequest` in the framework's terms (none: the first default page).
fn page(request: Option<PageRequest>) -> Page {
    let r = request.unwrap_or_default();
    Page { key: r.key, offset: r.offset, limit: r.limit, count_total: r.count_total, reverse: r.reverse }
}

/// The most sequences an UnreceivedPackets / UnreceivedAcks / PacketAcknowledgements
/// request may name (each is one read).
const MAX_SEQUENCES: usize = 100_000;

fn check_sequence_count(sequences: &[u64]) -> Result<(), Error> {
    if sequences.len() > MAX_SEQUENCES {
        return Err(sdk::invalid_request(format!(
            "{} sequences asked at once; at most {MAX_SEQUENCES}",
            sequences.len()
        )));
    }
    Ok(())
}

/// One page of client states. Client ids are `07-tendermint-<n>` (the only client type),
/// so the page walks `n` from the page key (big-endian) or offset up to the client
/// counter: consensus states stored under `clients/` are never scanned.
fn client_states_page(
    kv: &mut impl StoreRead,
    page: &Page,
) -> Result<(Vec<client::IdentifiedClientState>, PageResponse), Error> {
    if page.reverse {
        return Err(sdk::invalid_request("reverse pagination is not supported"));
    }
    let counter = match kv.get(b"nextClientSequence")? {
        Some(raw) => {
            u64::from_be_bytes(raw.as_slice().try_into().map_err(|_| sdk::internal("corrupt client counter"))?)
        }
        None => 0,
    };
    let first = if page.key.is_empty() {
        page.offset
    } else {
        u64::from_be_bytes(page.key.as_slice().try_into().map_err(|_| sdk::invalid_request("invalid page key"))?)
    };
    let limit = match page.limit {
        0 => veritas_framework::pagination::DEFAULT_LIMIT,
        n => n.min(veritas_framework::pagination::MAX_LIMIT),
    };
    let mut states = Vec::new();
    let mut n = first;
    while n < counter && (states.len() as u64) < limit {
        let id = format!("07-tendermint-{n}");
        if let Some(raw) = kv.get(format!("clients/{id}/clientState").as_bytes())? {
            states.push(client::IdentifiedClientState { client_id: id, client_state: Some(any(&raw)?) });
        }
        n += 1;
    }
    let next_key = if n < counter { n.to_be_bytes().to_vec() } else { Vec::new() };
    let total = if page.count_total { counter } else { 0 };
    Ok((states, PageResponse { next_key, total }))
}

/// One page of `client_id`'s consensus states, oldest first, from the height index.
fn consensus_states_page(
    kv: &mut impl StoreRead,
    client_id: &str,
    page: &Page,
) -> Result<(Vec<client::ConsensusStateWithHeight>, PageResponse), Error> {
    let prefix = crate::host::consensus_height_index_prefix(client_id);
    let listed = paginate(kv, &prefix, page)?;
    let mut states = Vec::with_capacity(listed.entries.len());
    for (suffix, _) in &listed.entries {
        let (revision, height) = crate::host::decode_consensus_height(suffix)
            .ok_or_else(|| sdk::internal("corrupt consensus height index entry"))?;
        let raw = kv
            .get(format!("clients/{client_id}/consensusStates/{revision}-{height}").as_bytes())?
            .ok_or_else(|| sdk::internal(format!("indexed consensus state {revision}-{height} is missing")))?;
        states.push(client::ConsensusStateWithHeight {
            height: Some(client::Height { revision_number: revision, revision_height: height }),
            consensus_state: Some(any(&raw)?),
        });
    }
    Ok((states, listed.response_ibc()))
}

/// One page of channel ends, with their port and channel ids.
fn channels_page(
    kv: &mut impl StoreRead,
    page: &Page,
) -> Result<(Vec<channel::IdentifiedChannel>, PageResponse), Error> {
    let listed = paginate(kv, b"channelEnds/ports/", page)?;
    let channels = identified_channels(&listed.entries)?;
    Ok((channels, listed.response_ibc()))
}

/// Channel ends from `(key suffix under channelEnds/ports/, value)` entries.
fn identified_channels(entries: &[(Vec<u8>, Vec<u8>)]) -> Result<Vec<channel::IdentifiedChannel>, Error> {
    entries
        .iter()
        .map(|(key, raw)| {
            let key = format!("channelEnds/ports/{}", String::from_utf8_lossy(key));
            let mut parts = key.split('/').skip(2);
            let port_id = parts.next().unwrap_or_default().to_owned();
            let channel_id = parts.nth(1).unwrap_or_default().to_owned();
            let end = channel::Channel::decode(raw.as_slice()).map_err(corrupt("channel"))?;
            Ok::<_, Error>(channel::IdentifiedChannel {
                state: end.state,
                ordering: end.ordering,
                counterparty: end.counterparty,
                connection_hops: end.connection_hops,
                version: end.version,
                port_id,
                channel_id,
                upgrade_sequence: end.upgrade_sequence,
            })
        })
        .collect()
}

fn next_sequence_recv(kv: &mut impl StoreRead, port: &str, chan: &str) -> Result<u64, Error> {
    let key = format!("nextSequenceRecv/ports/{port}/channels/{chan}");
    let raw = kv.get(key.as_bytes())?.ok_or_else(|| not_found(key))?;
    let bytes: [u8; 8] =
        raw.as_slice().try_into().map_err(|_| sdk::internal("corrupt nextSequenceRecv: not 8 bytes"))?;
    Ok(u64::from_be_bytes(bytes))
}

/// Packet sequences start at 1; ibc-go refuses 0 in a query.
fn reject_sequence_zero(sequences: &[u64]) -> Result<(), Error> {
    if sequences.contains(&0) {
        return Err(sdk::invalid_request("packet sequence cannot be 0"));
    }
    Ok(())
}

/// The value under a single packet key, or NotFound naming it.
fn packet_value(kv: &mut impl StoreRead, kind: &str, port: &str, chan: &str, seq: u64) -> Result<Vec<u8>, Error> {
    let key = format!("{kind}/ports/{port}/channels/{chan}/sequences/{seq}");
    kv.get(key.as_bytes())?.ok_or_else(|| not_found(key))
}

pub fn answer(ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = IbcKeeper::read(ctx);
    Ok(match path {
        STAKING_PARAMS => {
            decode_request::<cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsRequest>(data)?;
            staking_params(&IbcKeeper::params(&mut kv)?).encode_to_vec()
        }
        CLIENT_STATES => {
            let r: client::QueryClientStatesRequest = decode_request(data)?;
            let (client_states, response) = client_states_page(&mut kv, &page(r.pagination))?;
            client::QueryClientStatesResponse { client_states, pagination: Some(response) }.encode_to_vec()
        }
        CLIENT_STATE => {
            let r: client::QueryClientStateRequest = decode_request(data)?;
            let state = client_state(&mut kv, &r.client_id)?;
            client::QueryClientStateResponse {
                client_state: state.client_state,
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        CONSENSUS_STATE => {
            let r: client::QueryConsensusStateRequest = decode_request(data)?;
            let key = format!("clients/{}/consensusStates/{}-{}", r.client_id, r.revision_number, r.revision_height);
            let raw = kv.get(key.as_bytes())?.ok_or_else(|| not_found(key))?;
            client::QueryConsensusStateResponse {
                consensus_state: Some(any(&raw)?),
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        CONSENSUS_STATES => {
            let r: client::QueryConsensusStatesRequest = decode_request(data)?;
            let (consensus_states, response) = consensus_states_page(&mut kv, &r.client_id, &page(r.pagination))?;
            client::QueryConsensusStatesResponse { consensus_states, pagination: Some(response) }.encode_to_vec()
        }
        CONSENSUS_STATE_HEIGHTS => {
            let r: client::QueryConsensusStateHeightsRequest = decode_request(data)?;
            let prefix = crate::host::consensus_height_index_prefix(&r.client_id);
            let listed = paginate(&mut kv, &prefix, &page(r.pagination))?;
            let consensus_state_heights = listed
                .entries
                .iter()
                .map(|(suffix, _)| {
                    let (revision_number, revision_height) = crate::host::decode_consensus_height(suffix)
                        .ok_or_else(|| sdk::internal("corrupt consensus height index entry"))?;
                    Ok(client::Height { revision_number, revision_height })
                })
                .collect::<Result<_, Error>>()?;
            client::QueryConsensusStateHeightsResponse {
                consensus_state_heights,
                pagination: Some(listed.response_ibc()),
            }
            .encode_to_vec()
        }
        CLIENT_PARAMS => {
            let _: client::QueryClientParamsRequest = decode_request(data)?;
            let params = client::Params { allowed_clients: vec!["07-tendermint".into()] };
            client::QueryClientParamsResponse { params: Some(params) }.encode_to_vec()
        }
        CLIENT_CONNECTIONS => {
            let r: connection::QueryClientConnectionsRequest = decode_request(data)?;
            let raw = kv
                .get(format!("clients/{}/connections", r.client_id).as_bytes())?
                .ok_or_else(|| not_found(format!("connections of client {}", r.client_id)))?;
            let paths = client_paths(Some(raw))?;
            connection::QueryClientConnectionsResponse {
                connection_paths: paths.paths,
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        CONNECTION_CLIENT_STATE => {
            let r: connection::QueryConnectionClientStateRequest = decode_request(data)?;
            let end = connection_end(&mut kv, &r.connection_id)?;
            connection::QueryConnectionClientStateResponse {
                identified_client_state: Some(client_state(&mut kv, &end.client_id)?),
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        CONNECTION_PARAMS => {
            let _: connection::QueryConnectionParamsRequest = decode_request(data)?;
            let params = IbcKeeper::params(&mut kv)?;
            let max_expected_time_per_block = params.max_expected_time_per_block_secs.saturating_mul(1_000_000_000);
            connection::QueryConnectionParamsResponse {
                params: Some(connection::Params { max_expected_time_per_block }),
            }
            .encode_to_vec()
        }
        CONNECTIONS => {
            let r: connection::QueryConnectionsRequest = decode_request(data)?;
            let listed = paginate(&mut kv, b"connections/", &page(r.pagination))?;
            let connections = listed
                .entries
                .iter()
                .map(|(suffix, raw)| {
                    let id = String::from_utf8_lossy(suffix).into_owned();
                    let end = connection::ConnectionEnd::decode(raw.as_slice()).map_err(corrupt("connection"))?;
                    Ok(connection::IdentifiedConnection {
                        id,
                        client_id: end.client_id,
                        versions: end.versions,
                        state: end.state,
                        counterparty: end.counterparty,
                        delay_period: end.delay_period,
                    })
                })
                .collect::<Result<_, Error>>()?;
            connection::QueryConnectionsResponse {
                connections,
                pagination: Some(listed.response_ibc()),
                height: height(ctx),
            }
            .encode_to_vec()
        }
        CONNECTION => {
            let r: connection::QueryConnectionRequest = decode_request(data)?;
            let end = connection_end(&mut kv, &r.connection_id)?;
            connection::QueryConnectionResponse { connection: Some(end), proof: vec![], proof_height: height(ctx) }
                .encode_to_vec()
        }
        CHANNELS => {
            let r: channel::QueryChannelsRequest = decode_request(data)?;
            let (channels, response) = channels_page(&mut kv, &page(r.pagination))?;
            channel::QueryChannelsResponse { channels, pagination: Some(response), height: height(ctx) }.encode_to_vec()
        }
        CHANNEL => {
            let r: channel::QueryChannelRequest = decode_request(data)?;
            let end = channel_end(&mut kv, &r.port_id, &r.channel_id)?;
            channel::QueryChannelResponse { channel: Some(end), proof: vec![], proof_height: height(ctx) }
                .encode_to_vec()
        }
        CONNECTION_CHANNELS => {
            // A page of channel ends, filtered: a page may hold fewer than its limit.
            let r: channel::QueryConnectionChannelsRequest = decode_request(data)?;
            let (mut channels, response) = channels_page(&mut kv, &page(r.pagination))?;
            channels.retain(|c| c.connection_hops.first() == Some(&r.connection));
            channel::QueryConnectionChannelsResponse { channels, pagination: Some(response), height: height(ctx) }
                .encode_to_vec()
        }
        CHANNEL_CLIENT_STATE => {
            let r: channel::QueryChannelClientStateRequest = decode_request(data)?;
            let end = channel_end(&mut kv, &r.port_id, &r.channel_id)?;
            let connection_id = end.connection_hops.first().ok_or_else(|| {
                sdk::internal(format!("channel {}/{} has no connection hops", r.port_id, r.channel_id))
            })?;
            let connection = connection_end(&mut kv, connection_id)?;
            channel::QueryChannelClientStateResponse {
                identified_client_state: Some(client_state(&mut kv, &connection.client_id)?),
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        PACKET_COMMITMENT => {
            let r: channel::QueryPacketCommitmentRequest = decode_request(data)?;
            let commitment = packet_value(&mut kv, "commitments", &r.port_id, &r.channel_id, r.sequence)?;
            channel::QueryPacketCommitmentResponse { commitment, proof: vec![], proof_height: height(ctx) }
                .encode_to_vec()
        }
        PACKET_ACKNOWLEDGEMENT => {
            let r: channel::QueryPacketAcknowledgementRequest = decode_request(data)?;
            let acknowledgement = packet_value(&mut kv, "acks", &r.port_id, &r.channel_id, r.sequence)?;
            channel::QueryPacketAcknowledgementResponse { acknowledgement, proof: vec![], proof_height: height(ctx) }
                .encode_to_vec()
        }
        PACKET_RECEIPT => {
            let r: channel::QueryPacketReceiptRequest = decode_request(data)?;
            let key = format!("receipts/ports/{}/channels/{}/sequences/{}", r.port_id, r.channel_id, r.sequence);
            let received = kv.get(key.as_bytes())?.is_some();
            channel::QueryPacketReceiptResponse { received, proof: vec![], proof_height: height(ctx) }.encode_to_vec()
        }
        NEXT_SEQUENCE_RECEIVE => {
            let r: channel::QueryNextSequenceReceiveRequest = decode_request(data)?;
            let next_sequence_receive = next_sequence_recv(&mut kv, &r.port_id, &r.channel_id)?;
            channel::QueryNextSequenceReceiveResponse {
                next_sequence_receive,
                proof: vec![],
                proof_height: height(ctx),
            }
            .encode_to_vec()
        }
        PACKET_COMMITMENTS => {
            let r: channel::QueryPacketCommitmentsRequest = decode_request(data)?;
            let (commitments, response) =
                packet_states(&mut kv, "commitments", &r.port_id, &r.channel_id, &page(r.pagination))?;
            channel::QueryPacketCommitmentsResponse { commitments, pagination: Some(response), height: height(ctx) }
                .encode_to_vec()
        }
        PACKET_ACKNOWLEDGEMENTS => {
            // As ibc-go: named sequences are looked up one by one, otherwise a page.
            let r: channel::QueryPacketAcknowledgementsRequest = decode_request(data)?;
            let (acknowledgements, pagination) = if r.packet_commitment_sequences.is_empty() {
                let (acks, response) = packet_states(&mut kv, "acks", &r.port_id, &r.channel_id, &page(r.pagination))?;
                (acks, Some(response))
            } else {
                check_sequence_count(&r.packet_commitment_sequences)?;
                let mut acks = Vec::new();
                for &sequence in &r.packet_commitment_sequences {
                    let key = format!("acks/ports/{}/channels/{}/sequences/{sequence}", r.port_id, r.channel_id);
                    if let Some(data) = kv.get(key.as_bytes())? {
                        acks.push(channel::PacketState {
                            port_id: r.port_id.clone(),
                            channel_id: r.channel_id.clone(),
                            sequence,
                            data,
                        });
                    }
                }
                (acks, None)
            };
            channel::QueryPacketAcknowledgementsResponse { acknowledgements, pagination, height: height(ctx) }
                .encode_to_vec()
        }
        UNRECEIVED_PACKETS => {
            // Sequences the counterparty committed that this chain has not received: no
            // receipt on an unordered channel, at or past nextSequenceRecv on an ordered one.
            let r: channel::QueryUnreceivedPacketsRequest = decode_request(data)?;
            let end = channel_end(&mut kv, &r.port_id, &r.channel_id)?;
            reject_sequence_zero(&r.packet_commitment_sequences)?;
            check_sequence_count(&r.packet_commitment_sequences)?;
            let mut sequences = Vec::new();
            if end.ordering == channel::Order::Ordered as i32 {
                let next = next_sequence_recv(&mut kv, &r.port_id, &r.channel_id)?;
                sequences.extend(r.packet_commitment_sequences.into_iter().filter(|&seq| seq >= next));
            } else {
                for seq in r.packet_commitment_sequences {
                    let key = format!("receipts/ports/{}/channels/{}/sequences/{seq}", r.port_id, r.channel_id);
                    if kv.get(key.as_bytes())?.is_none() {
                        sequences.push(seq);
                    }
                }
            }
            channel::QueryUnreceivedPacketsResponse { sequences, height: height(ctx) }.encode_to_vec()
        }
        UNRECEIVED_ACKS => {
            // Sequences acknowledged by the counterparty whose commitment is still here.
            let r: channel::QueryUnreceivedAcksRequest = decode_request(data)?;
            channel_end(&mut kv, &r.port_id, &r.channel_id)?;
            reject_sequence_zero(&r.packet_ack_sequences)?;
            check_sequence_count(&r.packet_ack_sequences)?;
            let mut sequences = Vec::new();
            for seq in r.packet_ack_sequences {
                let key = format!("commitments/ports/{}/channels/{}/sequences/{seq}", r.port_id, r.channel_id);
                if kv.get(key.as_bytes())?.is_some() {
                    sequences.push(seq);
                }
            }
            channel::QueryUnreceivedAcksResponse { sequences, height: height(ctx) }.encode_to_vec()
        }
        DENOM_TRACES => {
            let r: transfer::QueryDenomTracesRequest = decode_request(data)?;
            let listed = paginate(&mut kv, DENOM_TRACE_PREFIX, &page(r.pagination))?;
            let denom_traces = listed.entries.iter().map(|(_, raw)| trace(&String::from_utf8_lossy(raw))).collect();
            transfer::QueryDenomTracesResponse { denom_traces, pagination: Some(listed.response_ibc()) }.encode_to_vec()
        }
        DENOM_TRACE => {
            let r: transfer::QueryDenomTraceRequest = decode_request(data)?;
            let hash = r.hash.trim_start_matches("ibc/").to_uppercase();
            let full =
                IbcKeeper::denom_trace(&mut kv, &hash)?.ok_or_else(|| not_found(format!("denom trace {hash}")))?;
            transfer::QueryDenomTraceResponse { denom_trace: Some(trace(&full)) }.encode_to_vec()
        }
        DENOM_HASH => {
            let r: transfer::QueryDenomHashRequest = decode_request(data)?;
            let parsed: ibc::apps::transfer::types::PrefixedDenom =
                r.trace.parse().map_err(|e| sdk::invalid_request(format!("invalid denom trace {:?}: {e}", r.trace)))?;
            if parsed.trace_path.is_empty() {
                return Err(sdk::invalid_request(format!("{:?} is a base denom, not a trace", r.trace)));
            }
            let hash = crate::denom_hash(&r.trace);
            if IbcKeeper::denom_trace(&mut kv, &hash)?.is_none() {
                return Err(not_found(format!("denomination trace {}", r.trace)));
            }
            transfer::QueryDenomHashResponse { hash }.encode_to_vec()
        }
        ESCROW_ADDRESS => {
            // As ibc-go: computed from valid identifiers, whether or not the channel exists.
            let r: transfer::QueryEscrowAddressRequest = decode_request(data)?;
            let port = r.port_id.parse().map_err(|e| sdk::invalid_request(format!("port {:?}: {e}", r.port_id)))?;
            let chan =
                r.channel_id.parse().map_err(|e| sdk::invalid_request(format!("channel {:?}: {e}", r.channel_id)))?;
            let escrow_address = crate::escrow_address(&port, &chan).to_bech32();
            transfer::QueryEscrowAddressResponse { escrow_address }.encode_to_vec()
        }
        TRANSFER_PARAMS => {
            let _: transfer::QueryParamsRequest = decode_request(data)?;
            // Veritas has no switches for ICS-20: sending and receiving are always on.
            let params = transfer::Params { send_enabled: true, receive_enabled: true };
            transfer::QueryParamsResponse { params: Some(params) }.encode_to_vec()
        }
        other => return Err(sdk::unknown_request(format!("ibc answers no query {other}"))),
    })
}

/// Splits `transfer/channel-0/uvrt` into path `transfer/channel-0` and base `uvrt`.
fn trace(full: &str) -> transfer::DenomTrace {
    let parts: Vec<&str> = full.split('/').collect();
    let mut path_len = 0;
    while path_len + 2 <= parts.len().saturating_sub(1)
        && parts[path_len].chars().all(|c| c.is_ascii_alphanumeric() || "._+-#[]<>".contains(c))
        && parts[path_len + 1].starts_with("channel-")
    {
        path_len += 2;
    }
    transfer::DenomTrace { path: parts[..path_len].join("/"), base_denom: parts[path_len..].join("/") }
}

/// The ibc-proto `PageResponse` of a framework page.
trait IbcPageResponse {
    fn response_ibc(&self) -> PageResponse;
}

impl IbcPageResponse for PageOf {
    fn response_ibc(&self) -> PageResponse {
        PageResponse { next_key: self.next_key.clone(), total: self.total }
    }
}

/// The base denom staking params name (the chain's fixed base denom).
const BOND_DENOM: &str = "uvrt";

/// The staking params light clients of Veritas depend on: the unbonding period they must
/// use and how many of its own consensus states Veritas keeps (Hermes reads both); the
/// other fields hold the Cosmos SDK's defaults.
fn staking_params(params: &crate::Params) -> cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsResponse {
    use cosmos_sdk_proto::cosmos::staking::v1beta1::{Params, QueryParamsResponse};
    let params = Params {
        unbonding_time: Some(tendermint_proto::google::protobuf::Duration {
            seconds: i64::try_from(params.unbonding_period_secs).unwrap_or(i64::MAX),
            nanos: 0,
        }),
        max_validators: 100,
        max_entries: 7,
        historical_entries: u32::try_from(params.historical_entries).unwrap_or(u32::MAX),
        bond_denom: BOND_DENOM.into(),
        min_commission_rate: "0.000000000000000000".into(),
    };
    QueryParamsResponse { params: Some(params) }
}
