//! A new module plugs in without touching the app: a small `counter` module (keeper,
//! a message decoded once, a query, typed genesis, events, its own CLI group) is added to
//! the module list the way `app/src/modules.rs` adds the app's own, and a node on
//! RocksDB then routes its transactions, answers its query, exports its genesis and
//! offers its commands. What the real module shape asks (docs/architecture.md, "A
//! module"), in one file.

use std::sync::Arc;

use bytes::Bytes;
use clap::{ArgMatches, Command};
use cosmos_sdk_proto::Any;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use veritas_app::testkit::{accounts, assign_account_numbers, genesis, uvrt, TestChain};
use veritas_framework::cli::{ModuleCli, SenderLookup, TxPlan};
use veritas_framework::*;

const NAME: &str = "counter";
const MSG_INCREMENT: &str = "/veritas.counter.v1.MsgIncrement";
const QUERY_COUNT: &str = "/veritas.counter.v1.Query/Count";

/// keeper: the only door to the `counter` substore.
struct CounterKeeper;

impl CounterKeeper {
    const STORE_KEY: StoreKey = StoreKey::new(NAME);

    fn count(&self, kv: &mut impl StoreRead) -> Result<u64, Error> {
        Ok(kv.get(b"count")?.map_or(0, |raw| u64::from_be_bytes(raw.try_into().unwrap_or_default())))
    }

    fn set(&self, ctx: &mut Context<'_>, count: u64) -> Result<(), Error> {
        ctx.kv(&Self::STORE_KEY).set(b"count".to_vec(), count.to_be_bytes().to_vec())
    }
}

/// msgs: the wire message is `signer_bech32:amount`; decoded once into this.
struct Increment {
    by: u64,
}

fn parse(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    let text = std::str::from_utf8(msg.value).map_err(|_| Error::new(NAME, 2, "not UTF-8"))?;
    let (signer, by) = text.split_once(':').ok_or_else(|| Error::new(NAME, 2, "expected signer:amount"))?;
    let by = by.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| Error::new(NAME, 3, "amount must be positive"))?;
    Ok(DecodedMsg::new(msg.type_url, vec![Address::from_bech32(signer)?], Increment { by }))
}

/// genesis: typed, readable JSON.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterGenesis {
    count: u64,
}

struct CounterCli;

impl ModuleCli for CounterCli {
    fn tx_commands(&self) -> Vec<Command> {
        vec![Command::new(NAME).subcommand(Command::new("increment").arg(clap::Arg::new("by").required(true)))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        let (_, increment) = matches.subcommand().expect("a subcommand");
        let by = increment.get_one::<String>("by").expect("required");
        let signer = sender.sender(None)?;
        Ok(TxPlan {
            messages: vec![Any { type_url: MSG_INCREMENT.into(), value: format!("{signer}:{by}").into_bytes() }],
            ..Default::default()
        })
    }
}

struct CounterModule;

impl Module for CounterModule {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_genesis(&self) -> Value {
        serde_json::to_value(CounterGenesis::default()).unwrap()
    }
    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        serde_json::from_value::<CounterGenesis>(genesis.clone())
            .map(|_| ())
            .map_err(|e| Error::new(NAME, 4, e.to_string()))
    }
    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        let genesis: CounterGenesis =
            serde_json::from_value(genesis.clone()).map_err(|e| Error::new(NAME, 4, e.to_string()))?;
        CounterKeeper.set(ctx, genesis.count)
    }
    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let count = CounterKeeper.count(&mut ctx.kv(&CounterKeeper::STORE_KEY))?;
        Ok(serde_json::to_value(CounterGenesis { count }).unwrap())
    }
    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[MSG_INCREMENT]
    }
    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        parse(msg)
    }
    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        let Increment { by } = msg.value::<Increment>()?;
        let count = CounterKeeper.count(&mut ctx.kv(&CounterKeeper::STORE_KEY))?;
        let count = count.checked_add(*by).ok_or_else(|| Error::new(NAME, 5, "counter overflows"))?;
        CounterKeeper.set(ctx, count)?;
        ctx.emit(Event::new("counter_incremented").attr("count", count.to_string()));
        Ok(MsgResponse { type_url: "/veritas.counter.v1.MsgIncrementResponse".into(), value: Vec::new() })
    }
    fn query_paths(&self) -> &'static [&'static str] {
        &[QUERY_COUNT]
    }
    fn query(&self, ctx: &QueryContext<'_>, _: &str, _: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(CounterKeeper.count(&mut ctx.kv(&CounterKeeper::STORE_KEY))?.to_be_bytes().to_vec())
    }
    fn cli(&self) -> Option<&dyn ModuleCli> {
        Some(&CounterCli)
    }
}

#[test]
fn a_module_added_to_the_list_gets_genesis_routing_queries_events_and_cli() {
    let module: Arc<dyn Module> = Arc::new(CounterModule);
    let modules = veritas_app::modules::tx_env_with(Default::default(), vec![module.clone()]).modules;
    let mut accts = accounts(1);
    let mut app_state = genesis(&modules, &[(accts[0].address.clone(), uvrt(1_000_000))]);
    assert_eq!(app_state[NAME], serde_json::json!({ "count": 0 }), "the default section comes from the module");
    app_state[NAME]["count"] = 40.into();
    assign_account_numbers(&mut accts);
    let mut chain = TestChain::start_with("counter-1", &app_state, 0, vec![module.clone()]);

    let signer = accts[0].address.to_bech32();
    let increment = |by: &str| Any { type_url: MSG_INCREMENT.into(), value: format!("{signer}:{by}").into_bytes() };
    let ok = chain.sign(&mut accts[0], vec![increment("2")], 200_000, 0);
    let zero = chain.sign(&mut accts[0], vec![increment("0")], 200_000, 0);
    assert_eq!(chain.check_tx(&zero).code, 3, "CheckTx routes to the module's stateless check");
    let results = chain.finalize(vec![Bytes::from(ok)]);
    assert_eq!(results[0].code, 0, "{}", results[0].log);
    let event = results[0].events.iter().find(|e| e.r#type == "counter_incremented").expect("the module's event");
    assert_eq!(event.attributes[0].value, "42");
    let message = results[0].events.iter().find(|e| e.r#type == "message").unwrap();
    assert!(message.attributes.iter().any(|a| a.key == "module" && a.value == NAME));

    let answer = chain.query(QUERY_COUNT, Vec::new());
    assert_eq!(answer.code, 0, "{}", answer.log);
    assert_eq!(answer.value.as_ref(), 42u64.to_be_bytes());

    let view = chain.storage.view(None).unwrap();
    let exported = chain.env.modules.export_genesis(&QueryContext::new(2, "counter-1", &view)).unwrap();
    assert_eq!(exported[NAME], serde_json::json!({ "count": 42 }));
    assert!(chain.env.modules.substores().contains(&NAME.to_owned()), "its own substore");

    let cli = module.cli().unwrap();
    assert_eq!(cli.tx_commands()[0].get_name(), NAME, "its own `veritasd tx counter` group");
}
