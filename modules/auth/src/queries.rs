use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    QueryAccountRequest, QueryAccountResponse, QueryAccountsRequest, QueryAccountsResponse, QueryParamsRequest,
    QueryParamsResponse,
};
use cosmos_sdk_proto::Any;
use prost::Message;
use veritas_framework::pagination::{self, Page};
use veritas_framework::{decode_request, sdk, Address, Error, QueryContext};

use crate::keeper::{decode_account, read_account, read_params, AccountKeeper, ACCOUNT_PREFIX};
use crate::BASE_ACCOUNT_TYPE_URL;

pub const ACCOUNT: &str = "/cosmos.auth.v1beta1.Query/Account";
pub const ACCOUNTS: &str = "/cosmos.auth.v1beta1.Query/Accounts";
pub const PARAMS: &str = "/cosmos.auth.v1beta1.Query/Params";
pub const PATHS: &[&str] = &[ACCOUNT, ACCOUNTS, PARAMS];

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
            let request = Page::from(page);
            let found = pagination::paginate(&mut kv, ACCOUNT_PREFIX, &request)?;
            let accounts = found
                .entries
                .iter()
                .map(|(_, raw)| {
                    let account = decode_account(raw)?;
                    Ok(Any { type_url: BASE_ACCOUNT_TYPE_URL.into(), value: account.encode_to_vec() })
                })
                .collect::<Result<_, Error>>()?;
            Ok(QueryAccountsResponse { accounts, pagination: Some(found.response()) }.encode_to_vec())
        }
        PARAMS => {
            decode_request::<QueryParamsRequest>(data)?;
            let params = read_params(&mut kv)?;
            Ok(QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }
        _ => Err(sdk::unknown_request(format!("unknown query path {path}"))),
    }
}
