//! Query latency under load: a thread asks for one account's bank balance over and over
//! while the load runs — over CometBFT's `abci_query` (what CosmJS and the CLI use), over
//! gRPC, and straight on the app's ABCI socket (the app's own share, without CometBFT's
//! RPC) — and reports p50/p99 of each.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use prost::Message;
use serde_json::{json, Value};
use tendermint_proto::v0_38::abci::{request, response, RequestQuery};
use tendermint_rpc::{Client as _, HttpClient};

use super::submit::quantile;

const BALANCE_PATH: &str = "/cosmos.bank.v1beta1.Query/Balance";
/// Pause between two probes: a light, steady query load, not a second benchmark.
const INTERVAL: Duration = Duration::from_millis(20);

/// A running probe; `finish` stops it and returns its figures.
pub(super) struct Probe {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Value>,
}

/// Where to send the probes besides CometBFT's RPC.
pub(super) struct Targets<'a> {
    pub grpc: Option<&'a str>,
    /// The app's ABCI address (`host:port`).
    pub abci: Option<&'a str>,
}

pub(super) fn start(node: &str, targets: Targets<'_>, address: &str, denom: &str) -> anyhow::Result<Probe> {
    let rpc = HttpClient::new(node)?;
    let mut abci = match targets.abci {
        Some(at) => {
            let at = at.trim_start_matches("tcp://");
            let stream = std::net::TcpStream::connect(at)
                .with_context(|| format!("cannot reach the app's ABCI socket at {at}"))?;
            stream.set_nodelay(true)?;
            Some(std::io::BufReader::new(stream))
        }
        None => None,
    };
    let grpc = targets.grpc.map(str::to_owned);
    let request = QueryBalanceRequest { address: address.to_owned(), denom: denom.to_owned() };
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let thread = std::thread::spawn(move || {
        runtime
            .block_on(async move {
                let channel = match &grpc {
                    Some(url) => Some(tonic::transport::Channel::from_shared(url.clone())?.connect().await?),
                    None => None,
                };
                let (mut over_rpc, mut over_grpc, mut over_socket) =
                    (Samples::default(), Samples::default(), Samples::default());
                while !stopped.load(Ordering::Relaxed) {
                    let at = Instant::now();
                    let answer = rpc.abci_query(Some(BALANCE_PATH.into()), request.encode_to_vec(), None, false).await;
                    over_rpc.add(at, answer.is_ok_and(|r| r.code.is_ok()));
                    if let Some(stream) = &mut abci {
                        let query = RequestQuery {
                            data: request.encode_to_vec().into(),
                            path: BALANCE_PATH.into(),
                            height: 0,
                            prove: false,
                        };
                        let at = Instant::now();
                        let answer = crate::abci_socket::call(stream, request::Value::Query(query));
                        over_socket.add(at, matches!(answer, Ok(response::Value::Query(r)) if r.code == 0));
                    }
                    if let Some(channel) = &channel {
                        let at = Instant::now();
                        over_grpc.add(at, grpc_balance(channel.clone(), request.clone()).await.is_ok());
                    }
                    tokio::time::sleep(INTERVAL).await;
                }
                let mut report = json!({ "abci_query": over_rpc.report() });
                if channel.is_some() {
                    report["grpc"] = over_grpc.report();
                }
                if abci.is_some() {
                    report["abci_socket"] = over_socket.report();
                }
                Ok::<_, anyhow::Error>(report)
            })
            .unwrap_or_else(|e| json!({ "error": e.to_string() }))
    });
    Ok(Probe { stop, thread })
}

impl Probe {
    pub fn finish(self) -> Value {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_else(|_| json!({ "error": "the query probe panicked" }))
    }
}

async fn grpc_balance(
    channel: tonic::transport::Channel,
    request: QueryBalanceRequest,
) -> Result<QueryBalanceResponse, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let codec = tonic::codec::ProstCodec::<QueryBalanceRequest, QueryBalanceResponse>::default();
    let path = http::uri::PathAndQuery::from_static(BALANCE_PATH);
    Ok(grpc.unary(tonic::Request::new(request), path, codec).await?.into_inner())
}

#[derive(Default)]
struct Samples {
    ok: Vec<Duration>,
    failed: u64,
}

impl Samples {
    fn add(&mut self, started: Instant, ok: bool) {
        if ok {
            self.ok.push(started.elapsed());
        } else {
            self.failed += 1;
        }
    }

    fn report(&mut self) -> Value {
        self.ok.sort();
        let ms = |p: f64| quantile(&self.ok, p).map(|d| (d.as_secs_f64() * 1e5).round() / 100.0);
        json!({ "p50": ms(0.5), "p99": ms(0.99), "count": self.ok.len(), "failed": self.failed })
    }
}
