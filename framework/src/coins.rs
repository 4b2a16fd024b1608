//! Coins: a denom and a non-negative u128 amount. Arithmetic is checked: an overflow is
//! an error, never a wrap.

use std::fmt;

use crate::{sdk, Error};

/// One amount of one denom.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Coin {
    pub denom: String,
    pub amount: u128,
}

/// Checks a denom as the Cosmos SDK does: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub fn validate_denom(denom: &str) -> Result<(), Error> {
    let ok = (3..=128).contains(&denom.len())
        && denom.starts_with(|c: char| c.is_ascii_alphabetic())
        && denom.chars().all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(sdk::invalid_coins(format!("invalid denom: {denom:?}")))
    }
}

/// Parses a decimal amount strictly: digits only, no sign, fits in u128.
pub fn parse_amount(text: &str) -> Result<u128, Error> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(sdk::invalid_coins(format!("invalid amount {text:?}: expected a non-negative integer")));
    }
    text.parse::<u128>().map_err(|_| sdk::invalid_coins(format!("amount {text} overflows a 128-bit integer")))
}

impl Coin {
    pub fn new(denom: impl Into<String>, amount: u128) -> Self {
        Self { denom: denom.into(), amount }
    }

    /// From the protobuf form (`cosmos.base.v1beta1.Coin`), checking denom and amount.
    pub fn from_parts(denom: &str, amount: &str) -> Result<Self, Error> {
        validate_denom(denom)?;
        Ok(Self { denom: denom.to_owned(), amount: parse_amount(amount)? })
    }
}

/// The protobuf coin (`cosmos.base.v1beta1.Coin`), the one wire form of coins.
pub type ProtoCoin = cosmos_sdk_proto::cosmos::base::v1beta1::Coin;

impl Coin {
    /// The protobuf form (decimal amount).
    pub fn to_proto(&self) -> ProtoCoin {
        ProtoCoin { denom: self.denom.clone(), amount: self.amount.to_string() }
    }

    /// From the protobuf form, checking denom and amount.
    pub fn from_proto(coin: &ProtoCoin) -> Result<Self, Error> {
        Self::from_parts(&coin.denom, &coin.amount)
    }
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// A set of coins: sorted by denom, no duplicates, every amount positive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Coins(Vec<Coin>);

impl Coins {
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Validates `coins` as given: sorted, unique, positive (what messages must carry).
    pub fn new(coins: Vec<Coin>) -> Result<Self, Error> {
        for coin in &coins {
            validate_denom(&coin.denom)?;
            if coin.amount == 0 {
                return Err(sdk::invalid_coins(format!("coin {coin} has a zero amount")));
            }
        }
        for pair in coins.windows(2) {
            if pair[0].denom >= pair[1].denom {
                return Err(sdk::invalid_coins(format!(
                    "coins must be sorted by denom without duplicates: {} then {}",
                    pair[0].denom, pair[1].denom
                )));
            }
        }
        Ok(Self(coins))
    }

    /// Parses text such as `"100uvrt,5ibc/AB"` (any order), for command lines.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut coins = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let split = part.find(|c: char| !c.is_ascii_digit()).unwrap_or(part.len());
            let (amount, denom) = part.split_at(split);
            coins.push(Coin::from_parts(denom, amount).map_err(|e| e.context(format!("coin {part:?}")))?);
        }
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        Self::new(coins)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Coin> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn amount_of(&self, denom: &str) -> u128 {
        self.0.iter().find(|c| c.denom == denom).map_or(0, |c| c.amount)
    }

    /// Adds `other`, failing on overflow.
    pub fn checked_add(&self, other: &Coins) -> Result<Coins, Error> {
        let mut out: std::collections::BTreeMap<&str, u128> =
            self.0.iter().map(|c| (c.denom.as_str(), c.amount)).collect();
        for coin in &other.0 {
            let entry = out.entry(coin.denom.as_str()).or_insert(0);
            *entry = entry
                .checked_add(coin.amount)
                .ok_or_else(|| sdk::invalid_coins(format!("sum of {} overflows", coin.denom)))?;
        }
        Ok(Coins(out.into_iter().map(|(d, a)| Coin::new(d, a)).collect()))
    }

    pub fn into_vec(self) -> Vec<Coin> {
        self.0
    }

    /// The protobuf form, in denom order.
    pub fn to_proto(&self) -> Vec<ProtoCoin> {
        self.0.iter().map(Coin::to_proto).collect()
    }

    /// From protobuf coins that must already form a valid set (sorted, unique, positive).
    pub fn from_proto(coins: &[ProtoCoin]) -> Result<Self, Error> {
        Self::new(coins.iter().map(Coin::from_proto).collect::<Result<_, _>>()?)
    }

    /// From protobuf coins in any order (as clients send fees): sorted, then checked.
    pub fn from_proto_unsorted(coins: &[ProtoCoin]) -> Result<Self, Error> {
        let mut coins: Vec<Coin> = coins.iter().map(Coin::from_proto).collect::<Result<_, _>>()?;
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        Self::new(coins)
    }
}

impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(Coin::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denoms_and_amounts_are_checked_strictly() {
        for good in ["uvrt", "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2", "a.b-c:d_e"] {
            validate_denom(good).unwrap();
        }
        for bad in ["", "ab", "1uvrt", "uv rt", "uvrt!"] {
            assert_eq!(validate_denom(bad).unwrap_err().code(), 10, "{bad}");
        }
        assert_eq!(parse_amount("340282366920938463463374607431768211455").unwrap(), u128::MAX);
        assert!(parse_amount("340282366920938463463374607431768211456").unwrap_err().log().contains("overflow"));
        for bad in ["", "-1", "+1", "1.5", " 1"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coin_sets_are_sorted_unique_and_positive() {
        assert_eq!(Coins::parse("5zzz,10uvrt").unwrap().to_string(), "10uvrt,5zzz");
        assert!(Coins::parse("0uvrt").is_err());
        assert!(Coins::parse("1uvrt,2uvrt").is_err());
        assert!(Coins::new(vec![Coin::new("zzz", 1), Coin::new("aaa", 1)]).is_err());
        let max = Coins::new(vec![Coin::new("uvrt", u128::MAX)]).unwrap();
        assert!(max.checked_add(&Coins::parse("1uvrt").unwrap()).is_err());
        assert_eq!(
            Coins::parse("1uvrt").unwrap().checked_add(&Coins::parse("2abc,2uvrt").unwrap()).unwrap().to_string(),
            "2abc,3uvrt"
        );
    }
}
