//! The `bank` module: balances, transfers, supply and fees.
//!
//! Empty until the transactions/bank issue lands; it will follow the module shape
//! described in `veritas_framework::Module`.
