//! Stopping the node when continuing would risk consensus safety.

/// Logs `message` and exits. Used only where ABCI gives no way to return an error
/// (InitChain, FinalizeBlock, Commit) and going on could diverge from other nodes.
/// State is safe: commits are atomic, so a restart resumes from the last one.
pub fn fatal(message: impl std::fmt::Display) -> ! {
    tracing::error!("fatal: {message}");
    eprintln!("veritasd: fatal: {message}");
    std::process::exit(1)
}
