//! `/veritas.authority.v1.Query/Authority`.
use prost::Message;
use veritas_framework::{decode_request, sdk, Error, QueryContext};
use veritas_proto::authority::v1 as pb;

use crate::AuthorityKeeper;

pub const PATHS: &[&str] = &[pb::QUERY_AUTHORITY];

pub fn answer(keeper: &AuthorityKeeper, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    match path {
        pb::QUERY_AUTHORITY => {
            let _: pb::QueryAuthorityRequest = decode_request(data)?;
            let authority = keeper.authority(&mut ctx.kv(&AuthorityKeeper::store_key()))?;
            Ok(pb::QueryAuthorityResponse { authority: authority.map(|a| a.to_bech32()).unwrap_or_default() }
                .encode_to_vec())
        }
        other => Err(sdk::unknown_request(format!("authority answers no query {other}"))),
    }
}
