//! The cost of the second transport: one bank `Balance` query answered straight by the
//! query service (what ABCI `Query` runs) against the same query over gRPC on loopback
//! (tonic client → veritasd's gRPC server → the same handler).

mod common;

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use criterion::{criterion_group, criterion_main, Criterion};
use prost::Message;
use tendermint_proto::v0_38::abci::RequestQuery;
use veritas_app::query::QueryService;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PATH: &str = "/cosmos.bank.v1beta1.Query/Balance";

fn queries(c: &mut Criterion) {
    let mut holders = common::accounts(1);
    let chain = common::start(&mut holders, -1, Default::default());
    let holder = holders[0].address.to_bech32();
    let service = Arc::new(QueryService::new(chain.storage.clone(), chain.env.clone(), chain.meta.clone()));

    let request = QueryBalanceRequest { address: holder, denom: "uvrt".into() };
    let abci = RequestQuery { path: PATH.into(), data: request.encode_to_vec().into(), height: 0, prove: false };
    let answer = QueryBalanceResponse::decode(service.query(abci.clone()).value).unwrap();
    assert_eq!(answer.balance.unwrap().amount, "1000000000000");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address = format!("127.0.0.1:{port}").parse().unwrap();
    veritas_app::grpc::spawn(address, service.clone(), None).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let channel = runtime.block_on(async {
        tonic::transport::Channel::from_shared(format!("http://{address}")).unwrap().connect().await.unwrap()
    });
    let grpc_call = || {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        let request = request.clone();
        async move {
            grpc.ready().await.unwrap();
            let codec = tonic::codec::ProstCodec::<QueryBalanceRequest, QueryBalanceResponse>::default();
            let path = http::uri::PathAndQuery::from_static(PATH);
            grpc.unary(tonic::Request::new(request), path, codec).await.unwrap().into_inner()
        }
    };
    assert_eq!(runtime.block_on(grpc_call()).balance.unwrap().amount, "1000000000000");

    let mut group = c.benchmark_group("balance_query");
    group.bench_function("abci_query_service", |b| b.iter(|| service.query(abci.clone())));
    group.bench_function("grpc_loopback", |b| b.iter(|| runtime.block_on(grpc_call())));
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
