//! Binding the node's listening sockets with errors an operator can act on.

use std::net::{TcpListener, ToSocketAddrs};

/// Binds `address` for the `what` server (`ABCI`, `gRPC`, `telemetry`); a port in use
/// names the app.toml `setting` to change.
pub fn bind(address: impl ToSocketAddrs + std::fmt::Display, what: &str, setting: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(&address).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "{what} address {address} is already in use (is another veritasd running?); change {setting} in app.toml"
        ),
        _ => anyhow::anyhow!("cannot listen on {what} address {address}: {e}"),
    })
}
