use serde::{Deserialize, Serialize};
use veritas_framework::{sdk, Error, GasPrices};

/// Transaction limits and costs, with the Cosmos SDK's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub max_memo_characters: u64,
    pub tx_sig_limit: u64,
    /// Gas per byte of the raw transaction.
    pub tx_size_cost_per_byte: u64,
    /// Gas per secp256k1 signature verified. 5,000 by default, not the Cosmos SDK's 1,000:
    /// Veritas prices a signature at about what its time costs beside state access, so a
    /// block of signatures that fail (which nobody pays for) takes no more than about
    /// three times a block of valid sends (`cargo bench -p veritas-app --bench worst_case`).
    pub sig_verify_cost_secp256k1: u64,
    /// The consensus minimum gas prices (e.g. `"0.0025uvrt"`), checked in blocks as well as
    /// in CheckTx, so junk a proposer puts in a block costs its sender. Empty: none.
    /// Omitted from JSON when empty, so chains from before it keep their genesis hash.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub min_gas_prices: String,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            max_memo_characters: 256,
            tx_sig_limit: 7,
            tx_size_cost_per_byte: 10,
            sig_verify_cost_secp256k1: 5000,
            min_gas_prices: String::new(),
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), Error> {
        if self.tx_sig_limit == 0 {
            return Err(sdk::invalid_request("tx_sig_limit must be positive"));
        }
        if self.tx_size_cost_per_byte == 0 || self.sig_verify_cost_secp256k1 == 0 {
            return Err(sdk::invalid_request("gas costs must be positive"));
        }
        self.gas_prices().map_err(|e| e.context("min_gas_prices"))?;
        Ok(())
    }

    /// The consensus minimum gas prices, parsed.
    pub fn gas_prices(&self) -> Result<GasPrices, Error> {
        GasPrices::parse(&self.min_gas_prices)
    }

    pub fn to_proto(&self) -> cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
        cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
            max_memo_characters: self.max_memo_characters,
            tx_sig_limit: self.tx_sig_limit,
            tx_size_cost_per_byte: self.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: 590,
            sig_verify_cost_secp256k1: self.sig_verify_cost_secp256k1,
        }
    }
}
