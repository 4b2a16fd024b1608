//! The module's events: a plan scheduled, cancelled or applied. All are indexed (an
//! upgrade is rare and worth finding).
use veritas_framework::Event;

use crate::Plan;

/// Every event type, every attribute.
pub const INDEXED: &[&str] = &["software_upgrade", "cancel_upgrade", "upgrade"];

/// A plan scheduled (replacing any earlier one).
pub fn software_upgrade(plan: &Plan) -> Event {
    Event::new("software_upgrade").attr("name", &plan.name).attr("height", plan.height.to_string())
}

/// The scheduled plan cancelled: its name, empty if none was scheduled.
pub fn cancel_upgrade(cancelled: Option<&Plan>) -> Event {
    Event::new("cancel_upgrade").attr("name", cancelled.map_or("", |p| p.name.as_str()))
}

/// A plan applied by this binary's handler, at block `height`.
pub fn upgrade(name: &str, height: u64) -> Event {
    Event::new("upgrade").attr("name", name).attr("height", height.to_string())
}
