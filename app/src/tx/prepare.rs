//! Block preparation: every transaction of a block decoded and checked, and its
//! signatures verified against committed state, on all cores, before execution; then
//! each module prepares for the block's messages (zkverify's proof batch). Execution
//! uses what this learns only as a cache.

use veritas_framework::{panics, BlockInfo, DecodedMsg, Error, ExecMode, QueryContext};
use veritas_store::KvRead;

use super::ante;
use super::env::TxEnv;
use super::ports::TxRules;
use super::signature::{PreverifiedSignatures, SignatureCheck};
use super::stateless::CheckedTx;

impl TxEnv {
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
        let (fingerprint, verdict) = env.signatures.check(&check);
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
