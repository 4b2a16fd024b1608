//! State-sync snapshots: written while the node runs ([`Snapshotter`]), kept on disk
//! ([`SnapshotStore`]), served to peers over ABCI, and restored from peers or from disk
//! ([`Restore`]).

mod restore;
mod snapshotter;
mod state_sync;
mod store;

pub use restore::{ChunkVerdict, OfferRefusal, Restore};
pub use snapshotter::Snapshotter;
pub use state_sync::StateSync;
pub use store::{Manifest, SnapshotStore};
