use veritas_store::{KvRead, KvWrite};

use crate::gas::KV_GAS;
use crate::{Error, Event, GasMeter};

/// Names a module's substore. Keep a module's key private to its crate: holding it is
/// what lets code read and write that module's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreKey(&'static str);

impl StoreKey {
    /// `name` must equal the owning module's [`crate::Module::name`].
    pub const fn new(name: &'static str) -> Self {
        Self(name)
    }

    pub const fn name(&self) -> &'static str {
        self.0
    }
}

/// A block timestamp (seconds and nanoseconds since the Unix epoch), from the block header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    pub seconds: i64,
    pub nanos: i32,
}

/// What a handler may know about the block it runs in. Never the wall clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockInfo {
    pub height: u64,
    pub time: Timestamp,
    pub chain_id: String,
    /// The header's app hash: the state root after the previous block (IBC records it
    /// as this chain's consensus state for light clients of it).
    pub last_app_hash: Vec<u8>,
    /// The header's hash of the next block's validator set.
    pub next_validators_hash: Vec<u8>,
}

/// Why a handler runs. Handlers must compute the same state in every mode; the mode
/// only lets the app skip work that cannot matter (e.g. events in CheckTx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecMode {
    Genesis,
    CheckTx,
    Simulate,
    Finalize,
}

/// The execution context of one message, block hook or genesis step.
pub struct Context<'a> {
    block: &'a BlockInfo,
    mode: ExecMode,
    gas: &'a mut GasMeter,
    events: &'a mut Vec<Event>,
    state: &'a mut dyn KvWrite,
}

impl<'a> Context<'a> {
    pub fn new(
        block: &'a BlockInfo,
        mode: ExecMode,
        gas: &'a mut GasMeter,
        events: &'a mut Vec<Event>,
        state: &'a mut dyn KvWrite,
    ) -> Self {
        Self { block, mode, gas, events, state }
    }

    pub fn block(&self) -> &BlockInfo {
        self.block
    }

    pub fn mode(&self) -> ExecMode {
        self.mode
    }

    pub fn gas_meter(&mut self) -> &mut GasMeter {
        self.gas
    }

    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// The substore named by `key`, with every access charged to the gas meter.
    pub fn kv(&mut self, key: &StoreKey) -> KvStore<'_> {
        KvStore { substore: key.name(), state: &mut *self.state, gas: &mut *self.gas }
    }
}

/// One module's substore inside a [`Context`]; reads and writes charge gas.
pub struct KvStore<'c> {
    substore: &'static str,
    state: &'c mut dyn KvWrite,
    gas: &'c mut GasMeter,
}

impl KvStore<'_> {
    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        self.gas.consume(KV_GAS.read_cost_flat, "ReadFlat")?;
        self.gas.consume(KV_GAS.read_cost_per_byte.saturating_mul(key.len() as u64), "ReadPerByte")?;
        let value = self.state.get(self.substore, key)?;
        if let Some(v) = &value {
            self.gas.consume(KV_GAS.read_cost_per_byte.saturating_mul(v.len() as u64), "ReadPerByte")?;
        }
        Ok(value)
    }

    pub fn has(&mut self, key: &[u8]) -> Result<bool, Error> {
        self.gas.consume(KV_GAS.has_cost, "Has")?;
        Ok(self.state.get(self.substore, key)?.is_some())
    }

    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), Error> {
        self.gas.consume(KV_GAS.write_cost_flat, "WriteFlat")?;
        let bytes = (key.len() as u64).saturating_add(value.len() as u64);
        self.gas.consume(KV_GAS.write_cost_per_byte.saturating_mul(bytes), "WritePerByte")?;
        self.state.put(self.substore, key, value);
        Ok(())
    }

    pub fn delete(&mut self, key: Vec<u8>) -> Result<(), Error> {
        self.gas.consume(KV_GAS.delete_cost, "Delete")?;
        self.state.delete(self.substore, key);
        Ok(())
    }

    /// Up to `limit` entries under `prefix` from `start` on (inclusive), in key order.
    pub fn scan(
        &mut self,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        let entries = self.state.scan(self.substore, prefix, start, limit)?;
        for (k, v) in &entries {
            self.gas.consume(KV_GAS.iter_next_cost_flat, "IterNextFlat")?;
            let bytes = (k.len() as u64).saturating_add(v.len() as u64);
            self.gas.consume(KV_GAS.read_cost_per_byte.saturating_mul(bytes), "ValuePerByte")?;
        }
        Ok(entries)
    }
}

/// The context of a query: committed state at one height, read only.
pub struct QueryContext<'a> {
    height: u64,
    chain_id: &'a str,
    state: &'a dyn KvRead,
}

impl<'a> QueryContext<'a> {
    pub fn new(height: u64, chain_id: &'a str, state: &'a dyn KvRead) -> Self {
        Self { height, chain_id, state }
    }

    /// The height whose committed state this query reads.
    pub fn height(&self) -> u64 {
        self.height
    }

    pub fn chain_id(&self) -> &str {
        self.chain_id
    }

    pub fn kv(&self, key: &StoreKey) -> ReadOnlyKvStore<'_> {
        ReadOnlyKvStore { substore: key.name(), state: self.state }
    }
}

/// One module's substore, read only.
pub struct ReadOnlyKvStore<'c> {
    substore: &'static str,
    state: &'c dyn KvRead,
}

impl ReadOnlyKvStore<'_> {
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.state.get(self.substore, key)?)
    }

    pub fn scan(&self, prefix: &[u8], start: Option<&[u8]>, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        Ok(self.state.scan(self.substore, prefix, start, limit)?)
    }
}

/// Reads shared by metered (transaction) and unmetered (query) store views, so a
/// keeper's read logic is written once.
pub trait StoreRead {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error>;
    fn scan(&mut self, prefix: &[u8], start: Option<&[u8]>, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error>;

    /// Every entry under `prefix`, in key order, read in pages (for genesis export).
    fn scan_all(&mut self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        let mut out = Vec::new();
        let mut start: Option<Vec<u8>> = None;
        loop {
            let page = self.scan(prefix, start.as_deref(), 1000)?;
            let Some((last, _)) = page.last() else { break };
            // The smallest key after `last`.
            start = Some([last.as_slice(), &[0]].concat());
            out.extend(page);
        }
        Ok(out)
    }
}

impl StoreRead for KvStore<'_> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        KvStore::get(self, key)
    }
    fn scan(&mut self, prefix: &[u8], start: Option<&[u8]>, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        KvStore::scan(self, prefix, start, limit)
    }
}

impl StoreRead for ReadOnlyKvStore<'_> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        ReadOnlyKvStore::get(self, key)
    }
    fn scan(&mut self, prefix: &[u8], start: Option<&[u8]>, limit: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
        ReadOnlyKvStore::scan(self, prefix, start, limit)
    }
}
