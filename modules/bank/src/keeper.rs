use std::sync::Arc;

use crate::expected_keepers::Accounts;
use cosmos_sdk_proto::cosmos::bank::v1beta1::Metadata;
use prost::Message;
use veritas_framework::{sdk, Address, Coin, Coins, Context, Error, StoreKey, StoreRead};

use crate::events;
use crate::params::Params;

/// Private: holding the key is what makes this keeper the only door to `bank` state.
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);

const BALANCE_PREFIX: &[u8] = b"bal/";
const SUPPLY_PREFIX: &[u8] = b"supply/";
const METADATA_PREFIX: &[u8] = b"meta/";
/// Written only once params differ from the defaults (chains that never change them
/// keep their state, and app hash, as before params existed).
const PARAMS_KEY: &[u8] = b"params";

/// Name of the module account that collects transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";

/// `bal/ ‖ len(addr) ‖ addr`: the prefix of one account's balances, so they scan in denom order.
pub(crate) fn balances_prefix(address: &Address) -> Vec<u8> {
    let bytes = address.as_bytes();
    let mut key = Vec::with_capacity(BALANCE_PREFIX.len() + 1 + bytes.len());
    key.extend_from_slice(BALANCE_PREFIX);
    key.push(bytes.len() as u8);
    key.extend_from_slice(bytes);
    key
}

fn balance_key(address: &Address, denom: &str) -> Vec<u8> {
    let mut key = balances_prefix(address);
    key.extend_from_slice(denom.as_bytes());
    key
}

pub(crate) fn supply_prefix() -> &'static [u8] {
    SUPPLY_PREFIX
}

pub(crate) fn metadata_prefix() -> &'static [u8] {
    METADATA_PREFIX
}

fn supply_key(denom: &str) -> Vec<u8> {
    [SUPPLY_PREFIX, denom.as_bytes()].concat()
}

pub(crate) fn decode_amount(raw: &[u8]) -> Result<u128, Error> {
    Ok(u128::from_be_bytes(raw.try_into().map_err(|_| sdk::internal("corrupt amount in bank store"))?))
}

/// Balances, supply and metadata.
#[derive(Clone)]
pub struct BankKeeper {
    accounts: Arc<dyn Accounts>,
}

impl BankKeeper {
    pub fn new(accounts: Arc<dyn Accounts>) -> Self {
        Self { accounts }
    }

    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    /// The params (the defaults until the authority changes them).
    pub fn params(kv: &mut impl StoreRead) -> Result<Params, Error> {
        match kv.get(PARAMS_KEY)? {
            Some(raw) => serde_json::from_slice(&raw).map_err(|e| sdk::internal(format!("corrupt bank params: {e}"))),
            None => Ok(Params::default()),
        }
    }

    pub(crate) fn set_params(&self, ctx: &mut Context<'_>, params: &Params) -> Result<(), Error> {
        let raw = serde_json::to_vec(params).map_err(|e| sdk::internal(e.to_string()))?;
        ctx.kv(&STORE_KEY).set(PARAMS_KEY.to_vec(), raw)
    }

    /// Refuses user transfers while the params disable sending (SDK: ErrSendDisabled).
    pub(crate) fn ensure_send_enabled(&self, ctx: &mut Context<'_>, amount: &Coins) -> Result<(), Error> {
        if Self::params(&mut ctx.kv(&STORE_KEY))?.default_send_enabled {
            return Ok(());
        }
        let denom = amount.iter().next().map_or("coin", |c| c.denom.as_str()).to_owned();
        Err(crate::errors::send_disabled(format!("{denom} transfers are currently disabled")))
    }

    pub fn balance(&self, ctx: &mut Context<'_>, address: &Address, denom: &str) -> Result<u128, Error> {
        read_balance(&mut ctx.kv(&STORE_KEY), address, denom)
    }

    /// Moves `amount` from `from` to `to`, creating `to`'s account if it is new.
    pub fn send(&self, ctx: &mut Context<'_>, from: &Address, to: &Address, amount: &Coins) -> Result<(), Error> {
        self.subtract(ctx, from, amount)?;
        self.add(ctx, to, amount)?;
        self.accounts.ensure_account(ctx, to)?;
        ctx.emit(events::transfer(to, from, amount));
        ctx.emit(events::message_sender(from));
        Ok(())
    }

    /// Takes `amount` from `from`; fails without writing if any denom is short.
    pub(crate) fn subtract(&self, ctx: &mut Context<'_>, from: &Address, amount: &Coins) -> Result<(), Error> {
        let mut kv = ctx.kv(&STORE_KEY);
        let mut updates = Vec::new();
        for coin in amount.iter() {
            let have = read_balance(&mut kv, from, &coin.denom)?;
            let left = have.checked_sub(coin.amount).ok_or_else(|| {
                sdk::insufficient_funds(format!(
                    "spendable balance {have}{} is smaller than {coin}: insufficient funds",
                    coin.denom
                ))
            })?;
            updates.push((balance_key(from, &coin.denom), left));
        }
        for (key, left) in updates {
            if left == 0 {
                kv.delete(key)?;
            } else {
                kv.set(key, left.to_be_bytes().to_vec())?;
            }
        }
        ctx.emit(events::coin_spent(from, amount));
        Ok(())
    }

    /// Adds `amount` to `to`; an overflow fails without writing.
    pub(crate) fn add(&self, ctx: &mut Context<'_>, to: &Address, amount: &Coins) -> Result<(), Error> {
        let mut kv = ctx.kv(&STORE_KEY);
        let mut updates = Vec::new();
        for coin in amount.iter() {
            let have = read_balance(&mut kv, to, &coin.denom)?;
            let total = have
                .checked_add(coin.amount)
                .ok_or_else(|| sdk::invalid_coins(format!("balance of {} in {to} would overflow", coin.denom)))?;
            updates.push((balance_key(to, &coin.denom), total));
        }
        for (key, total) in updates {
            kv.set(key, total.to_be_bytes().to_vec())?;
        }
        ctx.emit(events::coin_received(to, amount));
        Ok(())
    }

    pub(crate) fn ensure_account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<(), Error> {
        self.accounts.ensure_account(ctx, address)
    }

    pub(crate) fn set_balance(&self, ctx: &mut Context<'_>, address: &Address, coin: &Coin) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(balance_key(address, &coin.denom), coin.amount.to_be_bytes().to_vec())
    }

    pub(crate) fn set_supply(&self, ctx: &mut Context<'_>, coin: &Coin) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(supply_key(&coin.denom), coin.amount.to_be_bytes().to_vec())
    }

    pub(crate) fn set_metadata(&self, ctx: &mut Context<'_>, metadata: &Metadata) -> Result<(), Error> {
        let key = [METADATA_PREFIX, metadata.base.as_bytes()].concat();
        ctx.kv(&STORE_KEY).set(key, metadata.encode_to_vec())
    }
}

/// Supply changes (ICS-20 vouchers).
impl BankKeeper {
    /// Creates `amount` in `to` and adds it to the supply.
    pub fn mint(&self, ctx: &mut Context<'_>, to: &Address, amount: &Coins) -> Result<(), Error> {
        for coin in amount.iter() {
            let supply = read_supply(&mut ctx.kv(&STORE_KEY), &coin.denom)?;
            let supply = supply
                .checked_add(coin.amount)
                .ok_or_else(|| sdk::invalid_coins(format!("supply of {} would overflow", coin.denom)))?;
            self.set_supply(ctx, &Coin::new(coin.denom.clone(), supply))?;
        }
        self.add(ctx, to, amount)?;
        self.accounts.ensure_account(ctx, to)
    }

    /// Destroys `amount` held by `from` and takes it from the supply.
    pub fn burn(&self, ctx: &mut Context<'_>, from: &Address, amount: &Coins) -> Result<(), Error> {
        self.subtract(ctx, from, amount)?;
        for coin in amount.iter() {
            let supply = read_supply(&mut ctx.kv(&STORE_KEY), &coin.denom)?;
            let supply = supply
                .checked_sub(coin.amount)
                .ok_or_else(|| sdk::internal(format!("supply of {} is below an amount held", coin.denom)))?;
            if supply == 0 {
                ctx.kv(&STORE_KEY).delete(supply_key(&coin.denom))?;
            } else {
                self.set_supply(ctx, &Coin::new(coin.denom.clone(), supply))?;
            }
        }
        Ok(())
    }
}

/// Fees: what the app wires to the tx pipeline's fee and simulation interfaces.
impl BankKeeper {
    /// Whether `payer` holds at least `fee` in committed state, outside any transaction.
    pub fn covers_committed(
        &self,
        committed: &dyn veritas_framework::store::KvRead,
        payer: &Address,
        fee: &Coins,
    ) -> Result<bool, Error> {
        let ctx = veritas_framework::QueryContext::new(0, "", committed);
        let mut kv = ctx.kv(&STORE_KEY);
        for coin in fee.iter() {
            if read_balance(&mut kv, payer, &coin.denom)? < coin.amount {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// One unit of `payer`'s first denom (none if it holds nothing): what a simulation
    /// sent without a fee moves, so its estimate includes the real fee's transfer.
    pub fn stand_in_fee(&self, ctx: &mut Context<'_>, payer: &Address) -> Result<Coins, Error> {
        let first = ctx.kv(&STORE_KEY).scan(&balances_prefix(payer), None, 1)?;
        match first.first() {
            Some((key, _)) => {
                let denom = String::from_utf8_lossy(&key[balances_prefix(payer).len()..]).into_owned();
                Coins::new(vec![Coin::new(denom, 1)])
            }
            None => Ok(Coins::empty()),
        }
    }

    /// Moves `fee` from `payer` to the fee collector module account.
    pub fn collect_fee(&self, ctx: &mut Context<'_>, payer: &Address, fee: &Coins) -> Result<(), Error> {
        let collector = Address::for_module(FEE_COLLECTOR);
        self.send(ctx, payer, &collector, fee).map_err(|e| {
            if e.code() == 5 {
                sdk::insufficient_funds(format!("{}: insufficient fees", e.log()))
            } else {
                e
            }
        })
    }
}

pub(crate) fn read_balance(kv: &mut impl StoreRead, address: &Address, denom: &str) -> Result<u128, Error> {
    kv.get(&balance_key(address, denom))?.map_or(Ok(0), |raw| decode_amount(&raw))
}

pub(crate) fn read_supply(kv: &mut impl StoreRead, denom: &str) -> Result<u128, Error> {
    kv.get(&supply_key(denom))?.map_or(Ok(0), |raw| decode_amount(&raw))
}

pub(crate) fn read_metadata(kv: &mut impl StoreRead, denom: &str) -> Result<Option<Metadata>, Error> {
    match kv.get(&[METADATA_PREFIX, denom.as_bytes()].concat())? {
        Some(raw) => {
            Metadata::decode(raw.as_slice()).map(Some).map_err(|e| sdk::internal(format!("corrupt metadata: {e}")))
        }
        None => Ok(None),
    }
}
