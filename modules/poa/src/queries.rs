//! gRPC-style queries (`/veritas.poa.v1.Query/...`), protobuf in and out.
use prost::Message;
use veritas_framework::pagination::{self, Page};
use veritas_framework::{decode_request, sdk, Error, QueryContext};
use veritas_proto::poa::v1 as pb;

use crate::keeper::{decode_validator, VALIDATOR_PREFIX};
use crate::pubkey::{ADDRESS_LEN, PUB_KEY_LEN};
use crate::{errors, PoaKeeper};

pub const PATHS: &[&str] = &[pb::QUERY_VALIDATORS, pb::QUERY_VALIDATOR, pb::QUERY_TOTAL_POWER];

/// The most validators one page holds (and the default).
pub const MAX_PAGE: u64 = 100;

fn not_found(what: String) -> Error {
    errors::not_found(format!("rpc error: code = NotFound desc = {what} not found"))
}

pub fn answer(keeper: &PoaKeeper, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = ctx.kv(&PoaKeeper::store_key());
    Ok(match path {
        pb::QUERY_VALIDATORS => {
            let r: pb::QueryValidatorsRequest = decode_request(data)?;
            let page = r.pagination.unwrap_or_default();
            let limit = match page.limit {
                0 => MAX_PAGE,
                n => n.min(MAX_PAGE),
            };
            let found =
                pagination::paginate(&mut kv, VALIDATOR_PREFIX, &Page { key: page.key, limit, ..Page::default() })?;
            let validators =
                found.entries.iter().map(|(_, raw)| decode_validator(raw)).collect::<Result<_, Error>>()?;
            pb::QueryValidatorsResponse { validators, pagination: Some(pb::PageResponse { next_key: found.next_key }) }
                .encode_to_vec()
        }
        pb::QUERY_VALIDATOR => {
            let r: pb::QueryValidatorRequest = decode_request(data)?;
            let validator = match (r.pub_key.is_empty(), r.address.trim()) {
                (false, "") => {
                    if r.pub_key.len() != PUB_KEY_LEN {
                        return Err(errors::invalid_pub_key(format!(
                            "pub_key is {} bytes, an ed25519 key {PUB_KEY_LEN}",
                            r.pub_key.len()
                        )));
                    }
                    keeper
                        .validator(&mut kv, &r.pub_key)?
                        .ok_or_else(|| not_found(format!("validator with pub_key {}", hex::encode_upper(&r.pub_key))))?
                }
                (true, address) if !address.is_empty() => {
                    let bytes: [u8; ADDRESS_LEN] =
                        hex::decode(address).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
                            errors::invalid_request(format!(
                                "address {address:?} is not a CometBFT address ({ADDRESS_LEN} bytes, hex)"
                            ))
                        })?;
                    keeper
                        .validator_by_address(&mut kv, &bytes)?
                        .ok_or_else(|| not_found(format!("validator {}", address.to_ascii_uppercase())))?
                }
                _ => return Err(errors::invalid_request("give exactly one of pub_key and address")),
            };
            pb::QueryValidatorResponse { validator: Some(validator) }.encode_to_vec()
        }
        pb::QUERY_TOTAL_POWER => {
            let _: pb::QueryTotalPowerRequest = decode_request(data)?;
            let totals = keeper.totals(&mut kv)?;
            pb::QueryTotalPowerResponse { total_power: totals.power, validators: totals.validators }.encode_to_vec()
        }
        other => return Err(sdk::unknown_request(format!("poa answers no query {other}"))),
    })
}
