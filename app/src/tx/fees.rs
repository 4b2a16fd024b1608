/// This node's minimum gas prices (app.toml `minimum_gas_prices`), enforced in CheckTx
/// only: local policy on top of the consensus minimum (`auth` param `min_gas_prices`).
pub type MinGasPrices = veritas_framework::GasPrices;
