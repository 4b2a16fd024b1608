//! The only door to the `poa` substore.
//!
//! Layout:
//! - `v/<pub_key>` → `Validator` (protobuf; 32-byte ed25519 key, so key order is the
//!   order CometBFT gets updates in);
//! - `a/<address>` → pub_key (the 20-byte CometBFT address, for lookups by address);
//! - `totals` → total power (i64) ‖ validator count (u32), big-endian;
//! - `block/power` → the block's start total (i64) ‖ power removed so far (i64), and
//!   `block/u/<pub_key>` → the validator's new power (i64, 0 for a removal; empty for
//!   a moniker-only change, which CometBFT need not hear of). These two exist only
//!   while a block runs: [`PoaKeeper::take_updates`] clears them at its end, so
//!   committed state (queries, export) never holds them.

use prost::Message;
use veritas_framework::{sdk, Context, Error, StoreKey, StoreRead, ValidatorUpdate, MAX_TOTAL_VOTING_POWER};
use veritas_proto::poa::v1 as pb;

use crate::errors;
use crate::pubkey::{self, ADDRESS_LEN, PUB_KEY_LEN};

/// Private: every read and write of the `poa` substore goes through the keeper.
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);
pub(crate) const VALIDATOR_PREFIX: &[u8] = b"v/";
const ADDRESS_PREFIX: &[u8] = b"a/";
const TOTALS_KEY: &[u8] = b"totals";
const BLOCK_POWER_KEY: &[u8] = b"block/power";
const PENDING_PREFIX: &[u8] = b"block/u/";

fn validator_key(pub_key: &[u8]) -> Vec<u8> {
    [VALIDATOR_PREFIX, pub_key].concat()
}

fn address_key(address: &[u8]) -> Vec<u8> {
    [ADDRESS_PREFIX, address].concat()
}

fn pending_key(pub_key: &[u8]) -> Vec<u8> {
    [PENDING_PREFIX, pub_key].concat()
}

fn corrupt(what: &str) -> Error {
    sdk::internal(format!("corrupt poa {what} in state"))
}

pub(crate) fn decode_validator(raw: &[u8]) -> Result<pb::Validator, Error> {
    pb::Validator::decode(raw).map_err(|e| sdk::internal(format!("corrupt poa validator in state: {e}")))
}

fn i64_at(raw: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_be_bytes(raw.get(at..at + 8)?.try_into().ok()?))
}

/// The set's total voting power and size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub power: i64,
    pub validators: u32,
}

impl Totals {
    fn encode(&self) -> Vec<u8> {
        [self.power.to_be_bytes().as_slice(), &self.validators.to_be_bytes()].concat()
    }

    fn decode(raw: &[u8]) -> Result<Self, Error> {
        match (i64_at(raw, 0), raw.get(8..).and_then(|r| <[u8; 4]>::try_from(r).ok())) {
            (Some(power), Some(count)) => Ok(Self { power, validators: u32::from_be_bytes(count) }),
            _ => Err(corrupt("totals")),
        }
    }
}

/// This block's removal budget: the total power when it began, and how much of it its
/// changes have removed so far (power decreases and removals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockPower {
    start_total: i64,
    removed: i64,
}

impl BlockPower {
    fn encode(&self) -> Vec<u8> {
        [self.start_total.to_be_bytes(), self.removed.to_be_bytes()].concat()
    }

    fn decode(raw: &[u8]) -> Result<Self, Error> {
        match (raw.len(), i64_at(raw, 0), i64_at(raw, 8)) {
            (16, Some(start_total), Some(removed)) => Ok(Self { start_total, removed }),
            _ => Err(corrupt("block power")),
        }
    }

    /// The budget after removing `more`, or the error if the block would then have
    /// removed a third or more of its starting power (CometBFT's light clients need
    /// more than two thirds of a trusted set to carry over to the next).
    fn remove(self, more: i64) -> Result<Self, Error> {
        let removed = i128::from(self.removed) + i128::from(more);
        if removed * 3 >= i128::from(self.start_total) {
            return Err(errors::too_much_power_removed(format!(
                "this block would remove {removed} of the {} voting power the set had when it began; \
                 a block may remove less than a third",
                self.start_total
            )));
        }
        Ok(Self { removed: removed as i64, ..self })
    }
}

/// Keeps the validator set and this block's pending changes.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoaKeeper;

impl PoaKeeper {
    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    /// The validator with consensus key `pub_key`, if it is in the set.
    pub fn validator(&self, kv: &mut impl StoreRead, pub_key: &[u8]) -> Result<Option<pb::Validator>, Error> {
        kv.get(&validator_key(pub_key))?.map(|raw| decode_validator(&raw)).transpose()
    }

    /// The validator whose CometBFT address is `address`, if it is in the set.
    pub fn validator_by_address(
        &self,
        kv: &mut impl StoreRead,
        address: &[u8; ADDRESS_LEN],
    ) -> Result<Option<pb::Validator>, Error> {
        match kv.get(&address_key(address))? {
            Some(pub_key) => self.validator(kv, &pub_key)?.map(Some).ok_or_else(|| corrupt("address index")),
            None => Ok(None),
        }
    }

    /// Every validator, in key order.
    pub fn validators(&self, kv: &mut impl StoreRead) -> Result<Vec<pb::Validator>, Error> {
        kv.scan_all(VALIDATOR_PREFIX)?.iter().map(|(_, raw)| decode_validator(raw)).collect()
    }

    /// The set's total power and size (zero before genesis).
    pub fn totals(&self, kv: &mut impl StoreRead) -> Result<Totals, Error> {
        kv.get(TOTALS_KEY)?.map(|raw| Totals::decode(&raw)).transpose().map(Option::unwrap_or_default)
    }

    /// Writes a whole set (genesis, or CometBFT's genesis validators), without the
    /// per-block rails; the caller has checked every entry (valid, no duplicates,
    /// total within the limit) and that the set is empty.
    pub(crate) fn init_set(&self, ctx: &mut Context<'_>, set: &[pb::Validator]) -> Result<(), Error> {
        let mut totals = self.totals(&mut ctx.kv(&STORE_KEY))?;
        for v in set {
            self.write_validator(ctx, v, true)?;
            totals.power = totals.power.checked_add(v.power).ok_or_else(|| errors::total_power_exceeded("overflow"))?;
            totals.validators = totals.validators.checked_add(1).ok_or_else(|| sdk::internal("too many validators"))?;
        }
        ctx.kv(&STORE_KEY).set(TOTALS_KEY.to_vec(), totals.encode())
    }

    /// Writes a validator's record, and its address index when it is `new` to the set.
    fn write_validator(&self, ctx: &mut Context<'_>, v: &pb::Validator, new: bool) -> Result<(), Error> {
        let key: [u8; PUB_KEY_LEN] = v.pub_key.as_slice().try_into().map_err(|_| corrupt("validator key"))?;
        let mut kv = ctx.kv(&STORE_KEY);
        kv.set(validator_key(&key), v.encode_to_vec())?;
        if new {
            kv.set(address_key(&pubkey::address(&key)), key.to_vec())?;
        }
        Ok(())
    }

    /// The block's budget so far, or a fresh one if this is its first change.
    fn block_power(&self, ctx: &mut Context<'_>, totals: Totals) -> Result<BlockPower, Error> {
        match ctx.kv(&STORE_KEY).get(BLOCK_POWER_KEY)? {
            Some(raw) => BlockPower::decode(&raw),
            // No change yet this block, so the current total is the one it began with.
            None => Ok(BlockPower { start_total: totals.power, removed: 0 }),
        }
    }

    fn ensure_not_updated(&self, ctx: &mut Context<'_>, pub_key: &[u8; PUB_KEY_LEN]) -> Result<(), Error> {
        if ctx.kv(&STORE_KEY).has(&pending_key(pub_key))? {
            return Err(errors::already_updated(format!(
                "validator {} already changed in this block; send the next change in a later block",
                pubkey::address_hex(pub_key)
            )));
        }
        Ok(())
    }

    /// Adds validator `pub_key` with `power` and `moniker`, or changes its power and
    /// moniker, under the per-block rails. Changes nothing when it fails. Returns the
    /// validator as now stored.
    pub(crate) fn set_validator(
        &self,
        ctx: &mut Context<'_>,
        pub_key: &[u8; PUB_KEY_LEN],
        power: i64,
        moniker: &str,
    ) -> Result<pb::Validator, Error> {
        self.ensure_not_updated(ctx, pub_key)?;
        let mut kv = ctx.kv(&STORE_KEY);
        let current = self.validator(&mut kv, pub_key)?;
        let mut totals = self.totals(&mut kv)?;
        let old_power = match &current {
            Some(v) if v.power == power && v.moniker == moniker => {
                // Refused rather than ignored: it would use up the validator's one change
                // of the block for nothing.
                return Err(errors::no_change(format!(
                    "validator {} already has power {power} and moniker {moniker:?}",
                    v.address
                )));
            }
            Some(v) => v.power,
            None => 0,
        };
        let mut block = self.block_power(ctx, totals)?;
        if power < old_power {
            block = block.remove(old_power - power)?;
        }
        let total = i128::from(totals.power) - i128::from(old_power) + i128::from(power);
        if total > i128::from(MAX_TOTAL_VOTING_POWER) {
            return Err(errors::total_power_exceeded(format!(
                "the total voting power would be {total}, above CometBFT's limit {MAX_TOTAL_VOTING_POWER}"
            )));
        }
        totals.power = total as i64;
        if current.is_none() {
            totals.validators =
                totals.validators.checked_add(1).ok_or_else(|| errors::total_power_exceeded("too many validators"))?;
        }
        let validator = pb::Validator {
            pub_key: pub_key.to_vec(),
            power,
            moniker: moniker.to_owned(),
            address: pubkey::address_hex(pub_key),
        };
        // Every check passed: write.
        self.write_validator(ctx, &validator, current.is_none())?;
        let pending = if power == old_power { Vec::new() } else { power.to_be_bytes().to_vec() };
        let mut kv = ctx.kv(&STORE_KEY);
        kv.set(TOTALS_KEY.to_vec(), totals.encode())?;
        kv.set(BLOCK_POWER_KEY.to_vec(), block.encode())?;
        kv.set(pending_key(pub_key), pending)?;
        Ok(validator)
    }

    /// Removes validator `pub_key` under the per-block rails. Changes nothing when it
    /// fails. Returns the validator removed.
    pub(crate) fn remove_validator(
        &self,
        ctx: &mut Context<'_>,
        pub_key: &[u8; PUB_KEY_LEN],
    ) -> Result<pb::Validator, Error> {
        self.ensure_not_updated(ctx, pub_key)?;
        let mut kv = ctx.kv(&STORE_KEY);
        let current = self.validator(&mut kv, pub_key)?.ok_or_else(|| {
            errors::unknown_validator(format!("validator {} is not in the set", pubkey::address_hex(pub_key)))
        })?;
        let mut totals = self.totals(&mut kv)?;
        if totals.validators <= 1 {
            return Err(errors::empty_validator_set(format!(
                "validator {} is the last one; add another before removing it",
                current.address
            )));
        }
        let block = self.block_power(ctx, totals)?.remove(current.power)?;
        totals.power = totals.power.checked_sub(current.power).ok_or_else(|| corrupt("totals"))?;
        totals.validators -= 1;
        let mut kv = ctx.kv(&STORE_KEY);
        kv.delete(validator_key(pub_key))?;
        kv.delete(address_key(&pubkey::address(pub_key)))?;
        kv.set(TOTALS_KEY.to_vec(), totals.encode())?;
        kv.set(BLOCK_POWER_KEY.to_vec(), block.encode())?;
        kv.set(pending_key(pub_key), 0i64.to_be_bytes().to_vec())?;
        Ok(current)
    }

    /// This block's changes for CometBFT, in key order (power 0 removes), and clears
    /// the block's bookkeeping. A block that changed nothing reads one (empty) range
    /// and writes nothing.
    pub(crate) fn take_updates(&self, ctx: &mut Context<'_>) -> Result<Vec<ValidatorUpdate>, Error> {
        let mut kv = ctx.kv(&STORE_KEY);
        let pending = kv.scan_all(PENDING_PREFIX)?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let mut updates = Vec::with_capacity(pending.len());
        for (key, raw) in pending {
            let ed25519_pub_key: [u8; PUB_KEY_LEN] =
                key[PENDING_PREFIX.len()..].try_into().map_err(|_| corrupt("pending update key"))?;
            if !raw.is_empty() {
                let power = i64_at(&raw, 0).filter(|_| raw.len() == 8).ok_or_else(|| corrupt("pending update"))?;
                updates.push(ValidatorUpdate { ed25519_pub_key, power });
            }
            kv.delete(key)?;
        }
        kv.delete(BLOCK_POWER_KEY.to_vec())?;
        updates.sort();
        Ok(updates)
    }
}
