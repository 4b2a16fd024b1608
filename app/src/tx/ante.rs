//! Checks and charges that run before a transaction's messages: their writes (fee,
//! sequences, public keys) stay even when a message fails.

use base64::Engine as _;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, SignerInfo};
use cosmos_sdk_proto::Any;
use prost::Message;
use veritas_framework::{sdk, Address, Context, Error, Event, ExecMode};

use super::env::TxEnv;
use super::sign::SECP256K1_PUBKEY_TYPE_URL;
use super::signature::{PreverifiedSignatures, SignDocHasher};
use super::stateless::CheckedTx;

pub(crate) fn run(
    ctx: &mut Context<'_>,
    env: &TxEnv,
    tx: &CheckedTx,
    preverified: &PreverifiedSignatures,
) -> Result<(), Error> {
    let accounts = env.accounts.as_ref();
    let params = accounts.rules(ctx)?;
    let height = ctx.block().height;
    if tx.decoded.body.timeout_height > 0 && height > tx.decoded.body.timeout_height {
        return Err(sdk::tx_timeout_height(format!(
            "block height {height} is past the timeout height {}",
            tx.decoded.body.timeout_height
        )));
    }
    let memo_chars = tx.decoded.body.memo.chars().count() as u64;
    if memo_chars > params.max_memo_characters {
        return Err(sdk::memo_too_large(format!(
            "maximum number of characters is {} but received {memo_chars} characters",
            params.max_memo_characters
        )));
    }
    // Checked again here against the params in force (the stateless check may have
    // read an earlier version of them).
    if tx.signers.len() as u64 > params.tx_sig_limit {
        return Err(sdk::too_many_signatures(format!(
            "signatures: {}, limit: {}",
            tx.signers.len(),
            params.tx_sig_limit
        )));
    }
    let mut size = tx.decoded.raw_len as u64;
    if ctx.mode() == ExecMode::Simulate {
        // Simulated transactions carry empty signatures: charge for the 64 bytes a real one
        // adds, so the estimate covers the signed transaction.
        size += tx.decoded.signatures.iter().map(|s| 64u64.saturating_sub(s.len() as u64)).sum::<u64>();
    }
    let size_gas = params.tx_size_cost_per_byte.saturating_mul(size);
    ctx.gas_meter().consume(size_gas, "txSize")?;

    if ctx.mode() != ExecMode::Simulate {
        // Consensus: a block's txs pay at least this, or fail here, before any signature work.
        params.min_gas_prices.check(&tx.fee, tx.gas_limit).map_err(|e| e.context("consensus minimum gas prices"))?;
    }
    if ctx.mode() == ExecMode::CheckTx {
        env.min_gas_prices.check(&tx.fee, tx.gas_limit)?;
    }
    deduct_fee(ctx, env, tx)?;

    // The body is hashed once for all signers; each adds its account number.
    let doc = tx.decoded.sign_doc(&ctx.block().chain_id);
    for (index, signer) in tx.signers.iter().enumerate() {
        let info = &tx.decoded.auth_info.signer_infos[index];
        check_signer(
            ctx,
            env,
            &doc,
            signer,
            info,
            &tx.decoded.signatures[index],
            params.sig_verify_cost_secp256k1,
            preverified,
        )?;
    }
    Ok(())
}

fn deduct_fee(ctx: &mut Context<'_>, env: &TxEnv, tx: &CheckedTx) -> Result<(), Error> {
    let payer = &tx.fee_payer;
    if env.accounts.account(ctx, payer)?.is_none() {
        return Err(sdk::unknown_address(format!("fee payer address: {payer} does not exist")));
    }
    // A simulation is sent before its fee is known: it moves a stand-in instead.
    let stand_in;
    let fee = if tx.fee.is_empty() && ctx.mode() == ExecMode::Simulate {
        stand_in = env.simulation.stand_in_fee(ctx, payer)?;
        &stand_in
    } else {
        &tx.fee
    };
    if !fee.is_empty() {
        env.fees.collect_fee(ctx, payer, fee)?;
    }
    ctx.emit(Event::new("tx").attr("fee", tx.fee.to_string()).attr("fee_payer", payer.to_bech32()));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn check_signer(
    ctx: &mut Context<'_>,
    env: &TxEnv,
    doc: &SignDocHasher,
    signer: &Address,
    info: &SignerInfo,
    signature: &[u8],
    sig_gas: u64,
    preverified: &PreverifiedSignatures,
) -> Result<(), Error> {
    let accounts = env.accounts.as_ref();
    let mut account =
        accounts.account(ctx, signer)?.ok_or_else(|| sdk::unknown_address(format!("account {signer} not found")))?;
    let direct = matches!(
        info.mode_info.as_ref().and_then(|m| m.sum.as_ref()),
        Some(mode_info::Sum::Single(single)) if single.mode == SignMode::Direct as i32
    );
    // Simulation skips signatures, and clients (CosmJS) leave the mode unspecified there.
    if !direct && ctx.mode() != ExecMode::Simulate {
        return Err(sdk::not_supported(format!(
            "signer {signer}: only SIGN_MODE_DIRECT single signatures are supported"
        )));
    }
    let pubkey_any = info.public_key.clone().or_else(|| account.pub_key.clone()).ok_or_else(|| {
        sdk::invalid_pubkey(format!("no public key for {signer}: the first transaction must carry it"))
    })?;
    let pubkey = decode_pubkey(&pubkey_any)?;
    if &Address::from_secp256k1_pubkey(&pubkey) != signer {
        return Err(sdk::invalid_pubkey(format!("public key does not match signer address {signer}")));
    }
    if info.sequence != account.sequence {
        return Err(sdk::wrong_sequence(format!(
            "account sequence mismatch, expected {}, got {}: incorrect account sequence",
            account.sequence, info.sequence
        )));
    }
    ctx.gas_meter().consume(sig_gas, "ante verify: secp256k1")?;
    if ctx.mode() != ExecMode::Simulate {
        let digest = doc.digest(account.account_number);
        // A verdict reached in block preparation (valid, or the same error), a signature
        // this node verified before (CheckTx, then recheck), or verified now.
        let verdict = preverified
            .verdict(&pubkey, &digest, signature)
            .unwrap_or_else(|| env.signatures.verify(&pubkey, &digest, signature));
        verdict.map_err(|e| {
            sdk::unauthorized(format!(
                "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({}): {}",
                account.account_number,
                account.sequence,
                ctx.block().chain_id,
                e.log()
            ))
        })?;
    }
    if account.pub_key.is_none() {
        account.pub_key = Some(pubkey_any);
    }
    ctx.emit(Event::new("tx").attr("acc_seq", format!("{signer}/{}", account.sequence)));
    ctx.emit(Event::new("tx").attr("signature", base64::engine::general_purpose::STANDARD.encode(signature)));
    account.sequence += 1;
    accounts.set_account(ctx, &account)
}

/// The 33-byte compressed key inside a `/cosmos.crypto.secp256k1.PubKey` Any.
pub(crate) fn decode_pubkey(any: &Any) -> Result<Vec<u8>, Error> {
    if any.type_url != SECP256K1_PUBKEY_TYPE_URL {
        return Err(sdk::invalid_pubkey(format!("unsupported public key type {}", any.type_url)));
    }
    let key = PubKey::decode(any.value.as_slice())
        .map_err(|e| sdk::invalid_pubkey(format!("cannot decode public key: {e}")))?
        .key;
    if key.len() != 33 {
        return Err(sdk::invalid_pubkey(format!(
            "secp256k1 public key must be 33 bytes (compressed), got {}",
            key.len()
        )));
    }
    Ok(key)
}
