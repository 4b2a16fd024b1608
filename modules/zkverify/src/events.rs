//! The module's events (indexed, so `tx_search` finds a key or a proof by id).
use veritas_framework::Event;
use veritas_proto::zkverify::v1 as pb;

use crate::curves::CurveId;

/// Both event types, every attribute.
pub const INDEXED: &[&str] = &["register_verifying_key", "proof_verified"];

pub fn register_verifying_key(record: &pb::VerifyingKeyRecord) -> Event {
    let curve = CurveId::from_proto(record.curve).map_or("unknown", CurveId::name);
    Event::new("register_verifying_key")
        .attr("vk_id", &record.vk_id)
        .attr("creator", &record.creator)
        .attr("public_inputs", record.public_inputs.to_string())
        .attr("curve", curve)
        .attr("commitments", record.commitments.as_ref().map_or(0, |c| c.keys.len()).to_string())
}

pub fn proof_verified(vk_id: &str, proof_id: &str, submitter: &str) -> Event {
    Event::new("proof_verified").attr("vk_id", vk_id).attr("proof_id", proof_id).attr("submitter", submitter)
}
