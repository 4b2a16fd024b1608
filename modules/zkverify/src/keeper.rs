//! The only door to the `zkverify` substore.
//!
//! Layout: `params` → Params (protobuf); `vk/<vk_id>` → VerifyingKeyRecord;
//! `verified/<proof_id>` → VerifiedProof. Ids are lowercase hex, so the keys other
//! chains prove with ICS-23 are readable text.

use std::sync::Arc;

use prost::Message;
use veritas_framework::{sdk, Context, Error, StoreKey, StoreRead};
use veritas_proto::zkverify::v1 as pb;

use crate::cache::{KeyCache, VerdictCache};
use crate::errors;
use crate::key::{AnyKey, PreparedKey};
use crate::params::Params;

const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);
const PARAMS_KEY: &[u8] = b"params";
pub(crate) const VK_PREFIX: &[u8] = b"vk/";
pub(crate) const VERIFIED_PREFIX: &[u8] = b"verified/";

pub(crate) fn vk_key(vk_id: &str) -> Vec<u8> {
    [VK_PREFIX, vk_id.as_bytes()].concat()
}

pub(crate) fn verified_key(proof_id: &str) -> Vec<u8> {
    [VERIFIED_PREFIX, proof_id.as_bytes()].concat()
}

pub(crate) fn decode_record<M: Message + Default>(raw: &[u8], what: &str) -> Result<M, Error> {
    M::decode(raw).map_err(|e| sdk::internal(format!("corrupt {what} in state: {e}")))
}

/// Keeps the module's state and its node-local caches.
#[derive(Clone)]
pub struct ZkKeeper {
    keys: Arc<KeyCache>,
    verdicts: Arc<VerdictCache>,
}

impl Default for ZkKeeper {
    fn default() -> Self {
        Self::new()
    }
}

impl ZkKeeper {
    pub fn new() -> Self {
        Self { keys: Arc::new(KeyCache::new(1024)), verdicts: Arc::new(VerdictCache::new(200_000)) }
    }

    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    pub(crate) fn verdicts(&self) -> &VerdictCache {
        &self.verdicts
    }

    pub fn params(&self, kv: &mut impl StoreRead) -> Result<Params, Error> {
        match kv.get(PARAMS_KEY)? {
            Some(raw) => Ok(Params::from_proto(&decode_record::<pb::Params>(&raw, "params")?)),
            None => Ok(Params::default()),
        }
    }

    /// The params, read inside a transaction or block hook (an upgrade's migration).
    pub fn current_params(&self, ctx: &mut Context<'_>) -> Result<Params, Error> {
        self.params(&mut ctx.kv(&STORE_KEY))
    }

    pub fn set_params(&self, ctx: &mut Context<'_>, params: &Params) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(PARAMS_KEY.to_vec(), params.to_proto().encode_to_vec())
    }

    pub fn key_record(&self, kv: &mut impl StoreRead, vk_id: &str) -> Result<Option<pb::VerifyingKeyRecord>, Error> {
        kv.get(&vk_key(vk_id))?.map(|raw| decode_record(&raw, "verifying key record")).transpose()
    }

    pub fn has_key(&self, ctx: &mut Context<'_>, vk_id: &str) -> Result<bool, Error> {
        ctx.kv(&STORE_KEY).has(&vk_key(vk_id))
    }

    pub fn set_key_record(&self, ctx: &mut Context<'_>, record: &pb::VerifyingKeyRecord) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(vk_key(&record.vk_id), record.encode_to_vec())
    }

    /// The prepared form of a stored key, from the cache or decoded once.
    pub fn prepared_key(&self, record: &pb::VerifyingKeyRecord) -> Result<PreparedKey, Error> {
        if let Some(key) = self.keys.get(&record.vk_id) {
            return Ok(key);
        }
        let key = AnyKey::from_record(record)
            .map_err(|e| sdk::internal(format!("stored key {} no longer decodes: {}", record.vk_id, e.log())))?
            .prepare();
        self.keys.insert(record.vk_id.clone(), key.clone());
        Ok(key)
    }

    /// Primes the prepared-key cache (a key just registered is likely used soon).
    pub(crate) fn remember_key(&self, vk_id: &str, key: PreparedKey) {
        self.keys.insert(vk_id.to_owned(), key);
    }

    pub fn verified_proof(&self, kv: &mut impl StoreRead, proof_id: &str) -> Result<Option<pb::VerifiedProof>, Error> {
        kv.get(&verified_key(proof_id))?.map(|raw| decode_record(&raw, "verified proof record")).transpose()
    }

    pub fn is_verified(&self, ctx: &mut Context<'_>, proof_id: &str) -> Result<bool, Error> {
        ctx.kv(&STORE_KEY).has(&verified_key(proof_id))
    }

    pub fn record_proof(&self, ctx: &mut Context<'_>, proof_id: &str, record: &pb::VerifiedProof) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(verified_key(proof_id), record.encode_to_vec())
    }

    /// The key record `vk_id` names, or the module's "unknown key" error.
    pub fn require_key(&self, ctx: &mut Context<'_>, vk_id: &str) -> Result<pb::VerifyingKeyRecord, Error> {
        self.key_record(&mut ctx.kv(&STORE_KEY), vk_id)?
            .ok_or_else(|| errors::unknown_verifying_key(format!("no verifying key {vk_id} is registered")))
    }
}
