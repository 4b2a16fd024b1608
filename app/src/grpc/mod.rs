//! The gRPC server (tonic, HTTP/2): every query service the ABCI Query path answers,
//! served again for gRPC clients such as Hermes. One implementation, two transports:
//! the call `/pkg.Service/Method` runs the ABCI query of the same path with the same
//! protobuf bytes, at the height in the `x-cosmos-block-height` header (latest if
//! absent), and the answer's height comes back in that header. `BroadcastTx` and
//! `GetTx` go to CometBFT's RPC, as the Cosmos SDK's do.

mod codec;
mod node_info;
mod status;
mod tx_service;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::Context as _;
use bytes::Bytes;
use tendermint_proto::v0_38::abci::RequestQuery;
use tendermint_rpc::HttpClient;
use tonic::{Request, Response, Status};

use crate::query::QueryService;
use codec::RawCodec;

/// How long a call waits for CometBFT's RPC before giving up.
pub(crate) const COMETBFT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The gRPC metadata key of a query's height, in requests and responses.
pub const HEIGHT_HEADER: &str = "x-cosmos-block-height";
/// Largest request or response message (the Cosmos SDK 0.50 default is 10 MiB in).
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Binds `address` now (so a taken port fails `veritasd start` at once) and serves
/// gRPC from a thread of its own. `cometbft_rpc` is the URL `BroadcastTx` and `GetTx`
/// use; without it they answer `Unavailable`.
pub fn spawn(address: SocketAddr, queries: Arc<QueryService>, cometbft_rpc: Option<String>) -> anyhow::Result<()> {
    let listener = crate::listen::bind(address, "gRPC", "grpc.address")?;
    listener.set_nonblocking(true)?;
    let cometbft = match cometbft_rpc {
        Some(url) => Some(Arc::new(
            HttpClient::new(url.as_str()).with_context(|| format!("invalid CometBFT RPC address {url:?}"))?,
        )),
        None => None,
    };
    let dispatch = Dispatch { queries, cometbft };
    std::thread::Builder::new().name("grpc".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(runtime) => runtime,
            Err(e) => crate::fatal::fatal(format!("cannot start the gRPC runtime: {e}")),
        };
        runtime.block_on(async move {
            let served = async {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                let incoming = tonic::transport::server::TcpIncoming::from_listener(listener, true, None)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let routes = tonic::service::Routes::from(axum::Router::new().fallback_service(dispatch));
                tonic::transport::Server::builder().add_routes(routes).serve_with_incoming(incoming).await?;
                anyhow::Ok(())
            };
            if let Err(e) = served.await {
                crate::fatal::fatal(format!("the gRPC server on {address} stopped: {e:#}"));
            }
        });
    })?;
    tracing::info!(grpc = %address, "serving gRPC");
    Ok(())
}

/// Routes every gRPC call by its path.
#[derive(Clone)]
struct Dispatch {
    queries: Arc<QueryService>,
    cometbft: Option<Arc<HttpClient>>,
}

impl<B> tower_service::Service<http::Request<B>> for Dispatch
where
    B: http_body::Body + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send + 'static,
{
    type Response = http::Response<tonic::body::BoxBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let method = Method { dispatch: self.clone(), path: request.uri().path().to_owned() };
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec)
                .apply_max_message_size_config(Some(MAX_MESSAGE_BYTES), Some(MAX_MESSAGE_BYTES));
            Ok(grpc.unary(method, request).await)
        })
    }
}

/// One unary call to `path`.
struct Method {
    dispatch: Dispatch,
    path: String,
}

impl tower_service::Service<Request<Bytes>> for Method {
    type Response = Response<Bytes>;
    type Error = Status;
    type Future = BoxFuture<Result<Response<Bytes>, Status>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let dispatch = self.dispatch.clone();
        let path = std::mem::take(&mut self.path);
        Box::pin(async move { dispatch.answer(path, request).await })
    }
}

impl Dispatch {
    async fn answer(self, path: String, request: Request<Bytes>) -> Result<Response<Bytes>, Status> {
        let Some((service, method)) = path.strip_prefix('/').and_then(|p| p.split_once('/')) else {
            return Err(Status::unimplemented(format!("malformed method name: {path:?}")));
        };
        if tx_service::answers(&path) {
            let cometbft = self
                .cometbft
                .as_ref()
                .ok_or_else(|| Status::unavailable("this node does not know CometBFT's RPC address"))?;
            let value = tx_service::answer(cometbft, &path, &request.into_inner()).await?;
            return Ok(Response::new(value.into()));
        }
        if !self.queries.serves(&path) {
            // grpc-go's wording: clients (Hermes) fall back to older methods on it.
            return Err(Status::unimplemented(format!("unknown method {method} for service {service}")));
        }
        let height = requested_height(&request)?;
        let completes_node_info = path == crate::node_services::NODE_INFO;
        let query = RequestQuery { data: request.into_inner(), path, height, prove: false };
        let queries = self.queries.clone();
        let answer = tokio::task::spawn_blocking(move || queries.query(query))
            .await
            .map_err(|e| Status::internal(format!("query failed: {e}")))?;
        if answer.code != 0 {
            return Err(status::from_abci(&answer.codespace, answer.code, &answer.log));
        }
        let value = match (&self.cometbft, completes_node_info) {
            (Some(cometbft), true) => node_info::complete(cometbft, answer.value).await,
            _ => answer.value,
        };
        let mut response = Response::new(value);
        let height = answer.height.to_string().parse().map_err(|_| Status::internal("unprintable height"))?;
        response.metadata_mut().insert(HEIGHT_HEADER, height);
        Ok(response)
    }
}

/// The `x-cosmos-block-height` of a request; 0 (latest) when absent.
fn requested_height<T>(request: &Request<T>) -> Result<i64, Status> {
    let Some(value) = request.metadata().get(HEIGHT_HEADER) else { return Ok(0) };
    value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .filter(|&h| h >= 0)
        .ok_or_else(|| Status::invalid_argument(format!("invalid {HEIGHT_HEADER}: {value:?}")))
}
