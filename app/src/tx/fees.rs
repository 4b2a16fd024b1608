use veritas_framework::{sdk, Coins, Error};

use crate::config::{parse_gas_prices, GasPrice};

/// This node's minimum gas prices (app.toml), enforced in CheckTx only: it is local
/// policy, not consensus.
#[derive(Debug, Clone, Default)]
pub struct MinGasPrices {
    prices: Vec<GasPrice>,
    text: String,
}

impl MinGasPrices {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(Self { prices: parse_gas_prices(text)?, text: text.trim().to_owned() })
    }

    /// The prices as app.toml gives them (e.g. `0.025uvrt`); empty: none.
    pub fn as_text(&self) -> &str {
        &self.text
    }

    /// The fee must reach `ceil(price × gas_limit)` in at least one priced denom
    /// (the Cosmos SDK's `IsAnyGTE`). No prices: any fee passes.
    pub fn check(&self, fee: &Coins, gas_limit: u64) -> Result<(), Error> {
        if self.prices.is_empty() {
            return Ok(());
        }
        let mut required = Vec::new();
        for price in &self.prices {
            let scale = 10u128.pow(price.decimals);
            let needed = price
                .scaled_amount
                .checked_mul(u128::from(gas_limit))
                .map(|n| n.div_ceil(scale))
                .ok_or_else(|| sdk::insufficient_fee("required fee overflows"))?;
            if needed == 0 || fee.amount_of(&price.denom) >= needed {
                return Ok(());
            }
            required.push(format!("{needed}{}", price.denom));
        }
        Err(sdk::insufficient_fee(format!(
            "insufficient fees; got: {} required: {}",
            if fee.is_empty() { "none".to_owned() } else { fee.to_string() },
            required.join(",")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_must_cover_gas_times_price_rounded_up() {
        let prices = MinGasPrices::parse("0.025uvrt").unwrap();
        prices.check(&Coins::parse("5000uvrt").unwrap(), 200_000).unwrap();
        let err = prices.check(&Coins::parse("4999uvrt").unwrap(), 200_000).unwrap_err();
        assert_eq!(err.code(), 13);
        assert!(err.log().contains("required: 5000uvrt"), "{}", err.log());
        // 0.025 × 1 = 0.025 → 1 after rounding up.
        assert!(prices.check(&Coins::empty(), 1).is_err());
        prices.check(&Coins::parse("1uvrt").unwrap(), 1).unwrap();
        MinGasPrices::default().check(&Coins::empty(), 1_000_000).unwrap();
    }
}
