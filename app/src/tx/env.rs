//! The transaction environment: the module set and the ports the pipeline is wired
//! to (see `ports.rs`), plus the node's local CheckTx policy.

use std::sync::Arc;

use veritas_framework::ModuleSet;

use super::fees::MinGasPrices;
use super::ports::{AccountStore, FeePayer, SimulationPolicy};
use super::signature::VerifiedSignatures;

/// Everything the transaction path needs besides state.
pub struct TxEnv {
    pub modules: ModuleSet,
    pub accounts: Arc<dyn AccountStore>,
    pub fees: Arc<dyn FeePayer>,
    pub simulation: Arc<dyn SimulationPolicy>,
    /// Local policy, applied in CheckTx only.
    pub min_gas_prices: MinGasPrices,
    /// Signatures this node already verified (CheckTx, recheck and block share them).
    pub signatures: VerifiedSignatures,
}
