use cosmos_sdk_proto::cosmos::bank::v1beta1::*;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use prost::Message;
use veritas_framework::pagination::{self, Page};
use veritas_framework::{
    decode_request, sdk, validate_denom, Address, Coin, Error, ProtoCoin, QueryContext, StoreRead,
};

use crate::keeper::{
    balances_prefix, decode_amount, metadata_prefix, read_balance, read_metadata, read_supply, supply_prefix,
};
use crate::{errors, BankKeeper};

pub const BALANCE: &str = "/cosmos.bank.v1beta1.Query/Balance";
pub const ALL_BALANCES: &str = "/cosmos.bank.v1beta1.Query/AllBalances";
pub const SPENDABLE_BALANCES: &str = "/cosmos.bank.v1beta1.Query/SpendableBalances";
pub const TOTAL_SUPPLY: &str = "/cosmos.bank.v1beta1.Query/TotalSupply";
pub const SUPPLY_OF: &str = "/cosmos.bank.v1beta1.Query/SupplyOf";
pub const DENOM_METADATA: &str = "/cosmos.bank.v1beta1.Query/DenomMetadata";
pub const DENOMS_METADATA: &str = "/cosmos.bank.v1beta1.Query/DenomsMetadata";
pub const PARAMS: &str = "/cosmos.bank.v1beta1.Query/Params";
pub const PATHS: &[&str] =
    &[BALANCE, ALL_BALANCES, SPENDABLE_BALANCES, TOTAL_SUPPLY, SUPPLY_OF, DENOM_METADATA, DENOMS_METADATA, PARAMS];

fn coin(denom: &str, amount: u128) -> ProtoCoin {
    Coin::new(denom, amount).to_proto()
}

pub fn answer(ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = ctx.kv(&BankKeeper::store_key());
    Ok(match path {
        BALANCE => {
            let r: QueryBalanceRequest = decode_request(data)?;
            let address = Address::from_bech32(&r.address)?;
            validate_denom(&r.denom)?;
            let amount = read_balance(&mut kv, &address, &r.denom)?;
            QueryBalanceResponse { balance: Some(coin(&r.denom, amount)) }.encode_to_vec()
        }
        ALL_BALANCES => {
            let r: QueryAllBalancesRequest = decode_request(data)?;
            let (balances, pagination) = balances_page(&mut kv, &r.address, r.pagination)?;
            QueryAllBalancesResponse { balances, pagination }.encode_to_vec()
        }
        SPENDABLE_BALANCES => {
            // Nothing is locked on Veritas: spendable equals the balance.
            let r: QuerySpendableBalancesRequest = decode_request(data)?;
            let (balances, pagination) = balances_page(&mut kv, &r.address, r.pagination)?;
            QuerySpendableBalancesResponse { balances, pagination }.encode_to_vec()
        }
        TOTAL_SUPPLY => {
            let r: QueryTotalSupplyRequest = decode_request(data)?;
            let (entries, pagination) = paginate(&mut kv, supply_prefix(), r.pagination)?;
            let supply = entries
                .iter()
                .map(|(denom, raw)| Ok(coin(denom, decode_amount(raw)?)))
                .collect::<Result<_, Error>>()?;
            QueryTotalSupplyResponse { supply, pagination }.encode_to_vec()
        }
        SUPPLY_OF => {
            let r: QuerySupplyOfRequest = decode_request(data)?;
            validate_denom(&r.denom)?;
            QuerySupplyOfResponse { amount: Some(coin(&r.denom, read_supply(&mut kv, &r.denom)?)) }.encode_to_vec()
        }
        DENOM_METADATA => {
            let r: QueryDenomMetadataRequest = decode_request(data)?;
            validate_denom(&r.denom)?;
            let metadata = read_metadata(&mut kv, &r.denom)?.ok_or_else(|| {
                errors::denom_metadata_not_found(format!(
                    "rpc error: code = NotFound desc = client metadata for denom {}",
                    r.denom
                ))
            })?;
            QueryDenomMetadataResponse { metadata: Some(metadata) }.encode_to_vec()
        }
        DENOMS_METADATA => {
            let r: QueryDenomsMetadataRequest = decode_request(data)?;
            let (entries, pagination) = paginate(&mut kv, metadata_prefix(), r.pagination)?;
            let metadatas = entries
                .iter()
                .map(|(_, raw)| {
                    Metadata::decode(raw.as_slice()).map_err(|e| sdk::internal(format!("corrupt metadata: {e}")))
                })
                .collect::<Result<_, _>>()?;
            QueryDenomsMetadataResponse { metadatas, pagination }.encode_to_vec()
        }
        PARAMS => {
            let _: QueryParamsRequest = decode_request(data)?;
            let params = BankKeeper::params(&mut kv)?;
            QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec()
        }
        _ => return Err(sdk::unknown_request(format!("unknown query path {path}"))),
    })
}

/// One page of an account's balances, in denom order.
fn balances_page(
    kv: &mut impl StoreRead,
    address: &str,
    page: Option<PageRequest>,
) -> Result<(Vec<ProtoCoin>, Option<PageResponse>), Error> {
    let address = Address::from_bech32(address)?;
    let (entries, pagination) = paginate(kv, &balances_prefix(&address), page)?;
    let balances =
        entries.iter().map(|(denom, raw)| Ok(coin(denom, decode_amount(raw)?))).collect::<Result<_, Error>>()?;
    Ok((balances, pagination))
}

/// Cosmos-style pagination (the framework's) with `PageRequest` in and `PageResponse`
/// out; key suffixes as text (denoms).
fn paginate(
    kv: &mut impl StoreRead,
    prefix: &[u8],
    page: Option<PageRequest>,
) -> Result<(Vec<(String, Vec<u8>)>, Option<PageResponse>), Error> {
    let found = pagination::paginate(kv, prefix, &Page::from(page.unwrap_or_default()))?;
    let response = found.response();
    let entries = found
        .entries
        .into_iter()
        .map(|(suffix, value)| (String::from_utf8_lossy(&suffix).into_owned(), value))
        .collect();
    Ok((entries, Some(response)))
}
