//! The only door to the `ibc` substore.
//!
//! ICS-24 paths are stored under exactly their ibc-go key (`clients/{id}/clientState`,
//! `connections/{id}`, `commitments/ports/{p}/channels/{c}/sequences/{n}`, ...), so a
//! counterparty's light client proves them with prefix `ibc`. Veritas' own records live
//! under keys no ICS-24 path uses: `veritas/params`, `veritas/hostConsensusStates/{height}`
//! (BE u64) and `veritas/denomTraces/{hash}`.

use prost::Message;
use serde::{Deserialize, Serialize};
use veritas_framework::{sdk, Context, Error, KvStore, QueryContext, ReadOnlyKvStore, StoreKey, StoreRead};

use crate::errors;

/// Private: every read and write of the `ibc` substore goes through [`IbcKeeper`].
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);
pub(crate) const PARAMS_KEY: &[u8] = b"veritas/params";
pub(crate) const HOST_CONSENSUS_PREFIX: &[u8] = b"veritas/hostConsensusStates/";
pub(crate) const DENOM_TRACE_PREFIX: &[u8] = b"veritas/denomTraces/";

/// IBC parameters, part of consensus (every validator prunes the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// How many of this chain's own consensus states are kept for connection
    /// handshakes (like the Cosmos SDK's staking `historical_entries`).
    pub historical_entries: u64,
    /// The longest a block is expected to take, in seconds (delays on connections
    /// are counted in blocks with it).
    pub max_expected_time_per_block_secs: u64,
    /// How long this chain's validators stay accountable, in seconds: light clients of
    /// Veritas must use it as their unbonding period (the handshake checks it), and
    /// staking `Params` reports it as `unbonding_time`. Default 21 days. Left out of the
    /// stored JSON when it is the default, so params written before this field existed
    /// (and the genesis app hash of chains that never set it) stay byte for byte the same.
    #[serde(default = "default_unbonding_period_secs", skip_serializing_if = "is_default_unbonding_period")]
    pub unbonding_period_secs: u64,
}

fn default_unbonding_period_secs() -> u64 {
    crate::UNBONDING_PERIOD.as_secs()
}

fn is_default_unbonding_period(secs: &u64) -> bool {
    *secs == default_unbonding_period_secs()
}

impl Default for Params {
    fn default() -> Self {
        Self {
            historical_entries: 10_000,
            max_expected_time_per_block_secs: 30,
            unbonding_period_secs: default_unbonding_period_secs(),
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), Error> {
        if self.historical_entries == 0 {
            return Err(errors::invalid_genesis("historical_entries must be positive"));
        }
        if self.max_expected_time_per_block_secs == 0 {
            return Err(errors::invalid_genesis("max_expected_time_per_block_secs must be positive"));
        }
        // Two ways to be useless: no trusting period fits under zero, and a period
        // beyond what a protobuf Duration holds cannot be reported.
        if self.unbonding_period_secs == 0 || self.unbonding_period_secs > i64::MAX as u64 / 2 {
            return Err(errors::invalid_genesis("unbonding_period_secs must be positive and finite"));
        }
        Ok(())
    }
}

pub(crate) fn host_consensus_key(height: u64) -> Vec<u8> {
    [HOST_CONSENSUS_PREFIX, &height.to_be_bytes()].concat()
}

pub(crate) fn denom_trace_key(hash: &str) -> Vec<u8> {
    [DENOM_TRACE_PREFIX, hash.as_bytes()].concat()
}

/// Reads and writes of the `ibc` substore that are Veritas' own (ibc-rs' paths go
/// through [`crate::host::IbcHost`]).
#[derive(Clone, Copy, Default)]
pub struct IbcKeeper;

impl IbcKeeper {
    /// The `ibc` substore in a transaction: what the ibc-rs host (ICS-24 paths), the
    /// ICS-20 app and the module's own records read and write.
    pub(crate) fn store<'c>(ctx: &'c mut Context<'_>) -> KvStore<'c> {
        ctx.kv(&STORE_KEY)
    }

    /// The `ibc` substore, read-only, for queries and export.
    pub(crate) fn read<'c>(ctx: &'c QueryContext<'_>) -> ReadOnlyKvStore<'c> {
        ctx.kv(&STORE_KEY)
    }

    /// The commitment prefix counterparties prove this chain's state under: the
    /// substore's name.
    pub(crate) fn commitment_prefix() -> &'static str {
        STORE_KEY.name()
    }

    pub fn params(kv: &mut impl StoreRead) -> Result<Params, Error> {
        match kv.get(PARAMS_KEY)? {
            Some(raw) => serde_json::from_slice(&raw).map_err(|e| sdk::internal(format!("corrupt ibc params: {e}"))),
            None => Ok(Params::default()),
        }
    }

    pub fn set_params(ctx: &mut Context<'_>, params: &Params) -> Result<(), Error> {
        let raw = serde_json::to_vec(params).map_err(|e| sdk::internal(e.to_string()))?;
        Self::store(ctx).set(PARAMS_KEY.to_vec(), raw)
    }

    /// This chain's consensus state at `height` (Any-encoded tendermint ConsensusState).
    pub fn host_consensus_state(kv: &mut impl StoreRead, height: u64) -> Result<Option<Vec<u8>>, Error> {
        kv.get(&host_consensus_key(height))
    }

    /// The full denom trace (`transfer/channel-0/uvrt`) of voucher `ibc/<hash>`.
    pub fn denom_trace(kv: &mut impl StoreRead, hash: &str) -> Result<Option<String>, Error> {
        kv.get(&denom_trace_key(hash))?
            .map(|raw| String::from_utf8(raw).map_err(|_| sdk::internal("corrupt denom trace")))
            .transpose()
    }
}

/// `ibc_proto`'s ClientPaths, re-exported for the host.
pub(crate) fn client_paths(raw: Option<Vec<u8>>) -> Result<ibc_proto::ibc::core::connection::v1::ClientPaths, Error> {
    match raw {
        Some(raw) => ibc_proto::ibc::core::connection::v1::ClientPaths::decode(raw.as_slice())
            .map_err(|e| sdk::internal(format!("corrupt client paths: {e}"))),
        None => Ok(Default::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_without_an_unbonding_period_get_the_default() {
        let old: Params =
            serde_json::from_str(r#"{"historical_entries": 5, "max_expected_time_per_block_secs": 30}"#).unwrap();
        assert_eq!(old.unbonding_period_secs, crate::UNBONDING_PERIOD.as_secs());
        assert!(old.validate().is_ok());
    }

    #[test]
    fn default_params_are_stored_as_before_the_unbonding_period_existed() {
        let stored = serde_json::to_string(&Params::default()).unwrap();
        assert_eq!(stored, r#"{"historical_entries":10000,"max_expected_time_per_block_secs":30}"#);
        let custom = Params { unbonding_period_secs: 86_400, ..Params::default() };
        let round_trip: Params = serde_json::from_str(&serde_json::to_string(&custom).unwrap()).unwrap();
        assert_eq!(round_trip, custom);
    }

    #[test]
    fn a_zero_or_unrepresentable_unbonding_period_is_refused() {
        for secs in [0, u64::MAX] {
            let params = Params { unbonding_period_secs: secs, ..Params::default() };
            assert!(params.validate().unwrap_err().log().contains("unbonding_period_secs"), "{secs}");
        }
    }
}
