//! Execution: one transaction against state, ante then messages, each stage with its
//! panics contained; CheckTx, FinalizeBlock and Simulate differ only in mode and meter.

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use veritas_framework::{panics, Address, BlockInfo, Context, Error, Event, ExecMode, GasMeter};
use veritas_store::{KvRead, Overlay};

use super::ante;
use super::env::TxEnv;
use super::outcome::TxOutcome;
use super::panic_log::{log_panic, log_panic_of};
use super::signature::PreverifiedSignatures;
use super::stateless::CheckedTx;

impl TxEnv {
    /// Runs one transaction against `state`. On success its writes are in `state`; on
    /// a message failure only the ante writes are; on an ante failure nothing is.
    pub fn run<R: KvRead>(
        &self,
        state: &mut Overlay<R>,
        block: &BlockInfo,
        mode: ExecMode,
        raw: &[u8],
        preverified: &PreverifiedSignatures,
    ) -> TxOutcome {
        let checked = self.check_against(&*state, raw, mode);
        self.execute(state, block, mode, checked, preverified)
    }

    /// [`TxEnv::check_raw`] with the rules `state` holds.
    fn check_against(&self, state: &dyn KvRead, raw: &[u8], mode: ExecMode) -> Result<CheckedTx, Error> {
        self.accounts.rules_committed(state).and_then(|rules| self.check_raw(raw, mode, &rules))
    }

    /// Simulates `raw` (no signature checks, the tx's own gas limit ignored) with at most
    /// `gas_cap` gas: beyond it the simulation fails out of gas, so a query cannot make
    /// the node work without bound.
    pub fn simulate<R: KvRead>(
        &self,
        state: &mut Overlay<R>,
        block: &BlockInfo,
        raw: &[u8],
        gas_cap: u64,
    ) -> TxOutcome {
        let checked = self.check_against(&*state, raw, ExecMode::Simulate);
        let no_cache = PreverifiedSignatures::default();
        self.execute_metered(state, block, ExecMode::Simulate, checked, &no_cache, |_| GasMeter::new(gas_cap))
    }

    /// Like [`TxEnv::run`], for a transaction already decoded and checked (see
    /// [`TxEnv::prepare_block`]).
    pub fn execute<R: KvRead>(
        &self,
        state: &mut Overlay<R>,
        block: &BlockInfo,
        mode: ExecMode,
        checked: Result<CheckedTx, Error>,
        preverified: &PreverifiedSignatures,
    ) -> TxOutcome {
        let meter = |limit| if mode == ExecMode::Simulate { GasMeter::infinite() } else { GasMeter::new(limit) };
        self.execute_metered(state, block, mode, checked, preverified, meter)
    }

    /// [`TxEnv::execute`] with the gas meter `meter(gas_limit)`.
    fn execute_metered<R: KvRead>(
        &self,
        state: &mut Overlay<R>,
        block: &BlockInfo,
        mode: ExecMode,
        checked: Result<CheckedTx, Error>,
        preverified: &PreverifiedSignatures,
        meter: impl FnOnce(u64) -> GasMeter,
    ) -> TxOutcome {
        let checked = match checked {
            Ok(checked) => checked,
            Err(err) => return TxOutcome::failed(&err, 0, 0, Vec::new()),
        };
        let gas_limit = checked.gas_limit;
        let mut gas = meter(gas_limit);

        let mut ante_state = Overlay::new(&*state);
        let mut ante_events = Vec::new();
        let ante = panics::contain(|| {
            let mut ctx = Context::new(block, mode, &mut gas, &mut ante_events, &mut ante_state);
            ante::run(&mut ctx, self, &checked, preverified)
        });
        if let Err(err) = ante {
            log_panic(&err, &checked.decoded.hash, mode, "ante");
            return TxOutcome::failed(&err, gas_limit, gas.consumed(), Vec::new());
        }

        let mut msg_state = Overlay::new(&ante_state);
        let mut msg_events = Vec::new();
        let mut responses = Vec::new();
        let result = panics::contain(|| {
            self.run_msgs(&checked, block, mode, &mut gas, &mut msg_events, &mut msg_state, &mut responses)
        });
        log_panic_of(&result, &checked.decoded.hash, mode, "messages");
        let outcome = match result {
            Ok(()) => {
                let writes = msg_state.into_writes();
                ante_state.apply(writes);
                let mut events = ante_events;
                events.extend(msg_events);
                TxOutcome {
                    gas_wanted: gas_limit,
                    gas_used: gas.consumed(),
                    events,
                    data: tx_msg_data(responses.clone()),
                    msg_responses: responses,
                    ..Default::default()
                }
            }
            Err(err) => {
                // Whatever the messages wrote (all of it, after a panic) is dropped here.
                drop(msg_state);
                if mode == ExecMode::CheckTx {
                    // Refused by CheckTx, the tx never enters the mempool: its fee and
                    // sequence must not count for the txs that follow it there.
                    return TxOutcome::failed(&err, gas_limit, gas.consumed(), Vec::new());
                }
                TxOutcome::failed(&err, gas_limit, gas.consumed(), ante_events)
            }
        };
        let writes = ante_state.into_writes();
        state.apply(writes);
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    fn run_msgs<R: KvRead>(
        &self,
        tx: &CheckedTx,
        block: &BlockInfo,
        mode: ExecMode,
        gas: &mut GasMeter,
        events: &mut Vec<Event>,
        state: &mut Overlay<R>,
        responses: &mut Vec<cosmos_sdk_proto::Any>,
    ) -> Result<(), Error> {
        for (index, msg) in tx.msgs.iter().enumerate() {
            let module = self.modules.msg_handler(msg.type_url()).expect("routed in the stateless checks");
            let sender = msg.signers().first().map(Address::to_bech32).unwrap_or_default();
            events.push(
                Event::new("message")
                    .attr("action", msg.type_url())
                    .attr("sender", sender)
                    .attr("module", module.name())
                    .attr("msg_index", index.to_string()),
            );
            let mut ctx = Context::new(block, mode, gas, events, state);
            let response = self
                .modules
                .deliver_msg(&mut ctx, msg)
                .map_err(|e| e.context(format!("failed to execute message; message index: {index}")))?;
            responses.push(cosmos_sdk_proto::Any { type_url: response.type_url, value: response.value });
        }
        Ok(())
    }
}

/// `TxMsgData` with the responses in `msg_responses` (its `data` field is deprecated).
#[allow(deprecated)]
fn tx_msg_data(msg_responses: Vec<cosmos_sdk_proto::Any>) -> Vec<u8> {
    TxMsgData { data: Vec::new(), msg_responses }.encode_to_vec()
}
