use thiserror::Error;

/// Errors of the state store. None of them is a consensus failure on its own;
/// callers decide whether to halt (commit failures) or answer an error (queries).
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rocksdb::Error),
    #[error("merkle tree error: {0}")]
    Tree(String),
    #[error("corrupt store: {0}")]
    Corrupt(String),
    #[error("version {requested} is not available (earliest kept {earliest}, latest {latest})")]
    VersionUnavailable { requested: u64, earliest: u64, latest: u64 },
    #[error("the store has no committed version yet")]
    Empty,
    #[error("unknown substore `{0}`")]
    UnknownSubstore(String),
    #[error("{0}")]
    Unsupported(String),
}

impl StoreError {
    pub(crate) fn tree(err: anyhow::Error) -> Self {
        StoreError::Tree(format!("{err:#}"))
    }
}
