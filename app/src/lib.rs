//! The Veritas node: ABCI 2.0 application, transaction path, queries, module
//! composition and the `veritasd` command line (the binary is a thin `main`).

pub mod abci;
pub mod abci_socket;
pub mod chain_meta;
pub mod cli;
pub mod client;
pub mod cometbft_child;
pub mod config;
pub mod event_index;
pub mod fatal;
pub mod genesis_doc;
pub mod grpc;
pub mod home;
pub mod keyring;
pub mod listen;
pub mod logging;
pub mod mempool;
pub mod modules;
pub mod node;
pub mod node_services;
pub mod proposal;
pub mod query;
pub mod snapshots;
pub mod telemetry;
pub mod testkit;
pub mod tx;
pub mod upgrades;
