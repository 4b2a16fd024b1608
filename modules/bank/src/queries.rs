use cosmos_sdk_proto::cosmos::bank::v1beta1::*;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use prost::Message;
use veritas_framework::{decode_request, sdk, validate_denom, Address, Error, QueryContext, StoreRead};

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

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1000;

fn coin(denom: &str, amount: u128) -> ProtoCoin {
    ProtoCoin { denom: denom.to_owned(), amount: amount.to_string() }
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
            #[allow(deprecated)] // send_enabled moved out of Params in the SDK; we send none.
            QueryParamsResponse { params: Some(Params { send_enabled: vec![], default_send_enabled: true }) }
                .encode_to_vec()
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

/// Cosmos-style pagination over the entries under `prefix`: by `key` (the suffix to
/// start at) or by `offset`, `limit` entries (default 100, at most 1000), with
/// `next_key` set when more remain. Returns (suffix as text, value) pairs.
fn paginate(
    kv: &mut impl StoreRead,
    prefix: &[u8],
    page: Option<PageRequest>,
) -> Result<(Vec<(String, Vec<u8>)>, Option<PageResponse>), Error> {
    let page = page.unwrap_or_default();
    if page.reverse {
        return Err(sdk::invalid_request("reverse pagination is not supported"));
    }
    if !page.key.is_empty() && page.offset > 0 {
        return Err(sdk::invalid_request("either offset or key is expected, got both"));
    }
    let limit = match page.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    } as usize;
    // A page key names the first entry to return.
    let mut start: Option<Vec<u8>> = (!page.key.is_empty()).then(|| [prefix, page.key.as_slice()].concat());
    let mut skipped = 0u64;
    let mut out = Vec::new();
    let mut next_key = Vec::new();
    let mut total = 0u64;
    loop {
        let batch = kv.scan(prefix, start.as_deref(), 256)?;
        let Some((last, _)) = batch.last() else { break };
        start = Some([last.as_slice(), &[0]].concat());
        for (key, value) in batch {
            total += 1;
            if skipped < page.offset {
                skipped += 1;
                continue;
            }
            let suffix = &key[prefix.len()..];
            if out.len() == limit {
                if next_key.is_empty() {
                    next_key = suffix.to_vec();
                }
                if !page.count_total {
                    return Ok((out, Some(PageResponse { next_key, total: 0 })));
                }
                continue;
            }
            out.push((String::from_utf8_lossy(suffix).into_owned(), value));
        }
    }
    let total = if page.count_total { total } else { 0 };
    Ok((out, Some(PageResponse { next_key, total })))
}
