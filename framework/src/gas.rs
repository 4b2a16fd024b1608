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

#[cfg(test)]
mod tests {
    use super::*;

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
