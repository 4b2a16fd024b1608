use std::sync::Arc;

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use veritas_auth::AccountKeeper;
use veritas_bank::FeeCollector;
use veritas_framework::{
    sdk, Address, BlockInfo, Coins, Context, Error, Event, ExecMode, GasMeter, ModuleSet, Msg, QueryContext,
};
use veritas_store::{KvRead, Overlay};

use super::ante;
use super::decode::{decode, DecodedTx};
use super::fees::MinGasPrices;
use super::outcome::TxOutcome;
use super::signature::{PreverifiedSignatures, SignatureCheck};

/// Everything the transaction path needs besides state.
pub struct TxEnv {
    pub modules: ModuleSet,
    pub fees: Arc<dyn FeeCollector>,
    /// Local policy, applied in CheckTx only.
    pub min_gas_prices: MinGasPrices,
}

/// A decoded transaction that passed the stateless checks.
pub struct CheckedTx {
    pub decoded: DecodedTx,
    /// Required signers, in order, deduplicated.
    pub signers: Vec<Address>,
    /// Each message's first signer (its `sender` in events).
    pub msg_senders: Vec<Option<Address>>,
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
        self.execute(state, block, mode, decode(raw).and_then(|decoded| self.stateless(decoded, mode)), preverified)
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
        let checked = match checked {
            Ok(checked) => checked,
            Err(err) => return TxOutcome::failed(&err, 0, 0, Vec::new()),
        };
        let gas_limit = checked.gas_limit;
        let mut gas = if mode == ExecMode::Simulate { GasMeter::infinite() } else { GasMeter::new(gas_limit) };

        let mut ante_state = Overlay::new(&*state);
        let mut ante_events = Vec::new();
        {
            let mut ctx = Context::new(block, mode, &mut gas, &mut ante_events, &mut ante_state);
            if let Err(err) = ante::run(&mut ctx, self, &checked, preverified) {
                return TxOutcome::failed(&err, gas_limit, gas.consumed(), Vec::new());
            }
        }

        let mut msg_state = Overlay::new(&ante_state);
        let mut msg_events = Vec::new();
        let mut responses = Vec::new();
        let result = self.run_msgs(&checked, block, mode, &mut gas, &mut msg_events, &mut msg_state, &mut responses);
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
        for (index, any) in tx.decoded.body.messages.iter().enumerate() {
            let msg = Msg { type_url: &any.type_url, value: &any.value };
            let module = self.modules.msg_handler(msg.type_url).expect("routed in the stateless checks");
            let sender = tx.msg_senders[index].as_ref().map(Address::to_bech32).unwrap_or_default();
            events.push(
                Event::new("message")
                    .attr("action", msg.type_url)
                    .attr("sender", sender)
                    .attr("module", module.name())
                    .attr("msg_index", index.to_string()),
            );
            let mut ctx = Context::new(block, mode, gas, events, state);
            let response = self
                .modules
                .deliver_msg(&mut ctx, &msg)
                .map_err(|e| e.context(format!("failed to execute message; message index: {index}")))?;
            responses.push(cosmos_sdk_proto::Any { type_url: response.type_url, value: response.value });
        }
        Ok(())
    }

    /// Checks that need no state: messages known and well-formed, signers and
    /// signatures consistent, fee coins valid, a gas limit given.
    pub(crate) fn stateless(&self, decoded: DecodedTx, mode: ExecMode) -> Result<CheckedTx, Error> {
        if decoded.body.messages.is_empty() {
            return Err(sdk::invalid_request("must contain at least one message"));
        }
        if !decoded.body.extension_options.is_empty() {
            return Err(sdk::unknown_extension_options("unknown extension options are not allowed"));
        }
        let mut signers: Vec<Address> = Vec::new();
        let mut msg_senders = Vec::with_capacity(decoded.body.messages.len());
        for any in &decoded.body.messages {
            let msg = Msg { type_url: &any.type_url, value: &any.value };
            self.modules.check_msg(&msg)?;
            let msg_signers = self.modules.msg_signers(&msg)?;
            msg_senders.push(msg_signers.first().cloned());
            for signer in msg_signers {
                if !signers.contains(&signer) {
                    signers.push(signer);
                }
            }
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
        Ok(CheckedTx { decoded, signers, msg_senders, fee, fee_payer, gas_limit })
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
        let mut checked = Vec::with_capacity(txs.len());
        let mut valid = Vec::new();
        std::thread::scope(|scope| {
            let workers: Vec<_> = txs
                .chunks(chunk)
                .map(|part| scope.spawn(move || self.prepare_chunk(part, committed, chain_id)))
                .collect();
            for worker in workers {
                let (part_checked, part_valid) = worker.join().expect("block preparation worker panicked");
                checked.extend(part_checked);
                valid.extend(part_valid);
            }
        });
        let msgs: Vec<Msg<'_>> = checked
            .iter()
            .filter_map(|c| c.as_ref().ok())
            .flat_map(|c| c.decoded.body.messages.iter().map(|any| Msg { type_url: &any.type_url, value: &any.value }))
            .collect();
        self.modules.prepare_block(&QueryContext::new(block.height, chain_id, committed), &msgs);
        (checked, PreverifiedSignatures::from_fingerprints(valid))
    }

    fn prepare_chunk(
        &self,
        txs: &[impl AsRef<[u8]>],
        committed: &dyn KvRead,
        chain_id: &str,
    ) -> (Vec<Result<CheckedTx, Error>>, Vec<[u8; 32]>) {
        let mut valid = Vec::new();
        let checked = txs
            .iter()
            .map(|raw| {
                let checked = decode(raw.as_ref()).and_then(|d| self.stateless(d, ExecMode::Finalize))?;
                for (index, signer) in checked.signers.iter().enumerate() {
                    let Ok(Some(account)) = AccountKeeper::read_committed(committed, signer) else { continue };
                    let info = &checked.decoded.auth_info.signer_infos[index];
                    let Some(any) = info.public_key.clone().or(account.pub_key) else { continue };
                    let Ok(pubkey) = ante::decode_pubkey(&any) else { continue };
                    let check = SignatureCheck {
                        pubkey,
                        sign_bytes: sign_bytes(&checked.decoded, chain_id, account.account_number),
                        signature: checked.decoded.signatures[index].clone(),
                    };
                    if let Some(fingerprint) = check.verify() {
                        valid.push(fingerprint);
                    }
                }
                Ok(checked)
            })
            .collect();
        (checked, valid)
    }
}

/// The SIGN_MODE_DIRECT bytes a signer signs.
pub(crate) fn sign_bytes(tx: &DecodedTx, chain_id: &str, account_number: u64) -> Vec<u8> {
    cosmos_sdk_proto::cosmos::tx::v1beta1::SignDoc {
        body_bytes: tx.body_bytes.clone(),
        auth_info_bytes: tx.auth_info_bytes.clone(),
        chain_id: chain_id.to_owned(),
        account_number,
    }
    .encode_to_vec()
}

/// `TxMsgData` with the responses in `msg_responses` (its `data` field is deprecated).
#[allow(deprecated)]
fn tx_msg_data(msg_responses: Vec<cosmos_sdk_proto::Any>) -> Vec<u8> {
    TxMsgData { data: Vec::new(), msg_responses }.encode_to_vec()
}
