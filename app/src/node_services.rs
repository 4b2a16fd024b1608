//! Cosmos SDK query services a node answers although Veritas has no module behind
//! them, because relayers and wallets ask: staking `Params` (Hermes reads the
//! unbonding period and `historical_entries` of a chain it relays for) and the node's
//! `Config` (its minimum gas prices).

use cosmos_sdk_proto::cosmos::base::node::v1beta1::{ConfigRequest, ConfigResponse};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{Params, QueryParamsRequest, QueryParamsResponse};
use prost::Message;
use veritas_framework::{decode_request, sdk, Error, QueryContext};

pub const STAKING_PARAMS: &str = "/cosmos.staking.v1beta1.Query/Params";
pub const NODE_CONFIG: &str = "/cosmos.base.node.v1beta1.Service/Config";

/// Whether `path` is one of these services.
pub fn answers(path: &str) -> bool {
    path == STAKING_PARAMS || path == NODE_CONFIG
}

/// The staking params light clients of Veritas depend on: the 21-day unbonding period
/// they must use, and how many of its own consensus states Veritas keeps (`ibc` param).
pub fn answer(ctx: &QueryContext<'_>, min_gas_prices: &str, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    match path {
        STAKING_PARAMS => {
            decode_request::<QueryParamsRequest>(data)?;
            let ibc = veritas_ibc::IbcKeeper::params(&mut ctx.kv(&veritas_ibc::IbcKeeper::store_key()))?;
            let unbonding = veritas_ibc::UNBONDING_PERIOD;
            let params = Params {
                unbonding_time: Some(tendermint_proto::google::protobuf::Duration {
                    seconds: unbonding.as_secs() as i64,
                    nanos: 0,
                }),
                max_validators: 100,
                max_entries: 7,
                historical_entries: u32::try_from(ibc.historical_entries).unwrap_or(u32::MAX),
                bond_denom: "uvrt".into(),
                min_commission_rate: "0.000000000000000000".into(),
            };
            Ok(QueryParamsResponse { params: Some(params) }.encode_to_vec())
        }
        NODE_CONFIG => {
            decode_request::<ConfigRequest>(data)?;
            Ok(ConfigResponse { minimum_gas_price: min_gas_prices.to_owned(), ..Default::default() }.encode_to_vec())
        }
        other => Err(sdk::unknown_request(format!("unknown query path {other:?}"))),
    }
}
