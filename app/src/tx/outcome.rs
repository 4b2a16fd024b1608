use tendermint_proto::v0_38::abci::{ExecTxResult, ResponseCheckTx};
use veritas_framework::{Error, Event};

/// What running one transaction produced.
#[derive(Debug, Clone, Default)]
pub struct TxOutcome {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    /// `cosmos.base.abci.v1beta1.TxMsgData`, encoded.
    pub data: Vec<u8>,
    pub msg_responses: Vec<cosmos_sdk_proto::Any>,
}

impl TxOutcome {
    pub fn failed(err: &Error, gas_wanted: u64, gas_used: u64, events: Vec<Event>) -> Self {
        Self {
            code: err.code(),
            codespace: err.codespace().to_owned(),
            log: err.log().to_owned(),
            gas_wanted,
            gas_used,
            events,
            ..Default::default()
        }
    }

    pub fn is_ok(&self) -> bool {
        self.code == 0
    }

    fn to_i64(n: u64) -> i64 {
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    pub fn into_exec_result(self) -> ExecTxResult {
        ExecTxResult {
            code: self.code,
            data: self.data.into(),
            log: self.log,
            info: String::new(),
            gas_wanted: Self::to_i64(self.gas_wanted),
            gas_used: Self::to_i64(self.gas_used),
            events: self.events.into_iter().map(Into::into).collect(),
            codespace: self.codespace,
        }
    }

    pub fn into_check_tx(self) -> ResponseCheckTx {
        ResponseCheckTx {
            code: self.code,
            data: self.data.into(),
            log: self.log,
            info: String::new(),
            gas_wanted: Self::to_i64(self.gas_wanted),
            gas_used: Self::to_i64(self.gas_used),
            events: self.events.into_iter().map(Into::into).collect(),
            codespace: self.codespace,
            ..Default::default()
        }
    }
}
