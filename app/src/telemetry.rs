//! Prometheus metrics of the app (app.toml `[telemetry]`), beside CometBFT's own.
//!
//! The Cosmos SDK's names where one exists (`tx_count`, `tx_successful`, `tx_failed`,
//! `tx_gas_used`, `tx_gas_wanted`, as its telemetry exports them without a service prefix),
//! then Veritas' own under `veritas_`. IBC and zkverify activity is counted from the events
//! of committed transactions, so modules need no metrics code. Collected always (atomic
//! counters); served only when `telemetry.enable` is set.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Context as _;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use tendermint_proto::v0_38::abci::ExecTxResult;

/// Every metric the app exports.
pub struct Metrics {
    registry: Registry,
    pub tx_count: IntCounter,
    pub tx_successful: IntCounter,
    pub tx_failed: IntCounter,
    pub tx_gas_used: IntGauge,
    pub tx_gas_wanted: IntGauge,
    /// Committed transactions by codespace and code (`""`/`0` for success).
    pub txs_by_code: IntCounterVec,
    pub gas_used_total: IntCounter,
    pub gas_wanted_total: IntCounter,
    pub block_height: IntGauge,
    pub block_txs: Histogram,
    /// Seconds per block phase: `prepare` (decode, signatures, zk batch), `execute`,
    /// `hash` (the next app hash) and `write` (the commit).
    pub block_phase_seconds: HistogramVec,
    pub check_tx_seconds: Histogram,
    /// Query latency by gRPC method path (`other` for anything unregistered).
    pub query_seconds: HistogramVec,
    /// Events of committed transactions that operators watch, by type (IBC packets and
    /// client updates, zk keys and proofs).
    pub events: IntCounterVec,
    /// Bytes the state database holds (SST files and memtables), after each commit.
    pub store_bytes: IntGauge,
    /// The earliest height still readable (pruning moves it).
    pub store_earliest_height: IntGauge,
    /// Height and write time of the newest state-sync snapshot, and failed attempts.
    pub snapshot_height: IntGauge,
    pub snapshot_seconds: prometheus::Gauge,
    pub snapshot_failures: IntCounter,
    /// Metrics modules report through `veritas_framework::telemetry`, by name.
    module_counters: std::sync::Mutex<std::collections::BTreeMap<&'static str, IntCounter>>,
    module_histograms: std::sync::Mutex<std::collections::BTreeMap<&'static str, Histogram>>,
}

/// The event types [`Metrics::events`] counts.
const WATCHED_EVENTS: &[&str] = &[
    "send_packet",
    "recv_packet",
    "write_acknowledgement",
    "acknowledge_packet",
    "timeout_packet",
    "update_client",
    "create_client",
    "register_verifying_key",
    "proof_verified",
];

/// Registers `metric` (made from known-good names and options) and returns it.
fn register<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, metric: prometheus::Result<M>) -> M {
    let metric = metric.expect("valid metric");
    registry.register(Box::new(metric.clone())).expect("registered once");
    metric
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    register(registry, IntCounter::new(name, help))
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    register(registry, IntGauge::new(name, help))
}

/// Latency buckets from 50 µs to 10 s.
fn seconds_buckets() -> Vec<f64> {
    prometheus::exponential_buckets(0.000_05, 2.5, 14).expect("valid buckets")
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        let txs_by_code = register(
            &registry,
            IntCounterVec::new(
                Opts::new("veritas_txs_total", "Committed transactions by result codespace and code"),
                &["codespace", "code"],
            ),
        );
        let block_txs = register(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new("veritas_block_txs", "Transactions per block")
                    .buckets(prometheus::exponential_buckets(1.0, 2.0, 16).expect("valid buckets")),
            ),
        );
        let block_phase_seconds = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new("veritas_block_phase_seconds", "Seconds per block phase").buckets(seconds_buckets()),
                &["phase"],
            ),
        );
        let check_tx_seconds = register(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new("veritas_check_tx_seconds", "CheckTx latency in seconds").buckets(seconds_buckets()),
            ),
        );
        let query_seconds = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new("veritas_query_seconds", "Query latency in seconds by gRPC method path")
                    .buckets(seconds_buckets()),
                &["path"],
            ),
        );
        let events = register(
            &registry,
            IntCounterVec::new(
                Opts::new("veritas_events_total", "Events of committed transactions by type (IBC, zkverify)"),
                &["type"],
            ),
        );
        Self {
            tx_count: counter(&registry, "tx_count", "Committed transactions (Cosmos SDK name)"),
            tx_successful: counter(&registry, "tx_successful", "Committed transactions with code 0 (Cosmos SDK name)"),
            tx_failed: counter(&registry, "tx_failed", "Committed transactions that failed (Cosmos SDK name)"),
            tx_gas_used: gauge(
                &registry,
                "tx_gas_used",
                "Gas used by the last committed transaction (Cosmos SDK name)",
            ),
            tx_gas_wanted: gauge(
                &registry,
                "tx_gas_wanted",
                "Gas limit of the last committed transaction (Cosmos SDK name)",
            ),
            gas_used_total: counter(&registry, "veritas_gas_used_total", "Gas used by committed transactions"),
            gas_wanted_total: counter(&registry, "veritas_gas_wanted_total", "Gas limits of committed transactions"),
            block_height: gauge(&registry, "veritas_block_height", "Height of the last finalized block"),
            store_bytes: gauge(
                &registry,
                "veritas_store_bytes",
                "Bytes the state database holds (SST files, memtables)",
            ),
            store_earliest_height: gauge(
                &registry,
                "veritas_store_earliest_height",
                "The earliest height still readable (pruning moves it)",
            ),
            snapshot_height: gauge(&registry, "veritas_snapshot_height", "Height of the newest snapshot written"),
            snapshot_seconds: register(
                &registry,
                prometheus::Gauge::new("veritas_snapshot_seconds", "Seconds the newest snapshot took to write"),
            ),
            snapshot_failures: counter(
                &registry,
                "veritas_snapshot_failures_total",
                "Snapshots that could not be written (see the log)",
            ),
            module_counters: Default::default(),
            module_histograms: Default::default(),
            txs_by_code,
            block_txs,
            block_phase_seconds,
            check_tx_seconds,
            query_seconds,
            events,
            registry,
        }
    }

    /// Counts a finalized block's transaction results (tallied per block first, so each
    /// labelled series is touched once per block, not once per transaction).
    pub fn record_block(&self, height: u64, results: &[ExecTxResult]) {
        self.block_height.set(height as i64);
        self.block_txs.observe(results.len() as f64);
        let mut by_code: std::collections::BTreeMap<(&str, u32), u64> = Default::default();
        let mut events: std::collections::BTreeMap<&str, u64> = Default::default();
        let (mut gas_used, mut gas_wanted) = (0u64, 0u64);
        for result in results {
            *by_code.entry((result.codespace.as_str(), result.code)).or_default() += 1;
            gas_used += result.gas_used.max(0) as u64;
            gas_wanted += result.gas_wanted.max(0) as u64;
            for event in &result.events {
                if WATCHED_EVENTS.contains(&event.r#type.as_str()) {
                    *events.entry(event.r#type.as_str()).or_default() += 1;
                }
            }
        }
        let failed: u64 = by_code.iter().filter(|((_, code), _)| *code != 0).map(|(_, n)| n).sum();
        self.tx_count.inc_by(results.len() as u64);
        self.tx_failed.inc_by(failed);
        self.tx_successful.inc_by(results.len() as u64 - failed);
        if let Some(last) = results.last() {
            self.tx_gas_used.set(last.gas_used);
            self.tx_gas_wanted.set(last.gas_wanted);
        }
        self.gas_used_total.inc_by(gas_used);
        self.gas_wanted_total.inc_by(gas_wanted);
        for ((codespace, code), n) in by_code {
            self.txs_by_code.with_label_values(&[codespace, &code.to_string()]).inc_by(n);
        }
        for (kind, n) in events {
            self.events.with_label_values(&[kind]).inc_by(n);
        }
    }

    /// Records how long a block phase took.
    pub fn block_phase(&self, phase: &str, took: Duration) {
        self.block_phase_seconds.with_label_values(&[phase]).observe(took.as_secs_f64());
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let encoded = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        match encoded {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(e) => format!("# cannot encode the metrics: {e}\n"),
        }
    }
}

/// Module reports (`veritas_framework::telemetry`) as `veritas_<name>` metrics, created
/// on first use.
struct ModuleSink;

impl veritas_framework::telemetry::Sink for ModuleSink {
    fn count(&self, name: &'static str, by: u64) {
        let metrics = metrics();
        let mut counters = metrics.module_counters.lock().unwrap_or_else(|p| p.into_inner());
        let counter = counters.entry(name).or_insert_with(|| {
            counter(&metrics.registry, &format!("veritas_{name}"), &format!("{name} (reported by a module)"))
        });
        counter.inc_by(by);
    }

    fn observe(&self, name: &'static str, value: f64) {
        let metrics = metrics();
        let mut histograms = metrics.module_histograms.lock().unwrap_or_else(|p| p.into_inner());
        let histogram = histograms.entry(name).or_insert_with(|| {
            let buckets = if name.ends_with("_seconds") {
                seconds_buckets()
            } else {
                prometheus::exponential_buckets(1.0, 2.0, 16).expect("valid buckets")
            };
            let opts = HistogramOpts::new(format!("veritas_{name}"), format!("{name} (reported by a module)"));
            register(&metrics.registry, Histogram::with_opts(opts.buckets(buckets)))
        });
        histogram.observe(value);
    }
}

/// Routes the modules' reports here (once per process).
pub fn install_module_sink() {
    veritas_framework::telemetry::install(Box::new(ModuleSink));
}

/// The process-wide metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// Serves `GET /metrics` on `address` in the background.
pub fn serve(address: SocketAddr) -> anyhow::Result<()> {
    // CometBFT's own Prometheus defaults to :26660, hence the app's 26661.
    let listener = crate::listen::bind(address, "telemetry", "telemetry.address")?;
    listener.set_nonblocking(true)?;
    std::thread::Builder::new()
        .name("telemetry".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let served = runtime.context("cannot start the telemetry runtime").and_then(|runtime| {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    let app =
                        axum::Router::new().route("/metrics", axum::routing::get(|| async { metrics().render() }));
                    axum::serve(listener, app).await?;
                    anyhow::Ok(())
                })
            });
            if let Err(e) = served {
                tracing::error!("the telemetry server on {address} stopped: {e:#}");
            }
        })
        .context("cannot start the telemetry thread")?;
    tracing::info!(%address, "serving Prometheus metrics at /metrics");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::v0_38::abci::Event;

    #[test]
    fn module_reports_become_veritas_metrics() {
        use veritas_framework::telemetry::Sink;
        ModuleSink.count("test_things", 2);
        ModuleSink.count("test_things", 3);
        ModuleSink.observe("test_wait_seconds", 0.01);
        let text = metrics().render();
        assert!(text.lines().any(|l| l == "veritas_test_things 5"), "{text}");
        assert!(text.lines().any(|l| l == "veritas_test_wait_seconds_count 1"), "{text}");
    }

    #[test]
    fn a_block_is_counted_under_the_sdk_names_and_ours() {
        let metrics = Metrics::new();
        let ok = ExecTxResult {
            gas_used: 40,
            gas_wanted: 100,
            events: vec![Event { r#type: "send_packet".into(), attributes: vec![] }],
            ..Default::default()
        };
        let failed =
            ExecTxResult { code: 5, codespace: "sdk".into(), gas_used: 10, gas_wanted: 100, ..Default::default() };
        metrics.record_block(7, &[ok.clone(), failed, ok]);
        metrics.block_phase("execute", Duration::from_millis(3));
        let text = metrics.render();
        for line in [
            "tx_count 3",
            "tx_successful 2",
            "tx_failed 1",
            "veritas_gas_used_total 90",
            "veritas_block_height 7",
            "veritas_txs_total{code=\"5\",codespace=\"sdk\"} 1",
            "veritas_events_total{type=\"send_packet\"} 2",
            "veritas_block_phase_seconds_count{phase=\"execute\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} missing from:\n{text}");
        }
    }
}
