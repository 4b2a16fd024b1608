//! The `ibc` module: an ibc-rs host with a 07-tendermint light client, handshakes,
//! packets and ICS-20 transfers through `bank`.
//!
//! Empty until the ibc issue lands.
