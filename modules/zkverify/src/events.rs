//! The module's events (indexed, so `tx_search` finds a key or a proof by id).
use veritas_framework::Event;

/// Both event types, every attribute.
pub const INDEXED: &[&str] = &["register_verifying_key", "proof_verified"];

pub fn register_verifying_key(vk_id: &str, creator: &str, public_inputs: usize) -> Event {
    Event::new("register_verifying_key")
        .attr("vk_id", vk_id)
        .attr("creator", creator)
        .attr("public_inputs", public_inputs.to_string())
}

pub fn proof_verified(vk_id: &str, proof_id: &str, submitter: &str) -> Event {
    Event::new("proof_verified").attr("vk_id", vk_id).attr("proof_id", proof_id).attr("submitter", submitter)
}
