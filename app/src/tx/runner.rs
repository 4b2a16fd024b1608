use std::sync::Arc;

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use veritas_framework::{
    panics, sdk, Address, BlockInfo, Coins, Context, DecodedMsg, Error, Event, ExecMode, GasMeter, ModuleSet, Msg,
    QueryContext,
};
use veritas_store::{KvRead, Overlay};

use super::ante;
use super::decode::{decode, tx_hash, DecodedTx};
use super::fees::MinGasPrices;
use super::outcome::TxOutcome;
use super::ports::{AccountStore, FeePayer, SimulationPolicy, TxRules};
use super::signature::{PreverifiedSignatures, SignatureCheck};

/// Everything the transaction path needs besides state.
pub struct TxEnv {
    pub modules: ModuleSet,
    pub accounts: Arc<dyn AccountStore>,
    pub fees: Arc<dyn FeePayer>,
    pub simulation: Arc<dyn SimulationPolicy>,
    /// Local policy, applied in CheckTx only.
    pub min_gas_prices: MinGasPrices,
}

/// A decoded transaction that passed the stateless checks.
pub struct CheckedTx {
    pub decoded: DecodedTx,
    /// Required signers, in order, deduplicated.
    pub signers: Vec<Address>,
    /// The body's messages, each decoded and checked once by its module.
    pub msgs: Vec<DecodedMsg>,
    pub fee: Coins,
    pub fee_payer: Address,
    pub gas_limit: u64,
}

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

    /// Decode and stateless checks, with a panic contained as the transaction's error.
    pub(crate) fn check_raw(&self, raw: &[u8], mode: ExecMode, params: &TxRules) -> Result<CheckedTx, Error> {
        panics::contain(|| decode(raw).and_then(|decoded| self.stateless(decoded, mode, params)))
            .inspect_err(|e| log_panic(e, &tx_hash(raw), mode, "stateless checks"))
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

    /// Checks that need no state but the auth params: messages known and well-formed,
    /// signers within `tx_sig_limit` and matching the signatures, fee coins valid, a gas
    /// limit given. No signature is verified here, and the signer cap holds before any is.
    pub(crate) fn stateless(&self, decoded: DecodedTx, mode: ExecMode, params: &TxRules) -> Result<CheckedTx, Error> {
        if decoded.body.messages.is_empty() {
            return Err(sdk::invalid_request("must contain at least one message"));
        }
        let sig_limit = params.tx_sig_limit;
        let too_many = |n: usize| sdk::too_many_signatures(format!("signatures: {n}, limit: {sig_limit}"));
        if decoded.signatures.len() as u64 > sig_limit {
            return Err(too_many(decoded.signatures.len()));
        }
        if !decoded.body.extension_options.is_empty() {
            return Err(sdk::unknown_extension_options("unknown extension options are not allowed"));
        }
        let mut signers: Vec<Address> = Vec::new();
        let mut msgs = Vec::with_capacity(decoded.body.messages.len());
        for any in &decoded.body.messages {
            let msg = self.modules.decode_msg(&Msg { type_url: &any.type_url, value: &any.value })?;
            for signer in msg.signers() {
                if !signers.contains(signer) {
                    signers.push(signer.clone());
                }
            }
            msgs.push(msg);
        }
        if signers.len() as u64 > sig_limit {
            return Err(too_many(signers.len()));
        }
        if decoded.signatures.is_empty() {
            return Err(sdk::no_signatures("no signatures supplied"));
        }
        if decoded.signatures.len() != signers.len() || decoded.auth_info.signer_infos.len() != signers.len() {
            return Err(sdk::unauthorized(format!(
                "wrong number of signers; expected {}, got {} signatures and {} signer infos",
                signers.len(),
                decoded.signatures.len(),
                decoded.auth_info.signer_infos.len()
            )));
        }
        let fee_proto = decoded.auth_info.fee.as_ref();
        let fee = ante::fee_coins(fee_proto)?;
        let gas_limit = fee_proto.map_or(0, |f| f.gas_limit);
        if gas_limit == 0 && mode != ExecMode::Simulate {
            return Err(sdk::invalid_gas_limit("gas limit must be positive"));
        }
        // The ante charges the tx's bytes and every signature before it can finish: a gas
        // limit below that can never pass, so it is refused here, before any signature is
        // verified (and ProcessProposal rejects a block holding one).
        let floor = params
            .tx_size_cost_per_byte
            .saturating_mul(decoded.raw_len as u64)
            .saturating_add(params.sig_verify_cost_secp256k1.saturating_mul(signers.len() as u64));
        if gas_limit < floor && mode != ExecMode::Simulate {
            return Err(sdk::out_of_gas(format!(
                "out of gas: gas limit {gas_limit} is below the {floor} gas this transaction's bytes and signatures cost"
            )));
        }
        let fee_payer = match fee_proto.map(|f| f.payer.as_str()).filter(|p| !p.is_empty()) {
            Some(payer) => {
                let payer = Address::from_bech32(payer).map_err(|e| e.context("fee payer"))?;
                if !signers.contains(&payer) {
                    return Err(sdk::unauthorized(format!("fee payer {payer} must sign the transaction")));
                }
                payer
            }
            None => signers[0].clone(),
        };
        Ok(CheckedTx { decoded, signers, msgs, fee, fee_payer, gas_limit })
    }

    /// Decodes and checks a block's transactions and verifies the signatures that
    /// committed state can already check (known account number and public key), on
    /// all cores, then lets each module prepare for the block's messages (zkverify
    /// batch-verifies its proofs). Execution then skips that work; results never
    /// depend on it.
    pub fn prepare_block(
        &self,
        txs: &[impl AsRef<[u8]> + Sync],
        committed: &(dyn KvRead + Sync),
        block: &BlockInfo,
    ) -> (Vec<Result<CheckedTx, Error>>, PreverifiedSignatures) {
        let chain_id = block.chain_id.as_str();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
        let chunk = txs.len().div_ceil(threads).max(1);
        let window = txs.len() as u64;
        let params = match self.accounts.rules_committed(committed) {
            Ok(params) => params,
            Err(err) => crate::fatal::fatal(format!("cannot read the auth params: {err}")),
        };
        let params = &params;
        let mut checked = Vec::with_capacity(txs.len());
        let mut ante_ok = Vec::with_capacity(txs.len());
        let mut verdicts = Vec::new();
        std::thread::scope(|scope| {
            let workers: Vec<_> = txs
                .chunks(chunk)
                .map(|part| (part, scope.spawn(move || self.prepare_chunk(part, committed, chain_id, window, params))))
                .collect();
            for (part, worker) in workers {
                // Each tx's checks contain their own panics; should a worker still die, its
                // part is checked here without pre-verification (a cache only).
                let (part_checked, part_verdicts) = worker.join().unwrap_or_else(|_| {
                    tracing::error!("a block preparation worker panicked; checking its transactions serially");
                    let part = part.iter().map(|raw| (self.check_raw(raw.as_ref(), ExecMode::Finalize, params), false));
                    (part.collect(), Vec::new())
                });
                for (tx, ok) in part_checked {
                    checked.push(tx);
                    ante_ok.push(ok);
                }
                verdicts.extend(part_verdicts);
            }
        });
        // Modules prepare work (zkverify's proof batch) only for transactions whose ante
        // passes on committed state: a proposer cannot make every validator batch-verify
        // proofs in transactions that nobody signed or pays for.
        let msgs: Vec<&DecodedMsg> = checked
            .iter()
            .zip(&ante_ok)
            .filter(|(_, ok)| **ok)
            .filter_map(|(c, _)| c.as_ref().ok())
            .flat_map(|c| c.msgs.iter())
            .collect();
        // Module preparation only fills caches: a panic there leaves execution to do the
        // work one transaction at a time.
        let prepared = panics::contain(|| {
            self.modules.prepare_block(&QueryContext::new(block.height, chain_id, committed), &msgs);
            Ok(())
        });
        if let Err(err) = prepared {
            tracing::error!(
                height = block.height,
                "block preparation panicked, falling back to one-by-one: {}",
                err.log()
            );
        }
        (checked, PreverifiedSignatures::from_verdicts(verdicts))
    }

    /// Checks `txs` and pre-verifies their ante on committed state: each tx's check
    /// result, whether its ante would pass there, and the signatures' verdicts.
    fn prepare_chunk(
        &self,
        txs: &[impl AsRef<[u8]>],
        committed: &dyn KvRead,
        chain_id: &str,
        window: u64,
        params: &TxRules,
    ) -> (Vec<(Result<CheckedTx, Error>, bool)>, Vec<([u8; 32], Result<(), Error>)>) {
        let mut verdicts = Vec::new();
        let checked = txs
            .iter()
            .map(|raw| {
                let checked = self.check_raw(raw.as_ref(), ExecMode::Finalize, params);
                let Ok(tx) = &checked else { return (checked, false) };
                // Pre-verification is a cache: a panic in it only leaves the cache empty.
                let ante = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    preverify_ante(self, tx, committed, chain_id, window)
                }));
                let ante_ok = match ante {
                    Ok((tx_verdicts, ok)) => {
                        verdicts.extend(tx_verdicts);
                        ok
                    }
                    Err(_) => false,
                };
                (checked, ante_ok)
            })
            .collect();
        (checked, verdicts)
    }
}

/// Pre-verifies `checked`'s signatures against committed state: the verdicts (valid or
/// the error) of those whose signer and key are known, and whether its ante would pass
/// there: every signer known, with a sequence not behind its account's (a block may carry
/// several of one account's txs, at most `window` of them), every signature valid, and
/// the fee covered.
fn preverify_ante(
    env: &TxEnv,
    checked: &CheckedTx,
    committed: &dyn KvRead,
    chain_id: &str,
    window: u64,
) -> (Vec<([u8; 32], Result<(), Error>)>, bool) {
    let mut verdicts = Vec::with_capacity(checked.signers.len());
    let mut ante_ok = true;
    let doc = checked.decoded.sign_doc(chain_id);
    for (index, signer) in checked.signers.iter().enumerate() {
        let Ok(Some(account)) = env.accounts.account_committed(committed, signer) else {
            ante_ok = false;
            continue;
        };
        let info = &checked.decoded.auth_info.signer_infos[index];
        if info.sequence < account.sequence || info.sequence - account.sequence >= window {
            ante_ok = false;
        }
        let Some(any) = info.public_key.clone().or(account.pub_key) else {
            ante_ok = false;
            continue;
        };
        let Ok(pubkey) = ante::decode_pubkey(&any) else {
            ante_ok = false;
            continue;
        };
        let check = SignatureCheck {
            pubkey,
            digest: doc.digest(account.account_number),
            signature: checked.decoded.signatures[index].clone(),
        };
        let (fingerprint, verdict) = check.check();
        ante_ok &= verdict.is_ok();
        verdicts.push((fingerprint, verdict));
        if !ante_ok {
            // The ante will stop at this signer: later ones would be work for nothing.
            break;
        }
    }
    ante_ok = ante_ok && env.fees.covers_committed(committed, &checked.fee_payer, &checked.fee).unwrap_or(false);
    (verdicts, ante_ok)
}

/// `TxMsgData` with the responses in `msg_responses` (its `data` field is deprecated).
#[allow(deprecated)]
fn tx_msg_data(msg_responses: Vec<cosmos_sdk_proto::Any>) -> Vec<u8> {
    TxMsgData { data: Vec::new(), msg_responses }.encode_to_vec()
}

/// Logs a contained panic (ERROR, with the tx hash and the panic message); the error
/// itself becomes the transaction's result.
fn log_panic(err: &Error, hash: &[u8; 32], mode: ExecMode, stage: &str) {
    if panics::is_panic(err) {
        tracing::error!(tx = %hex::encode_upper(hash), ?mode, stage, "transaction panicked: {}", err.log());
    }
}

fn log_panic_of<T>(result: &Result<T, Error>, hash: &[u8; 32], mode: ExecMode, stage: &str) {
    if let Err(err) = result {
        log_panic(err, hash, mode, stage);
    }
}
