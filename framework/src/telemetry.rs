//! Metrics a module reports without depending on a metrics library: the app installs a
//! [`Sink`] (Prometheus in `veritasd`); until one is installed, reports go nowhere.
//! Names are static strings chosen in code, so a metric's series stay bounded.

use std::sync::OnceLock;

/// Where reports go.
pub trait Sink: Send + Sync {
    /// Adds `by` to counter `name`.
    fn count(&self, name: &'static str, by: u64);
    /// Records one observation of `name`: a duration in seconds when `name` ends in
    /// `_seconds`, else a size.
    fn observe(&self, name: &'static str, value: f64);
}

static SINK: OnceLock<Box<dyn Sink>> = OnceLock::new();

/// Installs the process's sink; `false` if one was installed already.
pub fn install(sink: Box<dyn Sink>) -> bool {
    SINK.set(sink).is_ok()
}

/// Adds `by` to counter `name`.
pub fn count(name: &'static str, by: u64) {
    if let Some(sink) = SINK.get() {
        sink.count(name, by);
    }
}

/// Records one observation of `name`.
pub fn observe(name: &'static str, value: f64) {
    if let Some(sink) = SINK.get() {
        sink.observe(name, value);
    }
}
