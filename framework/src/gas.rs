use crate::{sdk, Error};

/// Gas charged for state access, per operation and per byte.
///
/// The figures are the Cosmos SDK's `KVGasConfig` defaults (store/types/gas.go), so a
/// transaction costs about what a Cosmos chain charges for the same reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvGasConfig {
    pub has_cost: u64,
    pub delete_cost: u64,
    pub read_cost_flat: u64,
    pub read_cost_per_byte: u64,
    pub write_cost_flat: u64,
    pub write_cost_per_byte: u64,
    pub iter_next_cost_flat: u64,
}

/// The gas table in force.
pub const KV_GAS: KvGasConfig = KvGasConfig {
    has_cost: 1000,
    delete_cost: 1000,
    read_cost_flat: 1000,
    read_cost_per_byte: 3,
    write_cost_flat: 2000,
    write_cost_per_byte: 30,
    iter_next_cost_flat: 30,
};

/// Counts gas against a limit. Consumption saturates; exceeding the limit is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasMeter {
    limit: Option<u64>,
    consumed: u64,
}

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        Self { limit: Some(limit), consumed: 0 }
    }

    /// A meter without limit, for genesis and block hooks.
    pub fn infinite() -> Self {
        Self { limit: None, consumed: 0 }
    }

    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Charges `amount`; fails with `out_of_gas` (and keeps the overrun recorded) past the limit.
    pub fn consume(&mut self, amount: u64, descriptor: &str) -> Result<(), Error> {
        self.consumed = self.consumed.saturating_add(amount);
        match self.limit {
            Some(limit) if self.consumed > limit => Err(sdk::out_of_gas(format!(
                "out of gas in location: {descriptor}; gasWanted: {limit}, gasUsed: {}",
                self.consumed
            ))),
            _ => Ok(()),
        }
    }
}

/// The gas of a whole block against consensus `block.max_gas` (the Cosmos SDK's block gas
/// meter): a transaction runs only if its gas limit still fits, and what it used counts.
/// Proposals whose gas limits add up to more are rejected before execution, so in an
/// accepted block this never refuses a transaction; it guards replays and old blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGasMeter {
    limit: Option<u64>,
    used: u64,
}

impl BlockGasMeter {
    pub fn new(limit: Option<u64>) -> Self {
        Self { limit, used: 0 }
    }

    /// Gas used by the block's transactions so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Whether a transaction with `gas_limit` may still run; out of gas if not.
    pub fn admit(&self, gas_limit: u64) -> Result<(), Error> {
        match self.limit {
            Some(limit) if self.used.saturating_add(gas_limit) > limit => Err(sdk::out_of_gas(format!(
                "out of gas in location: block gas meter; the block has used {} of block.max_gas {limit}, the tx wants {gas_limit}",
                self.used
            ))),
            _ => Ok(()),
        }
    }

    pub fn consume(&mut self, gas_used: u64) {
        self.used = self.used.saturating_add(gas_used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_meter_admits_what_fits_and_counts_what_was_used() {
        let mut block = BlockGasMeter::new(Some(1000));
        block.admit(1000).unwrap();
        block.consume(400);
        block.admit(600).unwrap();
        let err = block.admit(601).unwrap_err();
        assert_eq!(err.code(), 11);
        assert!(err.log().contains("block gas meter"), "{}", err.log());
        BlockGasMeter::new(None).admit(u64::MAX).unwrap();
    }

    #[test]
    fn out_of_gas_is_reported_with_location() {
        let mut meter = GasMeter::new(100);
        meter.consume(60, "a").unwrap();
        let err = meter.consume(60, "write").unwrap_err();
        assert_eq!(err.code(), 11);
        assert!(err.log().contains("location: write"), "{}", err.log());
        assert_eq!(meter.consumed(), 120);
    }

    #[test]
    fn infinite_meter_never_fails() {
        let mut meter = GasMeter::infinite();
        meter.consume(u64::MAX, "x").unwrap();
        meter.consume(u64::MAX, "x").unwrap();
        assert_eq!(meter.consumed(), u64::MAX);
    }
}
