//! The module's events.
use veritas_framework::Event;

/// Every attribute of the hand-over event is indexed (who governs is worth finding).
pub const INDEXED: &[&str] = &["update_authority"];

pub fn update_authority(previous: &str, new: &str) -> Event {
    Event::new("update_authority").attr("previous", previous).attr("authority", new)
}
