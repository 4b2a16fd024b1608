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
            gas_wanted: Self::to_i64(self.gas_wanted),
            gas_used: Self::to_i64(self.gas_used),
            data: self.data.into(),
            log: self.log,
            info: String::new(),
            events: self.events.into_iter().map(Into::into).collect(),
            codespace: self.codespace,
        }
    }

    /// CheckTx carries a block result's fields but `data`, which stays empty as in the
    /// Cosmos SDK (its CheckTx runs no messages): CometBFT 0.38 prints CheckTx `data` as
    /// hex in `broadcast_tx_sync`, and CosmJS decodes that field as base64, so a message
    /// response there (MultiSend's, zkverify's) made stock CosmJS throw "Invalid string".
    pub fn into_check_tx(self) -> ResponseCheckTx {
        let r = self.into_exec_result();
        // Lean, like the SDK's: CometBFT uses only the code and gas of a CheckTx answer (no
        // client sees its events; its RPC returns code, log and codespace), and decoding the
        // events of every CheckTx and recheck was a measurable share of its CPU under load.
        ResponseCheckTx {
            code: r.code,
            data: Default::default(),
            log: r.log,
            info: r.info,
            gas_wanted: r.gas_wanted,
            gas_used: r.gas_used,
            events: Vec::new(),
            codespace: r.codespace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_tx_answers_carry_no_data_but_block_results_do() {
        let outcome = TxOutcome {
            gas_wanted: 10,
            gas_used: 5,
            data: vec![1, 2, 3],
            events: vec![veritas_framework::Event::new("tx").attr("fee", "1uvrt")],
            ..Default::default()
        };
        assert!(outcome.clone().into_check_tx().data.is_empty());
        assert!(outcome.clone().into_check_tx().events.is_empty());
        assert_eq!(outcome.clone().into_exec_result().events.len(), 1);
        let check = outcome.clone().into_check_tx();
        assert_eq!((check.gas_wanted, check.gas_used, check.code), (10, 5, 0));
        assert_eq!(outcome.into_exec_result().data.as_ref(), &[1, 2, 3]);
    }
}
