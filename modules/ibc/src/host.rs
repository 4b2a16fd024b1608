//! ibc-rs' host contexts over the `ibc` substore, for one message at a time.
//!
//! ibc-rs drives the host through `&self` reads and `&mut self` writes and hands the
//! ICS-20 module a second `&mut` at the same time, so both share the message's
//! [`Context`] through an `Rc<RefCell<..>>`; every access is short and never nested.
//! Reads and writes are gas-metered like any module's; the first store error (out of
//! gas, say) is kept so the transaction fails with that error, not ibc-rs' rewording.

use std::cell::RefCell;
use std::rc::Rc;
use std::str::FromStr;
use std::time::Duration;

use ibc::clients::tendermint::client_state::ClientState as TmClientState;
use ibc::clients::tendermint::consensus_state::ConsensusState as TmConsensusState;
use ibc::core::channel::types::channel::ChannelEnd;
use ibc::core::channel::types::commitment::{AcknowledgementCommitment, PacketCommitment};
use ibc::core::channel::types::packet::Receipt;
use ibc::core::client::context::{ClientExecutionContext, ClientValidationContext, ExtClientValidationContext};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::CommitmentPrefix;
use ibc::core::commitment_types::specs::ProofSpecs;
use ibc::core::connection::types::ConnectionEnd;
use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChainId, ClientId, ConnectionId, Sequence};
use ibc::core::host::types::path::{
    AckPath, ChannelEndPath, ClientConnectionPath, ClientConsensusStatePath, ClientStatePath, ClientUpdateHeightPath,
    ClientUpdateTimePath, CommitmentPath, ConnectionPath, NextChannelSequencePath, NextClientSequencePath,
    NextConnectionSequencePath, ReceiptPath, SeqAckPath, SeqRecvPath, SeqSendPath,
};
use ibc::core::host::{ExecutionContext, ValidationContext};
use ibc::core::primitives::{Signer, Timestamp};
use ibc::cosmos_host::ValidateSelfClientContext;
use ibc::primitives::proto::{Any, Protobuf};
use prost::Message;
use veritas_framework::{Address, Context, Error};

use crate::keeper::{client_paths, IbcKeeper, Params};

/// The message's context, shared by the host and the ICS-20 module, with the first
/// store error either of them met (it explains a failure better than ibc-rs' rewording).
pub(crate) struct MessageState<'c, 'a> {
    ctx: RefCell<&'c mut Context<'a>>,
    first_store_error: RefCell<Option<Error>>,
}

pub(crate) type SharedContext<'c, 'a> = Rc<MessageState<'c, 'a>>;

impl<'c, 'a> MessageState<'c, 'a> {
    pub(crate) fn shared(ctx: &'c mut Context<'a>) -> SharedContext<'c, 'a> {
        Rc::new(Self { ctx: RefCell::new(ctx), first_store_error: RefCell::new(None) })
    }

    /// The context, for one short access (never held across another).
    pub(crate) fn context(&self) -> std::cell::RefMut<'_, &'c mut Context<'a>> {
        self.ctx.borrow_mut()
    }

    /// Remembers `error` if it is the first; returns its log for ibc-rs.
    pub(crate) fn keep(&self, error: Error) -> String {
        let log = error.log().to_owned();
        self.first_store_error.borrow_mut().get_or_insert(error);
        log
    }

    pub(crate) fn take_store_error(&self) -> Option<Error> {
        self.first_store_error.borrow_mut().take()
    }
}

/// The default unbonding period (ibc param `unbonding_period_secs`): light clients of
/// Veritas must use the chain's as their unbonding period (and a shorter trusting period).
pub const UNBONDING_PERIOD: Duration = Duration::from_secs(21 * 24 * 3600);

/// The upgrade path a client of Veritas may carry (the Cosmos SDK's, which relayers put
/// in every client state they create): an empty one is accepted too.
pub const UPGRADE_PATH: [&str; 2] = ["upgrade", "upgradedIBCState"];

/// The ICS-23 specs a light client of Veritas verifies proofs with: the key in the
/// `ibc` substore, then the substore root in the root tree (both JMT).
pub fn proof_specs() -> ProofSpecs {
    ProofSpecs::try_from(veritas_framework::store::proof_specs()).expect("two JMT specs are valid")
}

/// This chain's ibc-rs host for one message.
pub(crate) struct IbcHost<'c, 'a> {
    ctx: SharedContext<'c, 'a>,
    chain_id: ChainId,
    height: u64,
    time: Timestamp,
    params: Params,
    proof_specs: ProofSpecs,
    pub(crate) events: Vec<IbcEvent>,
    upgrade_path: Vec<String>,
}

/// How many of a client's oldest consensus states one update may prune.
const PRUNE_BATCH: usize = 16;

/// The two orders of the consensus-height index (ibc-go keeps a similar
/// `iterateConsensusStates` index): ascending finds the next height with one forward
/// seek, descending (heights stored inverted) the previous one.
#[derive(Clone, Copy)]
enum Order {
    Ascending,
    Descending,
}

const HEIGHTS_ASC: &str = "veritas/consensusHeightsAsc/";
const HEIGHTS_DESC: &str = "veritas/consensusHeightsDesc/";

fn height_index_prefix(client_id: &ClientId, order: Order) -> Vec<u8> {
    match order {
        Order::Ascending => consensus_height_index_prefix(client_id.as_str()),
        Order::Descending => format!("{HEIGHTS_DESC}{client_id}/").into_bytes(),
    }
}

/// Both entries (ascending and descending) that index a consensus state at `height`.
pub(crate) fn height_index_keys(client_id: &ClientId, height: &Height) -> [Vec<u8>; 2] {
    [Order::Ascending, Order::Descending].map(|order| height_index_key(client_id, height, order))
}

/// Whether `key` is a consensus-height index entry (data derived from the states).
pub(crate) fn is_height_index_key(key: &[u8]) -> bool {
    key.starts_with(HEIGHTS_ASC.as_bytes()) || key.starts_with(HEIGHTS_DESC.as_bytes())
}

/// `prefix ‖ revision ‖ height`, big-endian (inverted for `Descending`), so key order is
/// height order.
fn height_index_key(client_id: &ClientId, height: &Height, order: Order) -> Vec<u8> {
    let (rev, h) = (height.revision_number(), height.revision_height());
    let (rev, h) = match order {
        Order::Ascending => (rev, h),
        Order::Descending => (!rev, !h),
    };
    let mut key = height_index_prefix(client_id, order);
    key.extend(rev.to_be_bytes());
    key.extend(h.to_be_bytes());
    key
}

/// The ascending consensus-height index of `client_id` (for the ConsensusStates and
/// ConsensusStateHeights queries, which page through it).
pub(crate) fn consensus_height_index_prefix(client_id: &str) -> Vec<u8> {
    format!("{HEIGHTS_ASC}{client_id}/").into_bytes()
}

/// `(revision, height)` of an ascending index entry's suffix.
pub(crate) fn decode_consensus_height(suffix: &[u8]) -> Option<(u64, u64)> {
    let suffix: &[u8; 16] = suffix.try_into().ok()?;
    Some((u64::from_be_bytes(suffix[..8].try_into().ok()?), u64::from_be_bytes(suffix[8..].try_into().ok()?)))
}

fn decode_index_height(suffix: &[u8], order: Order) -> Result<Height, HostError> {
    if suffix.len() != 16 {
        return Err(HostError::invalid_state("corrupt consensus height index entry"));
    }
    let rev = be_u64(&suffix[..8], "height index")?;
    let h = be_u64(&suffix[8..], "height index")?;
    let (rev, h) = match order {
        Order::Ascending => (rev, h),
        Order::Descending => (!rev, !h),
    };
    Height::new(rev, h).map_err(HostError::invalid_state)
}

fn path_height(path: &ClientConsensusStatePath) -> Result<Height, HostError> {
    Height::new(path.revision_number, path.revision_height).map_err(HostError::invalid_state)
}

fn be_u64(raw: &[u8], what: &str) -> Result<u64, HostError> {
    Ok(u64::from_be_bytes(raw.try_into().map_err(|_| HostError::invalid_state(format!("corrupt {what}")))?))
}

impl<'c, 'a> IbcHost<'c, 'a> {
    pub(crate) fn new(ctx: SharedContext<'c, 'a>) -> Result<Self, Error> {
        let (chain_id, height, time, params) = {
            let mut guard = ctx.context();
            let block = guard.block().clone();
            let params = IbcKeeper::params(&mut IbcKeeper::store(&mut guard))?;
            (block.chain_id, block.height, block.time, params)
        };
        let chain_id =
            ChainId::new(&chain_id).map_err(|e| crate::errors::invalid_message(format!("chain id {chain_id}: {e}")))?;
        Ok(Self {
            ctx,
            chain_id,
            height,
            time: crate::timestamp(time),
            params,
            proof_specs: proof_specs(),
            events: Vec::new(),
            upgrade_path: UPGRADE_PATH.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn keep(&self, error: Error) -> HostError {
        HostError::failed_to_retrieve(self.ctx.keep(error))
    }

    fn get(&self, key: impl std::fmt::Display) -> Result<Option<Vec<u8>>, HostError> {
        let key = key.to_string();
        IbcKeeper::store(&mut self.ctx.context()).get(key.as_bytes()).map_err(|e| self.keep(e))
    }

    fn require(&self, key: impl std::fmt::Display) -> Result<Vec<u8>, HostError> {
        let key = key.to_string();
        self.get(&key)?.ok_or_else(|| HostError::missing_state(key))
    }

    fn has(&self, key: impl std::fmt::Display) -> Result<bool, HostError> {
        let key = key.to_string();
        IbcKeeper::store(&mut self.ctx.context()).has(key.as_bytes()).map_err(|e| self.keep(e))
    }

    fn set(&self, key: impl std::fmt::Display, value: Vec<u8>) -> Result<(), HostError> {
        let key = key.to_string();
        IbcKeeper::store(&mut self.ctx.context()).set(key.into_bytes(), value).map_err(|e| self.keep(e))
    }

    fn set_raw(&self, key: Vec<u8>, value: Vec<u8>) -> Result<(), HostError> {
        IbcKeeper::store(&mut self.ctx.context()).set(key, value).map_err(|e| self.keep(e))
    }

    fn delete_raw(&self, key: Vec<u8>) -> Result<(), HostError> {
        IbcKeeper::store(&mut self.ctx.context()).delete(key).map_err(|e| self.keep(e))
    }

    fn delete(&self, key: impl std::fmt::Display) -> Result<(), HostError> {
        let key = key.to_string();
        IbcKeeper::store(&mut self.ctx.context()).delete(key.into_bytes()).map_err(|e| self.keep(e))
    }

    fn counter(&self, key: impl std::fmt::Display) -> Result<u64, HostError> {
        self.get(key)?.map_or(Ok(0), |raw| be_u64(&raw, "counter"))
    }

    fn increase(&self, key: impl std::fmt::Display) -> Result<(), HostError> {
        let key = key.to_string();
        let next = self.counter(&key)?.checked_add(1).ok_or_else(|| HostError::invalid_state("counter overflow"))?;
        self.set(&key, next.to_be_bytes().to_vec())
    }

    fn sequence(&self, key: impl std::fmt::Display) -> Result<Sequence, HostError> {
        Ok(Sequence::from(be_u64(&self.require(key)?, "sequence")?))
    }

    /// The oldest (at most [`PRUNE_BATCH`]) heights of `client_id`'s consensus states,
    /// in numeric order, from the height index: one bounded seek, whatever the number of
    /// states stored.
    fn oldest_consensus_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        let prefix = height_index_prefix(client_id, Order::Ascending);
        let page =
            IbcKeeper::store(&mut self.ctx.context()).scan(&prefix, None, PRUNE_BATCH).map_err(|e| self.keep(e))?;
        page.iter().map(|(key, _)| decode_index_height(&key[prefix.len()..], Order::Ascending)).collect()
    }

    /// The nearest consensus-state height strictly after (`Ascending`) or before
    /// (`Descending`) `height`: one seek in the matching height index.
    fn neighbour_height(
        &self,
        client_id: &ClientId,
        height: &Height,
        order: Order,
    ) -> Result<Option<Height>, HostError> {
        let prefix = height_index_prefix(client_id, order);
        // The smallest key after `height`'s own: the next height in the index's order.
        let start = [height_index_key(client_id, height, order).as_slice(), &[0]].concat();
        let page =
            IbcKeeper::store(&mut self.ctx.context()).scan(&prefix, Some(&start), 1).map_err(|e| self.keep(e))?;
        page.first().map(|(key, _)| decode_index_height(&key[prefix.len()..], order)).transpose()
    }

    fn consensus_at(&self, client_id: &ClientId, height: Height) -> Result<TmConsensusState, HostError> {
        self.consensus_state(&ClientConsensusStatePath::new(
            client_id.clone(),
            height.revision_number(),
            height.revision_height(),
        ))
    }
}

impl ClientValidationContext for IbcHost<'_, '_> {
    type ClientStateRef = TmClientState;
    type ConsensusStateRef = TmConsensusState;

    fn client_state(&self, client_id: &ClientId) -> Result<TmClientState, HostError> {
        let raw = self.require(ClientStatePath::new(client_id.clone()))?;
        <TmClientState as Protobuf<Any>>::decode_vec(&raw).map_err(HostError::invalid_state)
    }

    fn consensus_state(&self, path: &ClientConsensusStatePath) -> Result<TmConsensusState, HostError> {
        let raw = self.require(path)?;
        <TmConsensusState as Protobuf<Any>>::decode_vec(&raw).map_err(HostError::invalid_state)
    }

    fn client_update_meta(&self, client_id: &ClientId, height: &Height) -> Result<(Timestamp, Height), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        let time = be_u64(&self.require(ClientUpdateTimePath::new(client_id.clone(), rev, h))?, "update time")?;
        let raw = self.require(ClientUpdateHeightPath::new(client_id.clone(), rev, h))?;
        let host_height = Height::from_str(&String::from_utf8_lossy(&raw)).map_err(HostError::invalid_state)?;
        Ok((Timestamp::from_nanoseconds(time), host_height))
    }
}

impl ClientExecutionContext for IbcHost<'_, '_> {
    type ClientStateMut = TmClientState;

    fn store_client_state(&mut self, path: ClientStatePath, state: TmClientState) -> Result<(), HostError> {
        self.set(path, Protobuf::<Any>::encode_vec(state))
    }

    fn store_consensus_state(
        &mut self,
        path: ClientConsensusStatePath,
        state: TmConsensusState,
    ) -> Result<(), HostError> {
        let height = path_height(&path)?;
        for key in height_index_keys(&path.client_id, &height) {
            self.set_raw(key, vec![1])?;
        }
        self.set(path, Protobuf::<Any>::encode_vec(state))
    }

    fn delete_consensus_state(&mut self, path: ClientConsensusStatePath) -> Result<(), HostError> {
        let height = path_height(&path)?;
        for key in height_index_keys(&path.client_id, &height) {
            self.delete_raw(key)?;
        }
        self.delete(path)
    }

    fn store_update_meta(
        &mut self,
        client_id: ClientId,
        height: Height,
        host_timestamp: Timestamp,
        host_height: Height,
    ) -> Result<(), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        // ibc-go's encodings: nanoseconds as big-endian u64, the height as "rev-height".
        self.set(
            ClientUpdateTimePath::new(client_id.clone(), rev, h),
            host_timestamp.nanoseconds().to_be_bytes().to_vec(),
        )?;
        self.set(ClientUpdateHeightPath::new(client_id, rev, h), host_height.to_string().into_bytes())
    }

    fn delete_update_meta(&mut self, client_id: ClientId, height: Height) -> Result<(), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        self.delete(ClientUpdateTimePath::new(client_id.clone(), rev, h))?;
        self.delete(ClientUpdateHeightPath::new(client_id, rev, h))
    }
}

impl ExtClientValidationContext for IbcHost<'_, '_> {
    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        ValidationContext::host_timestamp(self)
    }

    fn host_height(&self) -> Result<Height, HostError> {
        ValidationContext::host_height(self)
    }

    /// ibc-rs asks for these only to prune expired states, oldest first, stopping at the
    /// first live one: the oldest few suffice, and bound the pruning work of one update
    /// (expired states beyond them go with later updates, as ibc-go prunes one per update).
    fn consensus_state_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        self.oldest_consensus_heights(client_id)
    }

    fn next_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<TmConsensusState>, HostError> {
        match self.neighbour_height(client_id, height, Order::Ascending)? {
            Some(h) => self.consensus_at(client_id, h).map(Some),
            None => Ok(None),
        }
    }

    fn prev_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<TmConsensusState>, HostError> {
        match self.neighbour_height(client_id, height, Order::Descending)? {
            Some(h) => self.consensus_at(client_id, h).map(Some),
            None => Ok(None),
        }
    }
}

impl ValidateSelfClientContext for IbcHost<'_, '_> {
    fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }

    fn host_current_height(&self) -> Height {
        Height::new(self.chain_id.revision_number(), self.height.max(1)).expect("height is positive")
    }

    fn proof_specs(&self) -> &ProofSpecs {
        &self.proof_specs
    }

    fn unbonding_period(&self) -> Duration {
        Duration::from_secs(self.params.unbonding_period_secs)
    }

    fn upgrade_path(&self) -> &[String] {
        &self.upgrade_path
    }
}

impl ValidationContext for IbcHost<'_, '_> {
    type V = Self;
    type HostClientState = TmClientState;
    type HostConsensusState = TmConsensusState;

    fn get_client_validation_context(&self) -> &Self {
        self
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Height::new(self.chain_id.revision_number(), self.height).map_err(HostError::invalid_state)
    }

    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.time)
    }

    fn host_consensus_state(&self, height: &Height) -> Result<TmConsensusState, HostError> {
        if height.revision_number() != self.chain_id.revision_number() {
            return Err(HostError::invalid_state(format!("height {height} is not of this chain's revision")));
        }
        let raw = IbcKeeper::store(&mut self.ctx.context())
            .get(&crate::keeper::host_consensus_key(height.revision_height()))
            .map_err(|e| self.keep(e))?
            .ok_or_else(|| HostError::missing_state(format!("this chain's consensus state at height {height}")))?;
        <TmConsensusState as Protobuf<Any>>::decode_vec(&raw).map_err(HostError::invalid_state)
    }

    fn client_counter(&self) -> Result<u64, HostError> {
        self.counter(NextClientSequencePath)
    }

    fn connection_end(&self, connection_id: &ConnectionId) -> Result<ConnectionEnd, HostError> {
        let raw = self.require(ConnectionPath::new(connection_id))?;
        ConnectionEnd::decode_vec(&raw).map_err(HostError::invalid_state)
    }

    fn validate_self_client(&self, client_state: TmClientState) -> Result<(), HostError> {
        self.validate_self_tendermint_client(client_state.inner().clone())
    }

    fn commitment_prefix(&self) -> CommitmentPrefix {
        CommitmentPrefix::from_bytes(IbcKeeper::commitment_prefix().as_bytes())
    }

    fn connection_counter(&self) -> Result<u64, HostError> {
        self.counter(NextConnectionSequencePath)
    }

    fn channel_end(&self, path: &ChannelEndPath) -> Result<ChannelEnd, HostError> {
        let raw = self.require(path)?;
        ChannelEnd::decode_vec(&raw).map_err(HostError::invalid_state)
    }

    fn get_next_sequence_send(&self, path: &SeqSendPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_next_sequence_recv(&self, path: &SeqRecvPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_next_sequence_ack(&self, path: &SeqAckPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_packet_commitment(&self, path: &CommitmentPath) -> Result<PacketCommitment, HostError> {
        Ok(PacketCommitment::from(self.require(path)?))
    }

    fn get_packet_receipt(&self, path: &ReceiptPath) -> Result<Receipt, HostError> {
        Ok(if self.has(path)? { Receipt::Ok } else { Receipt::None })
    }

    fn get_packet_acknowledgement(&self, path: &AckPath) -> Result<AcknowledgementCommitment, HostError> {
        Ok(AcknowledgementCommitment::from(self.require(path)?))
    }

    fn channel_counter(&self) -> Result<u64, HostError> {
        self.counter(NextChannelSequencePath)
    }

    fn max_expected_time_per_block(&self) -> Duration {
        Duration::from_secs(self.params.max_expected_time_per_block_secs)
    }

    fn validate_message_signer(&self, signer: &Signer) -> Result<(), HostError> {
        Address::from_bech32(signer.as_ref()).map(|_| ()).map_err(|e| HostError::invalid_state(e.log()))
    }
}

impl ExecutionContext for IbcHost<'_, '_> {
    type E = Self;

    fn get_client_execution_context(&mut self) -> &mut Self {
        self
    }

    fn increase_client_counter(&mut self) -> Result<(), HostError> {
        self.increase(NextClientSequencePath)
    }

    fn store_connection(&mut self, path: &ConnectionPath, connection: ConnectionEnd) -> Result<(), HostError> {
        self.set(path, connection.encode_vec())
    }

    fn store_connection_to_client(&mut self, path: &ClientConnectionPath, id: ConnectionId) -> Result<(), HostError> {
        let mut paths = client_paths(self.get(path)?).map_err(|e| self.keep(e))?;
        paths.paths.push(id.to_string());
        self.set(path, paths.encode_to_vec())
    }

    fn increase_connection_counter(&mut self) -> Result<(), HostError> {
        self.increase(NextConnectionSequencePath)
    }

    fn store_packet_commitment(
        &mut self,
        path: &CommitmentPath,
        commitment: PacketCommitment,
    ) -> Result<(), HostError> {
        self.set(path, commitment.into_vec())
    }

    fn delete_packet_commitment(&mut self, path: &CommitmentPath) -> Result<(), HostError> {
        self.delete(path)
    }

    fn store_packet_receipt(&mut self, path: &ReceiptPath, _receipt: Receipt) -> Result<(), HostError> {
        // ibc-go's receipt value: a single byte 1.
        self.set(path, vec![1])
    }

    fn store_packet_acknowledgement(
        &mut self,
        path: &AckPath,
        ack: AcknowledgementCommitment,
    ) -> Result<(), HostError> {
        self.set(path, ack.into_vec())
    }

    fn delete_packet_acknowledgement(&mut self, path: &AckPath) -> Result<(), HostError> {
        self.delete(path)
    }

    fn store_channel(&mut self, path: &ChannelEndPath, channel: ChannelEnd) -> Result<(), HostError> {
        self.set(path, channel.encode_vec())
    }

    fn store_next_sequence_send(&mut self, path: &SeqSendPath, seq: Sequence) -> Result<(), HostError> {
        self.set(path, seq.to_vec())
    }

    fn store_next_sequence_recv(&mut self, path: &SeqRecvPath, seq: Sequence) -> Result<(), HostError> {
        self.set(path, seq.to_vec())
    }

    fn store_next_sequence_ack(&mut self, path: &SeqAckPath, seq: Sequence) -> Result<(), HostError> {
        self.set(path, seq.to_vec())
    }

    fn increase_channel_counter(&mut self) -> Result<(), HostError> {
        self.increase(NextChannelSequencePath)
    }

    fn emit_ibc_event(&mut self, event: IbcEvent) -> Result<(), HostError> {
        self.events.push(event);
        Ok(())
    }

    fn log_message(&mut self, message: String) -> Result<(), HostError> {
        tracing::debug!(target: "ibc", "{message}");
        Ok(())
    }
}
