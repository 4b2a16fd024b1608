use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    QueryAccountRequest, QueryAccountResponse, QueryAccountsRequest, QueryAccountsResponse, QueryParamsRequest,
    QueryParamsResponse,
};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use cosmos_sdk_proto::Any;
use prost::Message;
use veritas_framework::{decode_request, sdk, Address, Error, QueryContext};

use crate::keeper::{accounts_page, read_account, read_params, AccountKeeper};
use crate::BASE_ACCOUNT_TYPE_URL;

pub const ACCOUNT: &str = "/cosmos.auth.v1beta1.Query/Account";
pub const ACCOUNTS: &str = "/cosmos.auth.v1beta1.Query/Accounts";
pub const PARAMS: &str = "/cosmos.auth.v1beta1.Query/Params";
pub const PATHS: &[&str] = &[ACCOUNT, ACCOUNTS, PARAMS];

/// Page size when the request names none, and the most one page holds.
const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1000;

pub fn answer(ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = ctx.kv(&AccountKeeper::store_key());
    match path {
        ACCOUNT => {
            let request = decode_request::<QueryAccountRequest>(data)?;
            let address = Address::from_bech32(&request.address)?;
            let account = read_account(&mut kv, &address)?.ok_or_else(|| {
                // CosmJS recognises a missing account by this gRPC status text.
                Error::new(
                    sdk::CODESPACE,
                    22,
                    format!("rpc error: code = NotFound desc = account {} not found: key not found", request.address),
                )
            })?;
            let any = Any { type_url: BASE_ACCOUNT_TYPE_URL.into(), value: account.encode_to_vec() };
            Ok(QueryAccountResponse { account: Some(any) }.encode_to_vec())
        }
        ACCOUNTS => {
            let page = decode_request::<QueryAccountsRequest>(data)?.pagination.unwrap_or_default();
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
            let (accounts, next_key, total) = accounts_page(&mut kv, &page.key, page.offset, limit, page.count_total)?;
            let accounts = accounts
                .into_iter()
                .map(|account| Any { type_url: BASE_ACCOUNT_TYPE_URL.into(), value: account.encode_to_vec() })
                .collect();
            Ok(QueryAccountsResponse { accounts, pagination: Some(PageResponse { next_key, total }) }.encode_to_vec())
        }
        PARAMS => {
            decode_request::<QueryParamsRequest>(data)?;
            let params = read_params(&mut kv)?;
            Ok(QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }
        _ => Err(sdk::unknown_request(format!("unknown query path {path}"))),
    }
}
