//! Versioned, provable state for Veritas.
//!
//! State is a two-level Jellyfish Merkle Tree (the `jmt` crate) kept in RocksDB:
//! every module owns a *substore* tree, and a *root* tree maps each substore's name
//! to that substore's root hash. The root tree's root is the app hash. A key in a
//! substore is therefore proven by two chained ICS-23 proofs, exactly the shape IBC
//! counterparties verify (`[substore proof, root proof]`, both with [`proof_spec`]).
//!
//! Writes of a block collect in a [`WriteSet`]; [`Storage::prepare_commit`] computes
//! the next root without touching disk and [`Storage::commit`] persists it in one
//! atomic RocksDB write batch.

mod error;
mod layout;
mod overlay;
mod proof;
pub mod snapshot;
mod storage;
mod tree_reader;
mod write_set;

pub use error::StoreError;
pub use overlay::{EmptyState, KvRead, KvWrite, Overlay};
pub use proof::{proof_spec, proof_specs, verify_existence, verify_nonexistence, StateProof};
pub use storage::{EntryCounts, PreparedCommit, StateView, Storage, StorageConfig, Version};
pub use write_set::WriteSet;

/// The app hash: root of the root tree.
pub type RootHash = [u8; 32];
