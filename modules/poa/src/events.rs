//! The module's events: every validator change, indexed (who validates is worth finding).
use base64::Engine as _;
use veritas_framework::Event;
use veritas_proto::poa::v1 as pb;

/// Both event types, every attribute.
pub const INDEXED: &[&str] = &["set_validator", "remove_validator"];

fn validator_event(kind: &str, v: &pb::Validator, power: i64) -> Event {
    Event::new(kind)
        .attr("pub_key", base64::engine::general_purpose::STANDARD.encode(&v.pub_key))
        .attr("address", &v.address)
        .attr("power", power.to_string())
        .attr("moniker", &v.moniker)
}

/// A validator added or changed: its new power and moniker.
pub fn set_validator(v: &pb::Validator) -> Event {
    validator_event("set_validator", v, v.power)
}

/// A validator removed (`power` 0, its last moniker).
pub fn remove_validator(v: &pb::Validator) -> Event {
    validator_event("remove_validator", v, 0)
}
