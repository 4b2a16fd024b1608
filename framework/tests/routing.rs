//! Message and query routing, genesis composition and substore isolation,
//! with two small test modules over an in-memory overlay.

use std::sync::Arc;

use serde_json::{json, Value};
use veritas_framework::store::{KvRead, Overlay};
use veritas_framework::*;

use veritas_framework::store::EmptyState;

/// Stores `value` of a `/test.<name>.Set` message under key `shared`.
struct Recorder {
    name: &'static str,
    key: StoreKey,
    msgs: &'static [&'static str],
    queries: &'static [&'static str],
}

impl Module for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn default_genesis(&self) -> Value {
        json!({ "initial": "" })
    }
    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        genesis["initial"].as_str().map(|_| ()).ok_or_else(|| sdk::invalid_request("initial must be a string"))
    }
    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        let initial = genesis["initial"].as_str().unwrap_or_default();
        ctx.kv(&self.key).set(b"shared".to_vec(), initial.as_bytes().to_vec())
    }
    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let value = ctx.kv(&self.key).get(b"shared")?.unwrap_or_default();
        Ok(json!({ "initial": String::from_utf8_lossy(&value) }))
    }
    fn msg_type_urls(&self) -> &'static [&'static str] {
        self.msgs
    }
    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        if msg.value.is_empty() {
            return Err(Error::new(self.name, 2, "empty value"));
        }
        Ok(DecodedMsg::new(msg.type_url, Vec::new(), msg.value.to_vec()))
    }
    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        let value: &Vec<u8> = msg.value()?;
        ctx.kv(&self.key).set(b"shared".to_vec(), value.clone())?;
        ctx.emit(Event::new("set").attr("module", self.name));
        Ok(MsgResponse { type_url: format!("{}Response", msg.type_url()), value: vec![] })
    }
    fn query_paths(&self) -> &'static [&'static str] {
        self.queries
    }
    fn query(&self, ctx: &QueryContext<'_>, _path: &str, _data: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(ctx.kv(&self.key).get(b"shared")?.unwrap_or_default())
    }
}

/// Decodes and delivers a message, as the tx pipeline does.
fn deliver(set: &ModuleSet, ctx: &mut Context<'_>, type_url: &str, value: &[u8]) -> Result<MsgResponse, Error> {
    let msg = set.decode_msg(&Msg { type_url, value })?;
    set.deliver_msg(ctx, &msg)
}

fn alpha() -> Arc<dyn Module> {
    Arc::new(Recorder {
        name: "alpha",
        key: StoreKey::new("alpha"),
        msgs: &["/test.alpha.Set"],
        queries: &["/test.alpha.Query/Get"],
    })
}

fn beta() -> Arc<dyn Module> {
    Arc::new(Recorder {
        name: "beta",
        key: StoreKey::new("beta"),
        msgs: &["/test.beta.Set"],
        queries: &["/test.beta.Query/Get"],
    })
}

fn run<T>(state: &mut Overlay<EmptyState>, f: impl FnOnce(&mut Context<'_>) -> T) -> (T, Vec<Event>) {
    let block = BlockInfo { height: 1, chain_id: "test-1".into(), ..Default::default() };
    let mut gas = GasMeter::new(1_000_000);
    let mut events = Vec::new();
    let out = f(&mut Context::new(&block, ExecMode::Finalize, &mut gas, &mut events, state));
    (out, events)
}

#[test]
fn messages_route_by_type_url_and_stay_in_their_substore() {
    let set = ModuleSet::new(vec![alpha(), beta()]).unwrap();
    let mut state = Overlay::new(EmptyState);

    let (resp, events) = run(&mut state, |ctx| deliver(&set, ctx, "/test.alpha.Set", b"A"));
    assert_eq!(resp.unwrap().type_url, "/test.alpha.SetResponse");
    assert_eq!(events, vec![Event::new("set").attr("module", "alpha")]);
    run(&mut state, |ctx| deliver(&set, ctx, "/test.beta.Set", b"B").unwrap());

    // Same key, different substores: neither write hides the other.
    assert_eq!(state.get("alpha", b"shared").unwrap(), Some(b"A".to_vec()));
    assert_eq!(state.get("beta", b"shared").unwrap(), Some(b"B".to_vec()));

    let qctx = QueryContext::new(1, "test-1", &state);
    assert_eq!(set.query(&qctx, "/test.alpha.Query/Get", &[]).unwrap(), b"A");
    assert_eq!(set.query(&qctx, "/test.beta.Query/Get", &[]).unwrap(), b"B");
}

#[test]
fn unknown_routes_are_clear_errors() {
    let set = ModuleSet::new(vec![alpha(), beta()]).unwrap();
    let mut state = Overlay::new(EmptyState);
    let (err, _) = run(&mut state, |ctx| deliver(&set, ctx, "/test.gamma.Set", b"x"));
    let err = err.unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("sdk", 6));
    assert!(err.log().contains("/test.gamma.Set"));
    assert!(state.writes().is_empty());

    let qctx = QueryContext::new(1, "test-1", &state);
    let err = set.query(&qctx, "/test.gamma.Query/Get", &[]).unwrap_err();
    assert_eq!(err.code(), 6);

    let err = set.decode_msg(&Msg { type_url: "/test.beta.Set", value: b"" }).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("beta", 2));
}

#[test]
fn duplicate_names_and_routes_are_refused() {
    assert!(ModuleSet::new(vec![alpha(), alpha()]).is_err());
    let clash: Arc<dyn Module> =
        Arc::new(Recorder { name: "gamma", key: StoreKey::new("gamma"), msgs: &["/test.alpha.Set"], queries: &[] });
    let err = ModuleSet::new(vec![alpha(), clash]).err().unwrap();
    assert!(err.log().contains("claimed by alpha and gamma"), "{}", err.log());
}

#[test]
fn genesis_sections_are_validated_initialised_and_exported() {
    let set = ModuleSet::new(vec![alpha(), beta()]).unwrap();
    assert_eq!(set.default_genesis(), json!({ "alpha": { "initial": "" }, "beta": { "initial": "" } }));

    let missing = json!({ "alpha": { "initial": "" } });
    assert!(set.validate_genesis(&missing).unwrap_err().log().contains("no section for module beta"));
    let unknown = json!({ "alpha": { "initial": "" }, "beta": { "initial": "" }, "zeta": {} });
    assert!(set.validate_genesis(&unknown).unwrap_err().log().contains("zeta"));
    let bad = json!({ "alpha": { "initial": 5 }, "beta": { "initial": "" } });
    assert!(set.validate_genesis(&bad).unwrap_err().log().contains("genesis of module alpha"));

    let genesis = json!({ "alpha": { "initial": "a0" }, "beta": { "initial": "b0" } });
    let mut state = Overlay::new(EmptyState);
    run(&mut state, |ctx| set.init_genesis(ctx, &genesis).unwrap());
    let qctx = QueryContext::new(1, "test-1", &state);
    assert_eq!(set.export_genesis(&qctx).unwrap(), genesis);
}

#[test]
fn store_access_is_charged_and_out_of_gas_stops_the_handler() {
    let set = ModuleSet::new(vec![alpha()]).unwrap();
    let block = BlockInfo::default();
    let mut events = Vec::new();
    let mut state = Overlay::new(EmptyState);

    let mut gas = GasMeter::new(1_000_000);
    let msg = set.decode_msg(&Msg { type_url: "/test.alpha.Set", value: b"abc" }).unwrap();
    set.deliver_msg(&mut Context::new(&block, ExecMode::Finalize, &mut gas, &mut events, &mut state), &msg).unwrap();
    // WriteFlat + per byte of key ("shared") and value ("abc").
    assert_eq!(gas.consumed(), KV_GAS.write_cost_flat + KV_GAS.write_cost_per_byte * 9);

    let mut tight = GasMeter::new(100);
    let mut fresh = Overlay::new(EmptyState);
    let err = set
        .deliver_msg(&mut Context::new(&block, ExecMode::Finalize, &mut tight, &mut events, &mut fresh), &msg)
        .unwrap_err();
    assert_eq!(err.code(), 11);
    assert!(fresh.writes().is_empty(), "a write that ran out of gas must not land");
}
