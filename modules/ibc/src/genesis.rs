//! The `ibc` section of `app_state`: params and, as `export` writes it, the IBC state in
//! readable, typed sections: light clients with their client and consensus states
//! (protobuf JSON, as ibc-go prints them), connections, channels, packet commitments,
//! receipts and acknowledgements, sequences, identifier counters, this chain's own
//! consensus states and ICS-20 denom traces.
//!
//! Each section maps to the ICS-24 keys the host stores (see `keeper.rs`), byte for byte:
//! init writes exactly what export read, and rebuilds the consensus-height index (derived
//! data) from the consensus states.

use std::collections::BTreeMap;

use ibc_proto::google::protobuf::Any;
use ibc_proto::ibc::core::channel::v1::Channel as RawChannel;
use ibc_proto::ibc::core::connection::v1::{ClientPaths, ConnectionEnd as RawConnectionEnd};
use ibc_proto::ibc::lightclients::tendermint::v1::{
    ClientState as RawTmClientState, ConsensusState as RawTmConsensusState,
};
use prost::Message;
use serde::{Deserialize, Serialize};
use veritas_framework::Error;

use crate::errors;
use crate::keeper::{Params, DENOM_TRACE_PREFIX, HOST_CONSENSUS_PREFIX};

const TM_CLIENT_STATE: &str = "/ibc.lightclients.tendermint.v1.ClientState";
const TM_CONSENSUS_STATE: &str = "/ibc.lightclients.tendermint.v1.ConsensusState";
const PARAMS_KEY: &str = "veritas/params";
const HEIGHT_INDEX_PREFIXES: [&str; 2] = ["veritas/consensusHeightsAsc/", "veritas/consensusHeightsDesc/"];

/// The `ibc` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// 07-tendermint light clients of counterparty chains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientGenesis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<ConnectionGenesis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelGenesis>,
    /// Commitments of packets sent and not yet acknowledged or timed out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commitments: Vec<PacketData>,
    /// Packets received (their receipts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<PacketId>,
    /// Acknowledgement commitments written for packets received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgements: Vec<PacketData>,
    /// The next client, connection and channel numbers.
    #[serde(default, skip_serializing_if = "Counters::is_zero")]
    pub counters: Counters,
    /// This chain's own consensus states (what counterparties' handshakes check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_consensus_states: Vec<HostConsensusState>,
    /// ICS-20 voucher denoms: `ibc/<hash>` and the full trace it stands for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denom_traces: Vec<DenomTrace>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientGenesis {
    pub client_id: String,
    pub client_state: RawTmClientState,
    #[serde(default)]
    pub consensus_states: Vec<ClientConsensusState>,
    /// Connections opened on this client, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connection_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConsensusState {
    /// `revision-height` of the counterparty block.
    pub height: String,
    pub consensus_state: RawTmConsensusState,
    /// When this chain stored it (nanoseconds since the epoch), for connection delays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_time: Option<u64>,
    /// This chain's height when it stored it, `revision-height`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_height: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionGenesis {
    pub connection_id: String,
    pub connection: RawConnectionEnd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelGenesis {
    pub port_id: String,
    pub channel_id: String,
    pub channel: RawChannel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sequence_send: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sequence_recv: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sequence_ack: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketId {
    pub port_id: String,
    pub channel_id: String,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketData {
    pub port_id: String,
    pub channel_id: String,
    pub sequence: u64,
    /// The stored commitment (hex).
    pub data: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counters {
    #[serde(default)]
    pub next_client_sequence: u64,
    #[serde(default)]
    pub next_connection_sequence: u64,
    #[serde(default)]
    pub next_channel_sequence: u64,
}

impl Counters {
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConsensusState {
    pub height: u64,
    pub consensus_state: RawTmConsensusState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomTrace {
    /// Upper-case hex SHA-256 of the trace (the `ibc/<hash>` denom).
    pub hash: String,
    /// `port/channel/.../base_denom`.
    pub trace: String,
}

fn invalid(text: impl Into<String>) -> Error {
    errors::invalid_genesis(text)
}

fn any(type_url: &str, value: Vec<u8>) -> Vec<u8> {
    Any { type_url: type_url.into(), value }.encode_to_vec()
}

fn unpack<M: Message + Default>(raw: &[u8], type_url: &str, key: &str) -> Result<M, Error> {
    let any = Any::decode(raw).map_err(|e| invalid(format!("{key}: {e}")))?;
    if any.type_url != type_url {
        return Err(invalid(format!("{key}: a {} where a {type_url} was expected", any.type_url)));
    }
    M::decode(any.value.as_slice()).map_err(|e| invalid(format!("{key}: {e}")))
}

fn be_u64(raw: &[u8], key: &str) -> Result<u64, Error> {
    Ok(u64::from_be_bytes(raw.try_into().map_err(|_| invalid(format!("{key}: not an 8-byte number")))?))
}

/// `(revision, height)` of `rev-height`.
fn parse_height(text: &str) -> Result<(u64, u64), Error> {
    text.split_once('-')
        .and_then(|(r, h)| Some((r.parse().ok()?, h.parse().ok()?)))
        .ok_or_else(|| invalid(format!("height {text:?} is not revision-height")))
}

/// The consensus-height index entries (ascending and descending) of one consensus state,
/// as the host writes them.
fn height_index(client_id: &str, height: (u64, u64)) -> [Vec<u8>; 2] {
    let entry = |prefix: &str, (rev, h): (u64, u64)| {
        let mut key = format!("{prefix}{client_id}/").into_bytes();
        key.extend(rev.to_be_bytes());
        key.extend(h.to_be_bytes());
        key
    };
    [entry(HEIGHT_INDEX_PREFIXES[0], height), entry(HEIGHT_INDEX_PREFIXES[1], (!height.0, !height.1))]
}

/// `ports/{port}/channels/{channel}` → (port, channel).
fn port_channel(rest: &[&str]) -> Option<(String, String)> {
    match rest {
        ["ports", port, "channels", channel] => Some((port.to_string(), channel.to_string())),
        _ => None,
    }
}

/// `ports/{port}/channels/{channel}/sequences/{n}` → packet id.
fn packet_id(rest: &[&str]) -> Option<PacketId> {
    match rest {
        ["ports", port, "channels", channel, "sequences", n] => {
            Some(PacketId { port_id: port.to_string(), channel_id: channel.to_string(), sequence: n.parse().ok()? })
        }
        _ => None,
    }
}

impl GenesisState {
    /// Reads the substore's entries back into sections; an entry no section describes is
    /// an error (export must never drop state).
    pub(crate) fn from_entries(params: Params, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Self, Error> {
        let mut state = GenesisState { params, ..Default::default() };
        let mut clients: BTreeMap<String, ClientGenesis> = BTreeMap::new();
        let mut client_states: BTreeMap<String, RawTmClientState> = BTreeMap::new();
        let mut consensus: BTreeMap<(String, String), ClientConsensusState> = BTreeMap::new();
        let mut connection_ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut channels: BTreeMap<(String, String), ChannelGenesis> = BTreeMap::new();
        let mut sequences: Vec<(&'static str, (String, String), u64)> = Vec::new();
        let mut processed: Vec<(String, String, &'static str, Vec<u8>)> = Vec::new();
        for (key, value) in entries {
            if let Some(height) = key.strip_prefix(HOST_CONSENSUS_PREFIX) {
                let height = be_u64(height, "host consensus state height")?;
                let consensus_state = unpack(&value, TM_CONSENSUS_STATE, "host consensus state")?;
                state.host_consensus_states.push(HostConsensusState { height, consensus_state });
                continue;
            }
            if HEIGHT_INDEX_PREFIXES.iter().any(|p| key.starts_with(p.as_bytes())) {
                continue; // derived: rebuilt from the consensus states at init
            }
            let text = String::from_utf8(key.clone())
                .map_err(|_| invalid(format!("unknown ibc key {}", hex::encode(&key))))?;
            if text == PARAMS_KEY {
                continue;
            }
            if let Some(hash) = text.strip_prefix(std::str::from_utf8(DENOM_TRACE_PREFIX).expect("ASCII")) {
                let trace = String::from_utf8(value).map_err(|_| invalid(format!("{text}: not UTF-8")))?;
                state.denom_traces.push(DenomTrace { hash: hash.to_owned(), trace });
                continue;
            }
            let parts: Vec<&str> = text.split('/').collect();
            match parts.as_slice() {
                ["nextClientSequence"] => state.counters.next_client_sequence = be_u64(&value, &text)?,
                ["nextConnectionSequence"] => state.counters.next_connection_sequence = be_u64(&value, &text)?,
                ["nextChannelSequence"] => state.counters.next_channel_sequence = be_u64(&value, &text)?,
                ["clients", id, "clientState"] => {
                    client_states.insert(id.to_string(), unpack(&value, TM_CLIENT_STATE, &text)?);
                }
                ["clients", id, "consensusStates", height] => {
                    parse_height(height)?;
                    let consensus_state = unpack(&value, TM_CONSENSUS_STATE, &text)?;
                    let entry = ClientConsensusState {
                        height: height.to_string(),
                        consensus_state,
                        processed_time: None,
                        processed_height: None,
                    };
                    consensus.insert((id.to_string(), height.to_string()), entry);
                }
                ["clients", id, "consensusStates", height, kind @ ("processedTime" | "processedHeight")] => {
                    let kind = if *kind == "processedTime" { "processedTime" } else { "processedHeight" };
                    processed.push((id.to_string(), height.to_string(), kind, value));
                }
                ["clients", id, "connections"] => {
                    let paths = ClientPaths::decode(value.as_slice()).map_err(|e| invalid(format!("{text}: {e}")))?;
                    connection_ids.insert(id.to_string(), paths.paths);
                }
                ["connections", id] => {
                    let connection =
                        RawConnectionEnd::decode(value.as_slice()).map_err(|e| invalid(format!("{text}: {e}")))?;
                    state.connections.push(ConnectionGenesis { connection_id: id.to_string(), connection });
                }
                ["channelEnds", rest @ ..] => {
                    let ids = port_channel(rest).ok_or_else(|| invalid(format!("unknown ibc key {text}")))?;
                    let channel = RawChannel::decode(value.as_slice()).map_err(|e| invalid(format!("{text}: {e}")))?;
                    channels.insert(
                        ids.clone(),
                        ChannelGenesis {
                            port_id: ids.0,
                            channel_id: ids.1,
                            channel,
                            next_sequence_send: None,
                            next_sequence_recv: None,
                            next_sequence_ack: None,
                        },
                    );
                }
                [kind @ ("nextSequenceSend" | "nextSequenceRecv" | "nextSequenceAck"), rest @ ..] => {
                    let ids = port_channel(rest).ok_or_else(|| invalid(format!("unknown ibc key {text}")))?;
                    let kind = match *kind {
                        "nextSequenceSend" => "send",
                        "nextSequenceRecv" => "recv",
                        _ => "ack",
                    };
                    sequences.push((kind, ids, be_u64(&value, &text)?));
                }
                [kind @ ("commitments" | "acks" | "receipts"), rest @ ..] => {
                    let id = packet_id(rest).ok_or_else(|| invalid(format!("unknown ibc key {text}")))?;
                    let data = |id: PacketId| PacketData {
                        port_id: id.port_id,
                        channel_id: id.channel_id,
                        sequence: id.sequence,
                        data: hex::encode(&value),
                    };
                    match *kind {
                        "commitments" => state.commitments.push(data(id)),
                        "acks" => state.acknowledgements.push(data(id)),
                        _ => {
                            if value != [1] {
                                return Err(invalid(format!("{text}: a receipt is the byte 1")));
                            }
                            state.receipts.push(id)
                        }
                    }
                }
                _ => return Err(invalid(format!("unknown ibc key {text}"))),
            }
        }
        for (id, height, kind, value) in processed {
            let entry = consensus
                .get_mut(&(id.clone(), height.clone()))
                .ok_or_else(|| invalid(format!("{kind} of {id} at {height} without its consensus state")))?;
            if kind == "processedTime" {
                entry.processed_time = Some(be_u64(&value, "processedTime")?);
            } else {
                entry.processed_height =
                    Some(String::from_utf8(value).map_err(|_| invalid("processedHeight: not UTF-8"))?);
            }
        }
        for (id, client_state) in client_states {
            clients.insert(
                id.clone(),
                ClientGenesis { client_id: id, client_state, consensus_states: Vec::new(), connection_ids: Vec::new() },
            );
        }
        for ((id, _), entry) in consensus {
            let client =
                clients.get_mut(&id).ok_or_else(|| invalid(format!("consensus state of unknown client {id}")))?;
            client.consensus_states.push(entry);
        }
        for (id, ids) in connection_ids {
            let client = clients.get_mut(&id).ok_or_else(|| invalid(format!("connections of unknown client {id}")))?;
            client.connection_ids = ids;
        }
        for client in clients.values_mut() {
            client.consensus_states.sort_by_key(|c| parse_height(&c.height).unwrap_or_default());
        }
        for (kind, ids, sequence) in sequences {
            let channel = channels
                .get_mut(&ids)
                .ok_or_else(|| invalid(format!("sequence of unknown channel {}/{}", ids.0, ids.1)))?;
            match kind {
                "send" => channel.next_sequence_send = Some(sequence),
                "recv" => channel.next_sequence_recv = Some(sequence),
                _ => channel.next_sequence_ack = Some(sequence),
            }
        }
        state.clients = clients.into_values().collect();
        state.channels = channels.into_values().collect();
        Ok(state)
    }

    /// The substore entries this genesis stands for (params excluded), sorted, with the
    /// consensus-height index the host keeps beside each consensus state.
    pub(crate) fn entries(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut put = |key: Vec<u8>, value: Vec<u8>| out.push((key, value));
        let c = &self.counters;
        for (key, n) in [
            ("nextClientSequence", c.next_client_sequence),
            ("nextConnectionSequence", c.next_connection_sequence),
            ("nextChannelSequence", c.next_channel_sequence),
        ] {
            if n > 0 {
                put(key.as_bytes().to_vec(), n.to_be_bytes().to_vec());
            }
        }
        for client in &self.clients {
            let id = &client.client_id;
            put(
                format!("clients/{id}/clientState").into_bytes(),
                any(TM_CLIENT_STATE, client.client_state.encode_to_vec()),
            );
            for state in &client.consensus_states {
                let height = parse_height(&state.height)?;
                let path = format!("clients/{id}/consensusStates/{}-{}", height.0, height.1);
                put(path.clone().into_bytes(), any(TM_CONSENSUS_STATE, state.consensus_state.encode_to_vec()));
                if let Some(time) = state.processed_time {
                    put(format!("{path}/processedTime").into_bytes(), time.to_be_bytes().to_vec());
                }
                if let Some(processed) = &state.processed_height {
                    parse_height(processed)?;
                    put(format!("{path}/processedHeight").into_bytes(), processed.clone().into_bytes());
                }
                for key in height_index(id, height) {
                    put(key, vec![1]);
                }
            }
            if !client.connection_ids.is_empty() {
                let paths = ClientPaths { paths: client.connection_ids.clone() };
                put(format!("clients/{id}/connections").into_bytes(), paths.encode_to_vec());
            }
        }
        for connection in &self.connections {
            put(
                format!("connections/{}", connection.connection_id).into_bytes(),
                connection.connection.encode_to_vec(),
            );
        }
        for channel in &self.channels {
            let ids = format!("ports/{}/channels/{}", channel.port_id, channel.channel_id);
            put(format!("channelEnds/{ids}").into_bytes(), channel.channel.encode_to_vec());
            for (kind, sequence) in [
                ("nextSequenceSend", channel.next_sequence_send),
                ("nextSequenceRecv", channel.next_sequence_recv),
                ("nextSequenceAck", channel.next_sequence_ack),
            ] {
                if let Some(sequence) = sequence {
                    put(format!("{kind}/{ids}").into_bytes(), sequence.to_be_bytes().to_vec());
                }
            }
        }
        let packet = |kind: &str, p: &str, c: &str, n: u64| format!("{kind}/ports/{p}/channels/{c}/sequences/{n}");
        for (kind, list) in [("commitments", &self.commitments), ("acks", &self.acknowledgements)] {
            for entry in list {
                let data = hex::decode(&entry.data).map_err(|e| invalid(format!("{kind} data: {e}")))?;
                put(packet(kind, &entry.port_id, &entry.channel_id, entry.sequence).into_bytes(), data);
            }
        }
        for receipt in &self.receipts {
            put(packet("receipts", &receipt.port_id, &receipt.channel_id, receipt.sequence).into_bytes(), vec![1]);
        }
        for trace in &self.denom_traces {
            put([DENOM_TRACE_PREFIX, trace.hash.as_bytes()].concat(), trace.trace.clone().into_bytes());
        }
        for host in &self.host_consensus_states {
            let key = [HOST_CONSENSUS_PREFIX, &host.height.to_be_bytes()].concat();
            put(key, any(TM_CONSENSUS_STATE, host.consensus_state.encode_to_vec()));
        }
        out.sort();
        if out.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(invalid("an ibc entry is listed twice"));
        }
        Ok(out)
    }

    /// Params and entries of a valid section.
    pub(crate) fn validated(value: &serde_json::Value) -> Result<(Params, Vec<(Vec<u8>, Vec<u8>)>), Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| errors::invalid_genesis(format!("invalid ibc genesis: {e}")))?;
        state.params.validate()?;
        let entries = state.entries()?;
        Ok((state.params, entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_consensus(root: u8) -> RawTmConsensusState {
        RawTmConsensusState {
            root: Some(ibc_proto::ibc::core::commitment::v1::MerkleRoot { hash: vec![root; 32] }),
            next_validators_hash: vec![9; 32],
            timestamp: Some(ibc_proto::google::protobuf::Timestamp { seconds: 1_700_000_000, nanos: 5 }),
        }
    }

    /// A section with every kind of entry.
    fn full() -> GenesisState {
        let client_state = RawTmClientState { chain_id: "other-1".into(), ..Default::default() };
        GenesisState {
            params: Params::default(),
            clients: vec![ClientGenesis {
                client_id: "07-tendermint-0".into(),
                client_state,
                consensus_states: vec![
                    ClientConsensusState {
                        height: "1-5".into(),
                        consensus_state: raw_consensus(1),
                        processed_time: Some(1_700_000_000_000_000_000),
                        processed_height: Some("0-12".into()),
                    },
                    ClientConsensusState {
                        height: "1-40".into(),
                        consensus_state: raw_consensus(2),
                        processed_time: None,
                        processed_height: None,
                    },
                ],
                connection_ids: vec!["connection-0".into()],
            }],
            connections: vec![ConnectionGenesis {
                connection_id: "connection-0".into(),
                connection: RawConnectionEnd { client_id: "07-tendermint-0".into(), state: 3, ..Default::default() },
            }],
            channels: vec![ChannelGenesis {
                port_id: "transfer".into(),
                channel_id: "channel-0".into(),
                channel: RawChannel { state: 3, ordering: 1, version: "ics20-1".into(), ..Default::default() },
                next_sequence_send: Some(4),
                next_sequence_recv: Some(2),
                next_sequence_ack: Some(1),
            }],
            commitments: vec![PacketData {
                port_id: "transfer".into(),
                channel_id: "channel-0".into(),
                sequence: 3,
                data: "ab".repeat(32),
            }],
            receipts: vec![PacketId { port_id: "transfer".into(), channel_id: "channel-0".into(), sequence: 1 }],
            acknowledgements: vec![PacketData {
                port_id: "transfer".into(),
                channel_id: "channel-0".into(),
                sequence: 1,
                data: "cd".repeat(32),
            }],
            counters: Counters { next_client_sequence: 1, next_connection_sequence: 1, next_channel_sequence: 1 },
            host_consensus_states: vec![HostConsensusState { height: 7, consensus_state: raw_consensus(3) }],
            denom_traces: vec![DenomTrace { hash: "AB".repeat(32), trace: "transfer/channel-0/uatom".into() }],
        }
    }

    #[test]
    fn every_section_round_trips_through_the_store_entries_and_json() {
        let genesis = full();
        let entries = genesis.entries().unwrap();
        // The height index is written beside each consensus state (two orders each).
        let index = entries.iter().filter(|(k, _)| k.starts_with(b"veritas/consensusHeights")).count();
        assert_eq!(index, 4);
        let back = GenesisState::from_entries(Params::default(), entries.clone()).unwrap();
        assert_eq!(back, genesis);
        let json = serde_json::to_value(&back).unwrap();
        assert_eq!(json["clients"][0]["client_state"]["chainId"], "other-1", "protobuf JSON, readable");
        let (params, again) = GenesisState::validated(&json).unwrap();
        assert_eq!((params, again), (Params::default(), entries));
    }

    #[test]
    fn an_empty_section_is_the_default_and_unknown_or_orphan_entries_are_refused() {
        let default = serde_json::to_value(GenesisState::default()).unwrap();
        assert_eq!(default, serde_json::json!({ "params": serde_json::to_value(Params::default()).unwrap() }));
        let unknown = vec![(b"nosuch/key".to_vec(), vec![1])];
        assert!(GenesisState::from_entries(Params::default(), unknown).unwrap_err().log().contains("nosuch/key"));
        let orphan = vec![(b"clients/07-tendermint-9/connections".to_vec(), ClientPaths::default().encode_to_vec())];
        assert!(GenesisState::from_entries(Params::default(), orphan).unwrap_err().log().contains("unknown client"));
        let mut bad = serde_json::to_value(full()).unwrap();
        bad["clients"][0]["consensus_states"][0]["height"] = "5".into();
        assert!(GenesisState::validated(&bad).unwrap_err().log().contains("revision-height"));
    }
}
