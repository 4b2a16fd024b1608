//! gRPC-style queries (`/veritas.zkverify.v1.Query/...`), protobuf in and out.
use prost::Message;
use veritas_framework::pagination::{self, Page};
use veritas_framework::{decode_request, sdk, Error, QueryContext};
use veritas_proto::zkverify::v1 as pb;

use crate::encoding::check_id;
use crate::keeper::VK_PREFIX;
use crate::{errors, ZkKeeper};

pub const VERIFYING_KEY: &str = "/veritas.zkverify.v1.Query/VerifyingKey";
pub const VERIFYING_KEYS: &str = "/veritas.zkverify.v1.Query/VerifyingKeys";
pub const VERIFIED_PROOF: &str = "/veritas.zkverify.v1.Query/VerifiedProof";
pub const PARAMS: &str = "/veritas.zkverify.v1.Query/Params";
pub const PATHS: &[&str] = &[VERIFYING_KEY, VERIFYING_KEYS, VERIFIED_PROOF, PARAMS];

pub fn answer(keeper: &ZkKeeper, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = ctx.kv(&ZkKeeper::store_key());
    Ok(match path {
        VERIFYING_KEY => {
            let r: pb::QueryVerifyingKeyRequest = decode_request(data)?;
            check_id(&r.vk_id, "vk_id")?;
            let record = keeper.key_record(&mut kv, &r.vk_id)?.ok_or_else(|| {
                errors::not_found(format!("rpc error: code = NotFound desc = verifying key {} not found", r.vk_id))
            })?;
            pb::QueryVerifyingKeyResponse { verifying_key: Some(record) }.encode_to_vec()
        }
        VERIFYING_KEYS => {
            let r: pb::QueryVerifyingKeysRequest = decode_request(data)?;
            let page = r.pagination.unwrap_or_default();
            let request = Page { key: page.key, limit: page.limit, ..Page::default() };
            let found = pagination::paginate(&mut kv, VK_PREFIX, &request)?;
            let (entries, next_key) = (found.entries, found.next_key);
            let verifying_keys = entries
                .iter()
                .map(|(_, raw)| {
                    pb::VerifyingKeyRecord::decode(raw.as_slice())
                        .map_err(|e| sdk::internal(format!("corrupt verifying key record: {e}")))
                })
                .collect::<Result<_, Error>>()?;
            pb::QueryVerifyingKeysResponse { verifying_keys, pagination: Some(pb::PageResponse { next_key }) }
                .encode_to_vec()
        }
        VERIFIED_PROOF => {
            let r: pb::QueryVerifiedProofRequest = decode_request(data)?;
            check_id(&r.proof_id, "proof_id")?;
            let proof = keeper.verified_proof(&mut kv, &r.proof_id)?.ok_or_else(|| {
                errors::not_found(format!("rpc error: code = NotFound desc = no verified proof {}", r.proof_id))
            })?;
            pb::QueryVerifiedProofResponse { proof_id: r.proof_id, proof: Some(proof) }.encode_to_vec()
        }
        PARAMS => {
            let _: pb::QueryParamsRequest = decode_request(data)?;
            pb::QueryParamsResponse { params: Some(keeper.params(&mut kv)?.to_proto()) }.encode_to_vec()
        }
        other => return Err(sdk::unknown_request(format!("zkverify answers no query {other}"))),
    })
}
