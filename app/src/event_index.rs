//! Which event attributes CometBFT's tx indexer indexes (app.toml `index_events`, the
//! Cosmos SDK's `index-events`).
//!
//! Every indexed attribute is a write in CometBFT's index database; a bank send carries 23
//! attributes, and indexing all of them was a measurable share of CometBFT's CPU per
//! transaction. By default only what clients search is indexed: the pipeline's `message`
//! and `tx` keys below and each module's [`Module::indexed_events`](veritas_framework::Module).
//! `tx.hash` and `tx.height` are CometBFT's own and always indexed.

use std::collections::{BTreeMap, BTreeSet};

use tendermint_proto::v0_38::abci::Event;
use veritas_framework::ModuleSet;

/// What the transaction pipeline emits and clients search by: the message type, its sender
/// and module (CosmJS/explorers), an account's sequence and the fee payer.
pub const PIPELINE_INDEXED: &[&str] =
    &["message.action", "message.sender", "message.module", "tx.acc_seq", "tx.fee_payer"];

/// An `index_events` list, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIndex {
    /// The SDK's meaning of an empty list: index everything.
    all: bool,
    /// Event types indexed with all their attributes.
    types: BTreeSet<String>,
    /// Attribute keys indexed, by event type.
    attributes: BTreeMap<String, BTreeSet<String>>,
}

impl EventIndex {
    /// Every attribute indexed.
    pub fn all() -> Self {
        Self { all: true, types: BTreeSet::new(), attributes: BTreeMap::new() }
    }

    /// The default list: the pipeline's keys and every module's.
    pub fn default_entries(modules: &ModuleSet) -> Vec<String> {
        let mut entries: Vec<String> = PIPELINE_INDEXED.iter().map(|e| e.to_string()).collect();
        for module in modules.modules() {
            entries.extend(module.indexed_events().iter().map(|e| e.to_string()));
        }
        entries
    }

    /// Parses entries `type` or `type.attribute`; an empty list indexes everything (as in
    /// the SDK).
    pub fn parse(entries: &[String]) -> anyhow::Result<Self> {
        if entries.is_empty() {
            return Ok(Self::all());
        }
        let mut index = Self { all: false, types: BTreeSet::new(), attributes: BTreeMap::new() };
        for entry in entries {
            let valid =
                |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-/".contains(c));
            match entry.split_once('.') {
                Some((kind, key)) if valid(kind) && valid(key) => {
                    index.attributes.entry(kind.to_owned()).or_default().insert(key.to_owned());
                }
                None if valid(entry) => {
                    index.types.insert(entry.clone());
                }
                _ => anyhow::bail!("index_events entry {entry:?} is not `type` or `type.attribute`"),
            }
        }
        Ok(index)
    }

    /// Sets each attribute's `index` flag by this list (every result of every block: no
    /// allocation per attribute).
    pub fn mark(&self, events: &mut [Event]) {
        for event in events {
            let whole_type = self.all || self.types.contains(&event.r#type);
            let keys = self.attributes.get(&event.r#type);
            for attribute in &mut event.attributes {
                attribute.index = whole_type || keys.is_some_and(|k| k.contains(&attribute.key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::v0_38::abci::EventAttribute;

    fn event(kind: &str, keys: &[&str]) -> Event {
        Event {
            r#type: kind.into(),
            attributes: keys
                .iter()
                .map(|k| EventAttribute { key: (*k).into(), value: "v".into(), index: true })
                .collect(),
        }
    }

    fn flags(index: &EventIndex, events: &mut [Event]) -> Vec<Vec<bool>> {
        index.mark(events);
        events.iter().map(|e| e.attributes.iter().map(|a| a.index).collect()).collect()
    }

    #[test]
    fn only_listed_types_and_attributes_are_indexed() {
        let index = EventIndex::parse(&["send_packet".into(), "transfer.recipient".into()]).unwrap();
        let mut events = vec![
            event("send_packet", &["packet_sequence", "packet_src_channel"]),
            event("transfer", &["recipient", "sender", "amount"]),
            event("coin_spent", &["spender"]),
        ];
        assert_eq!(flags(&index, &mut events), vec![vec![true, true], vec![true, false, false], vec![false]]);
    }

    #[test]
    fn an_empty_list_indexes_everything_as_in_the_sdk() {
        let mut events = vec![event("coin_spent", &["spender", "amount"])];
        assert_eq!(flags(&EventIndex::parse(&[]).unwrap(), &mut events), vec![vec![true, true]]);
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in ["", ".key", "type.", "a b", "type.key.x"] {
            assert!(EventIndex::parse(&[bad.to_owned()]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_default_keeps_what_relayers_and_wallets_search() {
        let entries = EventIndex::default_entries(&crate::modules::module_set());
        let index = EventIndex::parse(&entries).unwrap();
        let mut events = vec![
            event("message", &["action", "sender", "module", "msg_index"]),
            event("transfer", &["recipient", "sender", "amount"]),
            event("update_client", &["client_id", "consensus_height"]),
            event("send_packet", &["packet_sequence"]),
            event("write_acknowledgement", &["packet_dst_channel"]),
            event("proof_verified", &["proof_id"]),
            event("tx", &["acc_seq", "signature", "fee", "fee_payer"]),
            event("coin_received", &["receiver", "amount"]),
        ];
        assert_eq!(
            flags(&index, &mut events),
            vec![
                vec![true, true, true, false],
                vec![true, true, false],
                vec![true, true],
                vec![true],
                vec![true],
                vec![true],
                vec![true, false, false, true],
                vec![false, false],
            ]
        );
    }
}
