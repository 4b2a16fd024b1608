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
use std::str::FromStr;

use ibc::core::client::types::Height;
use ibc::core::host::types::identifiers::{ChannelId, ClientId, ConnectionId, PortId, Sequence};
use ibc::core::host::types::path::{
    AckPath, ChannelEndPath, ClientConnectionPath, ClientConsensusStatePath, ClientStatePath, ClientUpdateHeightPath,
    ClientUpdateTimePath, CommitmentPath, ConnectionPath, NextChannelSequencePath, NextClientSequencePath,
    NextConnectionSequencePath, Path, ReceiptPath, SeqAckPath, SeqRecvPath, SeqSendPath,
};

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
use crate::host::{height_index_keys, is_height_index_key};
use crate::keeper::{
    denom_trace_key, host_consensus_key, Params, DENOM_TRACE_PREFIX, HOST_CONSENSUS_PREFIX, PARAMS_KEY,
};

const TM_CLIENT_STATE: &str = "/ibc.lightclients.tendermint.v1.ClientState";
const TM_CONSENSUS_STATE: &str = "/ibc.lightclients.tendermint.v1.ConsensusState";

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

/// Which of a channel's three sequences a key holds.
#[derive(Clone, Copy)]
enum SequenceKind {
    Send,
    Recv,
    Ack,
}

impl SequenceKind {
    fn of(self, channel: &mut ChannelGenesis) -> &mut Option<u64> {
        match self {
            Self::Send => &mut channel.next_sequence_send,
            Self::Recv => &mut channel.next_sequence_recv,
            Self::Ack => &mut channel.next_sequence_ack,
        }
    }
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

fn decode<M: Message + Default>(raw: &[u8], key: &str) -> Result<M, Error> {
    M::decode(raw).map_err(|e| invalid(format!("{key}: {e}")))
}

fn be_u64(raw: &[u8], key: &str) -> Result<u64, Error> {
    Ok(u64::from_be_bytes(raw.try_into().map_err(|_| invalid(format!("{key}: not an 8-byte number")))?))
}

fn parse<T: FromStr>(text: &str, what: &str) -> Result<T, Error>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| invalid(format!("{what} {text:?}: {e}")))
}

/// `rev-height` as an ibc height (height 0 is refused).
fn parse_height(text: &str) -> Result<Height, Error> {
    let (rev, h) = text
        .split_once('-')
        .and_then(|(r, h)| Some((r.parse().ok()?, h.parse().ok()?)))
        .ok_or_else(|| invalid(format!("height {text:?} is not revision-height")))?;
    Height::new(rev, h).map_err(|e| invalid(format!("height {text:?}: {e}")))
}

fn port_channel(port: &str, channel: &str) -> Result<(PortId, ChannelId), Error> {
    Ok((parse(port, "port id")?, parse(channel, "channel id")?))
}

fn packet(entry: &PacketId) -> Result<(PortId, ChannelId, Sequence), Error> {
    let (port, channel) = port_channel(&entry.port_id, &entry.channel_id)?;
    Ok((port, channel, Sequence::from(entry.sequence)))
}

fn packet_data(port_id: &PortId, channel_id: &ChannelId, sequence: &Sequence, value: &[u8]) -> PacketData {
    PacketData {
        port_id: port_id.to_string(),
        channel_id: channel_id.to_string(),
        sequence: u64::from(*sequence),
        data: hex::encode(value),
    }
}

impl GenesisState {
    /// Reads the substore's entries back into sections. ICS-24 keys are parsed by
    /// ibc-rs (the host writes them with the same path types); an entry no section
    /// describes is an error (export must never drop state).
    pub(crate) fn from_entries(params: Params, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Self, Error> {
        let mut state = GenesisState { params, ..Default::default() };
        let mut clients: BTreeMap<String, ClientGenesis> = BTreeMap::new();
        // Consensus states by (client, height); their processed time/height come after.
        let mut consensus: BTreeMap<(String, Height), ClientConsensusState> = BTreeMap::new();
        let mut processed: Vec<(String, Height, Option<u64>, Option<String>)> = Vec::new();
        let mut connection_ids: Vec<(String, Vec<String>)> = Vec::new();
        let mut channels: BTreeMap<(String, String), ChannelGenesis> = BTreeMap::new();
        let mut sequences: Vec<(SequenceKind, (String, String), u64)> = Vec::new();
        for (key, value) in entries {
            if let Some(height) = key.strip_prefix(HOST_CONSENSUS_PREFIX) {
                let height = be_u64(height, "host consensus state height")?;
                let consensus_state = unpack(&value, TM_CONSENSUS_STATE, "host consensus state")?;
                state.host_consensus_states.push(HostConsensusState { height, consensus_state });
                continue;
            }
            if is_height_index_key(&key) || key == PARAMS_KEY {
                continue; // the index is rebuilt at init; params have their own section
            }
            let text = String::from_utf8(key)
                .map_err(|e| invalid(format!("unknown ibc key {}", hex::encode(e.as_bytes()))))?;
            if let Some(hash) = text.strip_prefix(std::str::from_utf8(DENOM_TRACE_PREFIX).expect("ASCII")) {
                let trace = String::from_utf8(value).map_err(|_| invalid(format!("{text}: not UTF-8")))?;
                state.denom_traces.push(DenomTrace { hash: hash.to_owned(), trace });
                continue;
            }
            let path = Path::from_str(&text).map_err(|_| invalid(format!("unknown ibc key {text}")))?;
            match path {
                Path::NextClientSequence(_) => state.counters.next_client_sequence = be_u64(&value, &text)?,
                Path::NextConnectionSequence(_) => state.counters.next_connection_sequence = be_u64(&value, &text)?,
                Path::NextChannelSequence(_) => state.counters.next_channel_sequence = be_u64(&value, &text)?,
                Path::ClientState(ClientStatePath(id)) => {
                    let client_state = unpack(&value, TM_CLIENT_STATE, &text)?;
                    let id = id.to_string();
                    clients.insert(
                        id.clone(),
                        ClientGenesis {
                            client_id: id,
                            client_state,
                            consensus_states: Vec::new(),
                            connection_ids: Vec::new(),
                        },
                    );
                }
                Path::ClientConsensusState(p) => {
                    let height =
                        Height::new(p.revision_number, p.revision_height).map_err(|e| invalid(e.to_string()))?;
                    let entry = ClientConsensusState {
                        height: height.to_string(),
                        consensus_state: unpack(&value, TM_CONSENSUS_STATE, &text)?,
                        processed_time: None,
                        processed_height: None,
                    };
                    consensus.insert((p.client_id.to_string(), height), entry);
                }
                Path::ClientUpdateTime(p) => {
                    let height =
                        Height::new(p.revision_number, p.revision_height).map_err(|e| invalid(e.to_string()))?;
                    processed.push((p.client_id.to_string(), height, Some(be_u64(&value, &text)?), None));
                }
                Path::ClientUpdateHeight(p) => {
                    let height =
                        Height::new(p.revision_number, p.revision_height).map_err(|e| invalid(e.to_string()))?;
                    let at = String::from_utf8(value).map_err(|_| invalid(format!("{text}: not UTF-8")))?;
                    processed.push((p.client_id.to_string(), height, None, Some(at)));
                }
                Path::ClientConnection(ClientConnectionPath(id)) => {
                    connection_ids.push((id.to_string(), decode::<ClientPaths>(&value, &text)?.paths));
                }
                Path::Connection(ConnectionPath(id)) => {
                    let connection = decode(&value, &text)?;
                    state.connections.push(ConnectionGenesis { connection_id: id.to_string(), connection });
                }
                Path::ChannelEnd(ChannelEndPath(port, channel)) => {
                    let (port_id, channel_id) = (port.to_string(), channel.to_string());
                    let genesis = ChannelGenesis {
                        port_id: port_id.clone(),
                        channel_id: channel_id.clone(),
                        channel: decode(&value, &text)?,
                        next_sequence_send: None,
                        next_sequence_recv: None,
                        next_sequence_ack: None,
                    };
                    channels.insert((port_id, channel_id), genesis);
                }
                Path::SeqSend(SeqSendPath(port, channel)) => sequences.push((
                    SequenceKind::Send,
                    (port.to_string(), channel.to_string()),
                    be_u64(&value, &text)?,
                )),
                Path::SeqRecv(SeqRecvPath(port, channel)) => sequences.push((
                    SequenceKind::Recv,
                    (port.to_string(), channel.to_string()),
                    be_u64(&value, &text)?,
                )),
                Path::SeqAck(SeqAckPath(port, channel)) => {
                    sequences.push((SequenceKind::Ack, (port.to_string(), channel.to_string()), be_u64(&value, &text)?))
                }
                Path::Commitment(p) => {
                    state.commitments.push(packet_data(&p.port_id, &p.channel_id, &p.sequence, &value))
                }
                Path::Ack(p) => {
                    state.acknowledgements.push(packet_data(&p.port_id, &p.channel_id, &p.sequence, &value))
                }
                Path::Receipt(p) => {
                    if value != [1] {
                        return Err(invalid(format!("{text}: a receipt is the byte 1")));
                    }
                    state.receipts.push(PacketId {
                        port_id: p.port_id.to_string(),
                        channel_id: p.channel_id.to_string(),
                        sequence: u64::from(p.sequence),
                    });
                }
                _ => return Err(invalid(format!("unknown ibc key {text}"))),
            }
        }
        for (id, height, time, at) in processed {
            let entry = consensus.get_mut(&(id.clone(), height)).ok_or_else(|| {
                invalid(format!("processed time/height of {id} at {height} without its consensus state"))
            })?;
            entry.processed_time = time.or(entry.processed_time);
            entry.processed_height = at.or(entry.processed_height.take());
        }
        // BTreeMap order is height order, so each client's states come out sorted.
        for ((id, _), entry) in consensus {
            let client =
                clients.get_mut(&id).ok_or_else(|| invalid(format!("consensus state of unknown client {id}")))?;
            client.consensus_states.push(entry);
        }
        for (id, ids) in connection_ids {
            let client = clients.get_mut(&id).ok_or_else(|| invalid(format!("connections of unknown client {id}")))?;
            client.connection_ids = ids;
        }
        for (kind, ids, sequence) in sequences {
            let channel = channels
                .get_mut(&ids)
                .ok_or_else(|| invalid(format!("sequence of unknown channel {}/{}", ids.0, ids.1)))?;
            *kind.of(channel) = Some(sequence);
        }
        state.clients = clients.into_values().collect();
        state.channels = channels.into_values().collect();
        Ok(state)
    }

    /// The substore entries this genesis stands for (params excluded), sorted, written
    /// with the host's own path types and its consensus-height index.
    pub(crate) fn entries(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut put = |key: String, value: Vec<u8>| out.push((key.into_bytes(), value));
        let c = &self.counters;
        for (key, n) in [
            (NextClientSequencePath.to_string(), c.next_client_sequence),
            (NextConnectionSequencePath.to_string(), c.next_connection_sequence),
            (NextChannelSequencePath.to_string(), c.next_channel_sequence),
        ] {
            if n > 0 {
                put(key, n.to_be_bytes().to_vec());
            }
        }
        let mut index = Vec::new();
        for client in &self.clients {
            let id: ClientId = parse(&client.client_id, "client id")?;
            put(
                ClientStatePath::new(id.clone()).to_string(),
                any(TM_CLIENT_STATE, client.client_state.encode_to_vec()),
            );
            for state in &client.consensus_states {
                let height = parse_height(&state.height)?;
                let (rev, h) = (height.revision_number(), height.revision_height());
                let path = ClientConsensusStatePath::new(id.clone(), rev, h);
                put(path.to_string(), any(TM_CONSENSUS_STATE, state.consensus_state.encode_to_vec()));
                if let Some(time) = state.processed_time {
                    put(ClientUpdateTimePath::new(id.clone(), rev, h).to_string(), time.to_be_bytes().to_vec());
                }
                if let Some(at) = &state.processed_height {
                    parse_height(at)?;
                    put(ClientUpdateHeightPath::new(id.clone(), rev, h).to_string(), at.clone().into_bytes());
                }
                index.extend(height_index_keys(&id, &height));
            }
            if !client.connection_ids.is_empty() {
                let paths = ClientPaths { paths: client.connection_ids.clone() };
                put(ClientConnectionPath::new(id).to_string(), paths.encode_to_vec());
            }
        }
        for connection in &self.connections {
            let id: ConnectionId = parse(&connection.connection_id, "connection id")?;
            put(ConnectionPath::new(&id).to_string(), connection.connection.encode_to_vec());
        }
        for channel in &self.channels {
            let (port, id) = port_channel(&channel.port_id, &channel.channel_id)?;
            put(ChannelEndPath::new(&port, &id).to_string(), channel.channel.encode_to_vec());
            for (key, sequence) in [
                (SeqSendPath::new(&port, &id).to_string(), channel.next_sequence_send),
                (SeqRecvPath::new(&port, &id).to_string(), channel.next_sequence_recv),
                (SeqAckPath::new(&port, &id).to_string(), channel.next_sequence_ack),
            ] {
                if let Some(sequence) = sequence {
                    put(key, sequence.to_be_bytes().to_vec());
                }
            }
        }
        let data = |entry: &PacketData| -> Result<_, Error> {
            let id = PacketId {
                port_id: entry.port_id.clone(),
                channel_id: entry.channel_id.clone(),
                sequence: entry.sequence,
            };
            let value = hex::decode(&entry.data).map_err(|e| invalid(format!("packet data: {e}")))?;
            Ok((packet(&id)?, value))
        };
        for entry in &self.commitments {
            let ((port, channel, sequence), value) = data(entry)?;
            put(CommitmentPath::new(&port, &channel, sequence).to_string(), value);
        }
        for entry in &self.acknowledgements {
            let ((port, channel, sequence), value) = data(entry)?;
            put(AckPath::new(&port, &channel, sequence).to_string(), value);
        }
        for receipt in &self.receipts {
            let (port, channel, sequence) = packet(receipt)?;
            put(ReceiptPath::new(&port, &channel, sequence).to_string(), vec![1]);
        }
        for entry in index {
            out.push((entry, vec![1]));
        }
        for trace in &self.denom_traces {
            out.push((denom_trace_key(&trace.hash), trace.trace.clone().into_bytes()));
        }
        for host in &self.host_consensus_states {
            out.push((host_consensus_key(host.height), any(TM_CONSENSUS_STATE, host.consensus_state.encode_to_vec())));
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
