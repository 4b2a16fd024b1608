//! Panics in a transaction are contained (as the Cosmos SDK's runTx recovers): the tx
//! fails with sdk 111222, its message writes are dropped, its fee and sequence stay (in
//! a block), and every node gets the same result and gas.

use std::sync::Arc;

use super::*;

const BOOM: &str = "/test.boom.MsgBoom";
const BOOM_KEY: StoreKey = StoreKey::new("boom");

/// A module whose message writes, burns gas, then panics; its stateless check panics
/// on a message that says so.
struct Boom;

impl Module for Boom {
    fn name(&self) -> &'static str {
        "boom"
    }
    fn default_genesis(&self) -> serde_json::Value {
        json!({})
    }
    fn validate_genesis(&self, _: &serde_json::Value) -> Result<(), Error> {
        Ok(())
    }
    fn init_genesis(&self, _: &mut Context<'_>, _: &serde_json::Value) -> Result<(), Error> {
        Ok(())
    }
    fn export_genesis(&self, _: &QueryContext<'_>) -> Result<serde_json::Value, Error> {
        Ok(json!({}))
    }
    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[BOOM]
    }
    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        if msg.value.starts_with(b"check:") {
            panic!("stateless boom");
        }
        let signer = Address::from_bech32(std::str::from_utf8(msg.value).unwrap())?;
        Ok(DecodedMsg::new(msg.type_url, vec![signer], ()))
    }
    fn deliver_msg(&self, ctx: &mut Context<'_>, _: &DecodedMsg) -> Result<MsgResponse, Error> {
        ctx.kv(&BOOM_KEY).set(b"written".to_vec(), b"before the panic".to_vec())?;
        ctx.gas_meter().consume(777, "boom")?;
        let items: Vec<u8> = Vec::new();
        let _ = items[3]; // index out of bounds
        unreachable!()
    }
}

fn boom_chain() -> Chain {
    let env = crate::modules::tx_env_with(MinGasPrices::default(), vec![Arc::new(Boom)]);
    let genesis = crate::testkit::genesis(&env.modules, &[(key(1).address, crate::testkit::uvrt(1_000_000))]);
    chain_from(env, &genesis)
}

fn boom_msg(signer: &Address, prefix: &str) -> Any {
    Any { type_url: BOOM.into(), value: format!("{prefix}{}", signer.to_bech32()).into_bytes() }
}

fn boom_written(c: &Chain) -> bool {
    c.state.get("boom", b"written").unwrap().is_some()
}

#[test]
fn a_panicking_message_fails_its_tx_keeps_the_fee_and_drops_its_writes() {
    let (alice, carol) = (key(1), key(3));
    let mut spec = TxSpec::send("100");
    spec.msgs.push(boom_msg(&alice.address, ""));
    let raw = spec.build(&alice);

    let mut c = boom_chain();
    let out = c.run(ExecMode::Finalize, &raw);
    assert_eq!((out.codespace.as_str(), out.code), ("sdk", 111222), "{out:?}");
    assert!(out.log.contains("panic: index out of bounds"), "{}", out.log);
    assert_eq!(c.balance(&alice.address), 1_000_000 - 5000, "the fee is paid, the send undone");
    assert_eq!(c.balance(&carol.address), 0);
    assert!(!boom_written(&c), "the panicking message's write is dropped");
    assert_eq!(c.sequence(&alice.address), 1);
    assert!(out.gas_used > 777, "gas consumed up to the panic is reported: {}", out.gas_used);

    // Another node running the same tx gets the same result, gas and state.
    let mut other = boom_chain();
    let again = other.run(ExecMode::Finalize, &raw);
    assert_eq!((again.code, again.gas_used, again.log.clone()), (out.code, out.gas_used, out.log.clone()));
    assert_eq!(other.snapshot(), c.snapshot());

    // CheckTx refuses it and keeps nothing, not even the fee.
    let mut mempool = boom_chain();
    let before = mempool.snapshot();
    let checked = mempool.run(ExecMode::CheckTx, &raw);
    assert_eq!(checked.code, 111222);
    assert_eq!(mempool.snapshot(), before);
}

#[test]
fn a_panic_in_the_stateless_checks_fails_the_tx_without_charging() {
    let alice = key(1);
    let mut spec = TxSpec::send("100");
    spec.msgs = vec![boom_msg(&alice.address, "check:")];
    let mut c = boom_chain();
    let before = c.snapshot();
    let out = c.run(ExecMode::Finalize, &spec.build(&alice));
    assert_eq!((out.codespace.as_str(), out.code, out.gas_used), ("sdk", 111222, 0), "{out:?}");
    assert_eq!(out.log, "panic: stateless boom");
    assert_eq!(c.snapshot(), before);

    // Block preparation runs the same checks on worker threads: the same verdict.
    let raw = spec.build(&alice);
    let (prepared, _) = c.env.prepare_block(&[raw], &Empty, &c.block);
    assert_eq!(prepared[0].as_ref().err().map(Error::code), Some(111222));
}
