//! The only door to the `authority` substore: one key holding the authority's address.

use veritas_framework::{Address, Context, Error, StoreKey, StoreRead};

use crate::errors;

/// Private: every read and write of the `authority` substore goes through the keeper.
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);
const AUTHORITY_KEY: &[u8] = b"authority";

/// Reads and changes the chain's authority; answers other modules' authority checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthorityKeeper;

impl AuthorityKeeper {
    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    /// The authority, if the chain has one.
    pub fn authority(&self, kv: &mut impl StoreRead) -> Result<Option<Address>, Error> {
        match kv.get(AUTHORITY_KEY)? {
            Some(raw) => {
                let text = String::from_utf8(raw).map_err(|_| veritas_framework::sdk::internal("corrupt authority"))?;
                Ok(Some(Address::from_bech32(&text)?))
            }
            None => Ok(None),
        }
    }

    pub(crate) fn set_authority(&self, ctx: &mut Context<'_>, authority: &Address) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(AUTHORITY_KEY.to_vec(), authority.to_bech32().into_bytes())
    }
}

impl veritas_framework::Authority for AuthorityKeeper {
    fn ensure_authority(&self, ctx: &mut Context<'_>, claimed: &Address) -> Result<(), Error> {
        match self.authority(&mut ctx.kv(&STORE_KEY))? {
            Some(authority) if &authority == claimed => Ok(()),
            Some(authority) => Err(errors::invalid_authority(format!(
                "invalid authority; expected {authority}, got {claimed}"
            ))),
            None => Err(errors::no_authority(
                "this chain has no authority (genesis app_state.authority.authority is empty), so nothing can be governed",
            )),
        }
    }
}
