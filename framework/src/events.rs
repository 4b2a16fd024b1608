/// An ABCI event, as modules emit it (`type` plus key/value attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: String,
    pub attributes: Vec<EventAttribute>,
}

/// One attribute; `index` asks CometBFT's indexer to index it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventAttribute {
    pub key: String,
    pub value: String,
    pub index: bool,
}

impl Event {
    pub fn new(kind: impl Into<String>) -> Self {
        Self { kind: kind.into(), attributes: Vec::new() }
    }

    /// Adds an indexed attribute.
    pub fn attr(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(EventAttribute { key: key.into(), value: value.into(), index: true });
        self
    }
}

impl From<Event> for tendermint_proto::v0_38::abci::Event {
    fn from(event: Event) -> Self {
        Self {
            r#type: event.kind,
            attributes: event
                .attributes
                .into_iter()
                .map(|a| tendermint_proto::v0_38::abci::EventAttribute { key: a.key, value: a.value, index: a.index })
                .collect(),
        }
    }
}
