use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use prost::Message;
use veritas_framework::{sdk, Address, Context, Error, StoreKey, StoreRead};

use crate::Params;

/// Private: holding the key is what makes this keeper the only door to `auth` state.
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);

pub(crate) const ACCOUNT_PREFIX: &[u8] = b"acc/";
const NEXT_NUMBER_KEY: &[u8] = b"next_account_number";
const PARAMS_KEY: &[u8] = b"params";

fn account_key(address: &Address) -> Vec<u8> {
    [ACCOUNT_PREFIX, address.as_bytes()].concat()
}

/// Reads and writes accounts and auth params.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountKeeper;

impl AccountKeeper {
    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    pub fn account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<Option<BaseAccount>, Error> {
        read_account(&mut ctx.kv(&STORE_KEY), address)
    }

    pub fn set_account(&self, ctx: &mut Context<'_>, account: &BaseAccount) -> Result<(), Error> {
        let address = Address::from_bech32(&account.address)?;
        ctx.kv(&STORE_KEY).set(account_key(&address), account.encode_to_vec())
    }

    /// The account at `address`, created with the next account number if new.
    pub fn get_or_create(&self, ctx: &mut Context<'_>, address: &Address) -> Result<BaseAccount, Error> {
        if let Some(account) = self.account(ctx, address)? {
            return Ok(account);
        }
        let mut kv = ctx.kv(&STORE_KEY);
        let number = read_u64(&mut kv, NEXT_NUMBER_KEY)?.unwrap_or(0);
        let next = number.checked_add(1).ok_or_else(|| sdk::internal("account numbers exhausted"))?;
        kv.set(NEXT_NUMBER_KEY.to_vec(), next.to_be_bytes().to_vec())?;
        let account = BaseAccount { address: address.to_bech32(), pub_key: None, account_number: number, sequence: 0 };
        kv.set(account_key(address), account.encode_to_vec())?;
        Ok(account)
    }

    /// An account as committed state holds it, outside any transaction (no gas).
    pub fn read_committed(
        state: &dyn veritas_framework::store::KvRead,
        address: &Address,
    ) -> Result<Option<BaseAccount>, Error> {
        let ctx = veritas_framework::QueryContext::new(0, "", state);
        read_account(&mut ctx.kv(&STORE_KEY), address)
    }

    /// Auth params as `state` holds them, outside any transaction (no gas).
    pub fn read_params_committed(state: &dyn veritas_framework::store::KvRead) -> Result<Params, Error> {
        let ctx = veritas_framework::QueryContext::new(0, "", state);
        read_params(&mut ctx.kv(&STORE_KEY))
    }

    pub fn params(&self, ctx: &mut Context<'_>) -> Result<Params, Error> {
        read_params(&mut ctx.kv(&STORE_KEY))
    }

    pub(crate) fn set_params(&self, ctx: &mut Context<'_>, params: &Params) -> Result<(), Error> {
        let raw = serde_json::to_vec(params).map_err(|e| sdk::internal(e.to_string()))?;
        ctx.kv(&STORE_KEY).set(PARAMS_KEY.to_vec(), raw)
    }

    pub(crate) fn set_next_number(&self, ctx: &mut Context<'_>, next: u64) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(NEXT_NUMBER_KEY.to_vec(), next.to_be_bytes().to_vec())
    }
}

impl AccountKeeper {
    /// Makes sure an account exists at `address` (bank does this when an address first
    /// receives funds).
    pub fn ensure_account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<(), Error> {
        self.get_or_create(ctx, address).map(|_| ())
    }
}

pub(crate) fn read_account(kv: &mut impl StoreRead, address: &Address) -> Result<Option<BaseAccount>, Error> {
    match kv.get(&account_key(address))? {
        Some(raw) => BaseAccount::decode(raw.as_slice())
            .map(Some)
            .map_err(|e| sdk::internal(format!("corrupt account {address}: {e}"))),
        None => Ok(None),
    }
}

pub(crate) fn read_params(kv: &mut impl StoreRead) -> Result<Params, Error> {
    match kv.get(PARAMS_KEY)? {
        Some(raw) => serde_json::from_slice(&raw).map_err(|e| sdk::internal(format!("corrupt auth params: {e}"))),
        None => Ok(Params::default()),
    }
}

pub(crate) fn all_accounts(kv: &mut impl StoreRead) -> Result<Vec<BaseAccount>, Error> {
    kv.scan_all(ACCOUNT_PREFIX)?
        .iter()
        .map(|(key, raw)| {
            BaseAccount::decode(raw.as_slice())
                .map_err(|e| sdk::internal(format!("corrupt account under key {}: {e}", String::from_utf8_lossy(key))))
        })
        .collect()
}

pub(crate) fn decode_account(raw: &[u8]) -> Result<BaseAccount, Error> {
    BaseAccount::decode(raw).map_err(|e| sdk::internal(format!("corrupt account: {e}")))
}

fn read_u64(kv: &mut impl StoreRead, key: &[u8]) -> Result<Option<u64>, Error> {
    match kv.get(key)? {
        Some(raw) => {
            Ok(Some(u64::from_be_bytes(raw.as_slice().try_into().map_err(|_| sdk::internal("corrupt counter"))?)))
        }
        None => Ok(None),
    }
}
