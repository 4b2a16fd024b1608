//! Gas prices (`"0.025uvrt,1ibc/ABC"`), exact decimal fractions, and the fee rule they
//! impose: the node's local `minimum_gas_prices` in CheckTx and the consensus minimum
//! (`auth` param `min_gas_prices`) in every mode.

use crate::{sdk, Coins, Error};

/// A decimal amount per unit of gas in one denom, kept as an exact fraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    /// The amount scaled by 10^`decimals`.
    pub scaled_amount: u128,
    pub decimals: u32,
    pub denom: String,
}

impl GasPrice {
    /// The fee this price asks of `gas_limit` gas: `ceil(price × gas_limit)`, or `None`
    /// when that overflows.
    pub fn fee_for(&self, gas_limit: u64) -> Option<u128> {
        let scale = 10u128.pow(self.decimals);
        self.scaled_amount.checked_mul(u128::from(gas_limit)).map(|n| n.div_ceil(scale))
    }
}

/// A list of gas prices; empty means no minimum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasPrices {
    prices: Vec<GasPrice>,
    text: String,
}

impl GasPrices {
    /// Parses `"0.025uvrt, 2ibc/AB12"` strictly: digits with at most one point and 18
    /// decimals, then a denom; empty text is no minimum.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |log: String| sdk::invalid_coins(log);
        let mut prices = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let split = part
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(|| bad(format!("gas price {part:?} has no denom (expected e.g. 0.025uvrt)")))?;
            let (amount, denom) = part.split_at(split);
            let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
            if int.is_empty() || frac.contains('.') || frac.len() > 18 {
                return Err(bad(format!("gas price {part:?} has a malformed amount")));
            }
            if !denom.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                || !denom.chars().all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
            {
                return Err(bad(format!("gas price {part:?} has an invalid denom {denom:?}")));
            }
            let scaled_amount = format!("{int}{frac}")
                .parse::<u128>()
                .map_err(|_| bad(format!("gas price {part:?} is out of range")))?;
            prices.push(GasPrice { scaled_amount, decimals: frac.len() as u32, denom: denom.to_owned() });
        }
        Ok(Self { prices, text: text.trim().to_owned() })
    }

    /// The prices, in the order given.
    pub fn prices(&self) -> &[GasPrice] {
        &self.prices
    }

    /// The prices as written (e.g. `0.025uvrt`); empty: none.
    pub fn as_text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// The fee must reach `ceil(price × gas_limit)` in at least one priced denom
    /// (the Cosmos SDK's `IsAnyGTE`). No prices: any fee passes.
    pub fn check(&self, fee: &Coins, gas_limit: u64) -> Result<(), Error> {
        if self.prices.is_empty() {
            return Ok(());
        }
        let mut required = Vec::new();
        for price in &self.prices {
            let needed = price.fee_for(gas_limit).ok_or_else(|| sdk::insufficient_fee("required fee overflows"))?;
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
    fn gas_prices_parse_exactly() {
        let prices = GasPrices::parse("0.025uvrt, 2ibc/AB12").unwrap();
        assert_eq!(prices.prices()[0], GasPrice { scaled_amount: 25, decimals: 3, denom: "uvrt".into() });
        assert_eq!(prices.prices()[1], GasPrice { scaled_amount: 2, decimals: 0, denom: "ibc/AB12".into() });
        assert!(GasPrices::parse("").unwrap().is_empty());
        for bad in ["uvrt", "0.1.2uvrt", "1", ".5uvrt", "1 uvrt x", "-1uvrt"] {
            assert!(GasPrices::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fee_must_cover_gas_times_price_rounded_up() {
        let prices = GasPrices::parse("0.025uvrt").unwrap();
        prices.check(&Coins::parse("5000uvrt").unwrap(), 200_000).unwrap();
        let err = prices.check(&Coins::parse("4999uvrt").unwrap(), 200_000).unwrap_err();
        assert_eq!(err.code(), 13);
        assert!(err.log().contains("required: 5000uvrt"), "{}", err.log());
        // 0.025 × 1 = 0.025 → 1 after rounding up.
        assert!(prices.check(&Coins::empty(), 1).is_err());
        prices.check(&Coins::parse("1uvrt").unwrap(), 1).unwrap();
        GasPrices::default().check(&Coins::empty(), 1_000_000).unwrap();
        assert_eq!(prices.prices()[0].fee_for(3), Some(1));
        assert_eq!(prices.prices()[0].fee_for(u64::MAX), Some(u128::from(u64::MAX).div_ceil(40)));
    }
}
