//! The module alone, through its `Module` impl, on an in-memory store: genesis, messages
//! decoded once and delivered in a child overlay (as the tx pipeline does), the begin
//! block hook in its own overlay merged only on success (as the block loop does),
//! queries and the CLI.

// The SDK deprecates `Plan.time` and `Plan.upgraded_client_state`; the tests set them.
#![allow(deprecated)]

use std::path::Path;
use std::sync::Arc;

use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;
use serde_json::{json, Value};
use veritas_framework::cli::{ModuleCli, QueryClient, SenderLookup};
use veritas_framework::store::{EmptyState, KvRead, Overlay};
use veritas_framework::{
    Address, Authority, BlockInfo, Context, Error, Event, ExecMode, GasMeter, Module, Msg, QueryContext, StoreKey,
};

use crate::{errors, UpgradeHandlers, UpgradeModule, MAX_INFO_LEN, MAX_NAME_LEN, NAME};

/// Accepts one address as the chain's authority.
struct OnlyAuthority(Address);

impl Authority for OnlyAuthority {
    fn ensure_authority(&self, _: &mut Context<'_>, claimed: &Address) -> Result<(), Error> {
        if claimed == &self.0 {
            Ok(())
        } else {
            Err(Error::new("authority", 2, format!("invalid authority; expected {}, got {claimed}", self.0)))
        }
    }
}

fn address(byte: u8) -> Address {
    Address::from_bytes(&[byte; 20]).unwrap()
}

fn authority() -> Address {
    address(9)
}

/// Another module's substore, which migrations write to.
const OTHER: StoreKey = StoreKey::new("other");

fn plan(name: &str, height: i64, info: &str) -> pb::Plan {
    pb::Plan { name: name.into(), time: None, height, info: info.into(), upgraded_client_state: None }
}

fn schedule_msg(from: &Address, plan: pb::Plan) -> (&'static str, Vec<u8>) {
    let m = pb::MsgSoftwareUpgrade { authority: from.to_bech32(), plan: Some(plan) };
    (crate::MSG_SOFTWARE_UPGRADE, m.encode_to_vec())
}

fn cancel_msg(from: &Address) -> (&'static str, Vec<u8>) {
    (crate::MSG_CANCEL_UPGRADE, pb::MsgCancelUpgrade { authority: from.to_bech32() }.encode_to_vec())
}

/// Handlers for `v2` (its migration writes `other/migrated`) and `v1` (does nothing).
fn v2_handlers() -> UpgradeHandlers {
    UpgradeHandlers::new().with("v1", |_| Ok(())).with("v2", |ctx| {
        let height = ctx.block().height;
        ctx.kv(&OTHER).set(b"migrated".to_vec(), height.to_be_bytes().to_vec())
    })
}

struct Chain {
    module: UpgradeModule,
    state: Overlay<EmptyState>,
    block: BlockInfo,
}

impl Chain {
    fn start_with(genesis: &Value, handlers: UpgradeHandlers, data_dir: Option<&Path>) -> Self {
        let module =
            UpgradeModule::new(Arc::new(OnlyAuthority(authority())), handlers, data_dir.map(Path::to_path_buf));
        let mut chain = Self { module, state: Overlay::new(EmptyState), block: BlockInfo::default() };
        chain.module.validate_genesis(genesis).unwrap();
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let mut ctx = Context::new(&chain.block, ExecMode::Genesis, &mut gas, &mut events, &mut chain.state);
        chain.module.init_genesis(&mut ctx, genesis).unwrap();
        chain.block.height = 1;
        chain
    }

    fn start(handlers: UpgradeHandlers) -> Self {
        Self::start_with(&json!({}), handlers, None)
    }

    fn at(mut self, height: u64) -> Self {
        self.block.height = height;
        self
    }

    /// Decodes and delivers one message in a child overlay, merged only on success.
    /// A refused message must also have written nothing itself.
    fn deliver(&mut self, (type_url, value): (&str, Vec<u8>)) -> Result<Vec<Event>, Error> {
        let decoded = self.module.decode_msg(&Msg { type_url, value: &value })?;
        assert_eq!(decoded.signers().len(), 1);
        let mut child = Overlay::new(&self.state);
        let mut gas = GasMeter::new(1_000_000);
        let mut events = Vec::new();
        let result = {
            let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut gas, &mut events, &mut child);
            self.module.deliver_msg(&mut ctx, &decoded)
        };
        match result {
            Ok(response) => {
                assert_eq!(response.type_url, format!("{type_url}Response"));
                assert!(response.value.is_empty(), "the SDK's responses are empty messages");
                let writes = child.into_writes();
                self.state.apply(writes);
                Ok(events)
            }
            Err(e) => {
                assert!(child.writes().is_empty(), "a refused message wrote {:?}", child.writes());
                assert!(events.is_empty());
                Err(e)
            }
        }
    }

    /// Runs the begin block hook as the block loop does: its own overlay and unmetered
    /// gas, its writes merged only if it succeeds. The chain's state is untouched on error.
    fn begin_block(&mut self) -> Result<Vec<Event>, Error> {
        let mut child = Overlay::new(&self.state);
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let result = {
            let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut gas, &mut events, &mut child);
            self.module.begin_block(&mut ctx)
        };
        match result {
            Ok(()) => {
                let writes = child.into_writes();
                self.state.apply(writes);
                Ok(events)
            }
            Err(e) => Err(e),
        }
    }

    fn query<R: Message + Default>(&self, path: &str, request: &impl Message) -> Result<R, Error> {
        let ctx = QueryContext::new(self.block.height, "test-1", &self.state);
        let raw = self.module.query(&ctx, path, &request.encode_to_vec())?;
        Ok(R::decode(raw.as_slice()).unwrap())
    }

    fn current_plan(&self) -> Option<pb::Plan> {
        let r: pb::QueryCurrentPlanResponse =
            self.query(crate::QUERY_CURRENT_PLAN, &pb::QueryCurrentPlanRequest {}).unwrap();
        r.plan
    }

    fn applied(&self, name: &str) -> i64 {
        let r: pb::QueryAppliedPlanResponse =
            self.query(crate::QUERY_APPLIED_PLAN, &pb::QueryAppliedPlanRequest { name: name.into() }).unwrap();
        r.height
    }

    fn export(&self) -> Value {
        self.module.export_genesis(&QueryContext::new(self.block.height, "test-1", &self.state)).unwrap()
    }

    fn raw_state(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.state.scan(NAME, b"", None, usize::MAX).unwrap()
    }
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> (String, u32) {
    let e = result.expect_err("expected an error");
    (e.codespace().to_owned(), e.code())
}

fn upgrade(code: u32) -> (String, u32) {
    (errors::CODESPACE.to_owned(), code)
}

fn attrs(event: &Event) -> Vec<(&str, &str)> {
    event.attributes.iter().map(|a| (a.key.as_str(), a.value.as_str())).collect()
}

fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("veritas-upgrade-{tag}-")).tempdir().unwrap()
}

#[test]
fn schedule_replace_and_cancel() {
    let mut chain = Chain::start(UpgradeHandlers::new()).at(5);
    assert_eq!(chain.current_plan(), None);

    let events = chain.deliver(schedule_msg(&authority(), plan("v2", 10, "see https://example.com"))).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "software_upgrade");
    assert_eq!(attrs(&events[0]), vec![("name", "v2"), ("height", "10")]);
    assert_eq!(chain.current_plan(), Some(plan("v2", 10, "see https://example.com")));

    // A new plan replaces the scheduled one.
    chain.deliver(schedule_msg(&authority(), plan("v3", 20, ""))).unwrap();
    assert_eq!(chain.current_plan(), Some(plan("v3", 20, "")));

    let events = chain.deliver(cancel_msg(&authority())).unwrap();
    assert_eq!(events[0].kind, "cancel_upgrade");
    assert_eq!(attrs(&events[0]), vec![("name", "v3")]);
    assert_eq!(chain.current_plan(), None);
    assert!(chain.raw_state().is_empty(), "cancelling deletes the plan");

    // Cancelling with nothing scheduled succeeds and deletes nothing, as in the SDK.
    let events = chain.deliver(cancel_msg(&authority())).unwrap();
    assert_eq!(attrs(&events[0]), vec![("name", "")]);
    assert_eq!(chain.current_plan(), None);

    // The plan with the same name may be scheduled again (it was never applied).
    chain.deliver(schedule_msg(&authority(), plan("v3", 6, ""))).unwrap();
    assert_eq!(chain.current_plan().unwrap().height, 6);
}

#[test]
fn stateful_refusals() {
    let genesis = json!({ "applied": [{ "name": "v1", "height": 3 }] });
    let mut chain = Chain::start_with(&genesis, UpgradeHandlers::new().with("v1", |_| Ok(())), None).at(10);

    // Only after the current block.
    assert_eq!(code(chain.deliver(schedule_msg(&authority(), plan("v2", 10, "")))), upgrade(2));
    assert_eq!(code(chain.deliver(schedule_msg(&authority(), plan("v2", 9, "")))), upgrade(2));
    let e = chain.deliver(schedule_msg(&authority(), plan("v2", 1, ""))).unwrap_err();
    assert!(e.log().contains("upgrade cannot be scheduled in the past"), "{}", e.log());
    chain.deliver(schedule_msg(&authority(), plan("v2", 11, ""))).unwrap();

    // An applied name is never scheduled again; the scheduled plan stays.
    let e = chain.deliver(schedule_msg(&authority(), plan("v1", 100, ""))).unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 3));
    assert!(e.log().contains("v1 has already been completed"), "{}", e.log());
    assert_eq!(chain.current_plan(), Some(plan("v2", 11, "")));

    // Only the authority schedules or cancels.
    assert_eq!(code(chain.deliver(schedule_msg(&address(1), plan("v3", 50, "")))), ("authority".into(), 2));
    assert_eq!(code(chain.deliver(cancel_msg(&address(1)))), ("authority".into(), 2));
    assert_eq!(chain.current_plan(), Some(plan("v2", 11, "")));
}

#[test]
fn stateless_refusals() {
    let chain = Chain::start(UpgradeHandlers::new());
    let decode = |(type_url, value): (&str, Vec<u8>)| chain.module.decode_msg(&Msg { type_url, value: &value });
    let bad_plan = |p: pb::Plan| code(decode(schedule_msg(&authority(), p)));

    let long_name = "v".repeat(MAX_NAME_LEN + 1);
    for name in ["", "a/b", "a\\b", ".", "..", "v2\n", "v\u{7}2", " v2", "v2 ", long_name.as_str()] {
        assert_eq!(bad_plan(plan(name, 10, "")), upgrade(10), "name {name:?}");
    }
    assert_eq!(bad_plan(plan("v2", 0, "")), upgrade(10));
    assert_eq!(bad_plan(plan("v2", -5, "")), upgrade(10));
    assert_eq!(bad_plan(plan("v2", 10, &"i".repeat(MAX_INFO_LEN + 1))), upgrade(10));
    let timed = pb::Plan { time: Some(tendermint_time(1_700_000_000)), ..plan("v2", 10, "") };
    assert_eq!(bad_plan(timed), upgrade(10));
    let with_client = pb::Plan {
        upgraded_client_state: Some(cosmos_sdk_proto::Any {
            type_url: "/ibc.lightclients.tendermint.v1.ClientState".into(),
            value: vec![],
        }),
        ..plan("v2", 10, "")
    };
    assert_eq!(bad_plan(with_client), upgrade(10));
    let no_plan = pb::MsgSoftwareUpgrade { authority: authority().to_bech32(), plan: None };
    assert_eq!(code(decode((crate::MSG_SOFTWARE_UPGRADE, no_plan.encode_to_vec()))), upgrade(10));
    let bad_authority = pb::MsgCancelUpgrade { authority: "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a".into() };
    assert_eq!(code(decode((crate::MSG_CANCEL_UPGRADE, bad_authority.encode_to_vec()))), ("sdk".into(), 7));
    assert_eq!(code(decode((crate::MSG_SOFTWARE_UPGRADE, vec![0xff, 0xff]))), ("sdk".into(), 2));
    assert_eq!(code(decode(("/cosmos.upgrade.v1beta1.MsgOther", vec![]))), ("sdk".into(), 6));

    // The limits themselves pass, as do names cosmovisor users pick, and an unset time
    // in each form clients send it (absent, the epoch, Go's zero time.Time).
    let at_limit = "v".repeat(MAX_NAME_LEN);
    for name in [at_limit.as_str(), "v2", "v1.2.0-rc1", "Neutron v2", "v7_Theta"] {
        assert!(decode(schedule_msg(&authority(), plan(name, 10, ""))).is_ok(), "name {name:?}");
    }
    assert!(decode(schedule_msg(&authority(), plan("v2", i64::MAX, &"i".repeat(MAX_INFO_LEN)))).is_ok());
    for seconds in [0, -62_135_596_800] {
        let p = pb::Plan { time: Some(tendermint_time(seconds)), ..plan("v2", 10, "") };
        assert!(decode(schedule_msg(&authority(), p)).is_ok(), "time {seconds}");
    }
    let decoded = decode(schedule_msg(&authority(), plan("v2", 10, ""))).unwrap();
    assert_eq!(decoded.signers(), &[authority()]);
}

fn tendermint_time(seconds: i64) -> cosmos_sdk_proto::Timestamp {
    cosmos_sdk_proto::Timestamp { seconds, nanos: 0 }
}

#[test]
fn begin_block_applies_a_due_plan_with_a_handler() {
    let dir = temp_dir("apply");
    let mut chain = Chain::start_with(&json!({}), v2_handlers(), Some(dir.path())).at(5);
    chain.deliver(schedule_msg(&authority(), plan("v2", 8, "info"))).unwrap();

    for h in 5..8 {
        chain.block.height = h;
        // Not due yet, and this binary has v2's handler: it refuses to run early.
        assert_eq!(code(chain.begin_block()), upgrade(13), "height {h}");
    }
    chain.block.height = 8;
    let events = chain.begin_block().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "upgrade");
    assert_eq!(attrs(&events[0]), vec![("name", "v2"), ("height", "8")]);
    // The migration's writes landed, the plan is gone and recorded applied.
    assert_eq!(chain.state.get("other", b"migrated").unwrap(), Some(8u64.to_be_bytes().to_vec()));
    assert_eq!(chain.current_plan(), None);
    assert_eq!(chain.applied("v2"), 8);
    assert_eq!(chain.applied("v3"), 0);
    assert!(!dir.path().join(crate::UPGRADE_INFO_FILE).exists(), "a binary that applies writes no upgrade info");

    // Later blocks have nothing to do; the name cannot be used again.
    chain.block.height = 9;
    assert_eq!(chain.begin_block().unwrap(), vec![]);
    assert_eq!(code(chain.deliver(schedule_msg(&authority(), plan("v2", 20, "")))), upgrade(3));
    assert_eq!(chain.export(), json!({ "plan": null, "applied": [{ "name": "v2", "height": 8 }] }));
}

#[test]
fn a_late_plan_is_applied_at_the_block_that_reaches_it() {
    // A genesis plan below the chain's first block is due at once; it is recorded at the
    // block that applied it, as the SDK records it.
    let genesis = json!({ "plan": { "name": "v2", "height": 3, "info": "" } });
    let mut chain = Chain::start_with(&genesis, v2_handlers(), None).at(7);
    chain.begin_block().unwrap();
    assert_eq!(chain.applied("v2"), 7);
    assert_eq!(chain.state.get("other", b"migrated").unwrap(), Some(7u64.to_be_bytes().to_vec()));

    // Without a handler, upgrade-info.json names the block the node stopped at (the SDK
    // writes the block height; the logged message keeps the plan's).
    let dir = temp_dir("late");
    let mut old = Chain::start_with(&genesis, UpgradeHandlers::new(), Some(dir.path())).at(7);
    assert_eq!(old.begin_block().unwrap_err().log(), "UPGRADE \"v2\" NEEDED at height: 3: ");
    let text = std::fs::read_to_string(dir.path().join("upgrade-info.json")).unwrap();
    assert_eq!(text, r#"{"name":"v2","height":7,"info":""}"#);
}

#[test]
fn begin_block_without_a_handler_stops_the_node_and_writes_upgrade_info() {
    let dir = temp_dir("needed");
    // A data dir that does not exist yet is created.
    let data_dir = dir.path().join("home").join("data");
    let mut chain = Chain::start_with(&json!({}), UpgradeHandlers::new(), Some(&data_dir)).at(5);
    let info = r#"{"binaries":{"linux/amd64":"https://example.com/veritasd?checksum=sha256:00"}} "quoted""#;
    chain.deliver(schedule_msg(&authority(), plan("v2", 10, info))).unwrap();
    let before = chain.raw_state();

    // Before the height: nothing happens, nothing is written.
    for h in 5..10 {
        chain.block.height = h;
        assert_eq!(chain.begin_block().unwrap(), vec![]);
    }
    assert!(!data_dir.exists(), "nothing is written before the plan's height");

    chain.block.height = 10;
    let e = chain.begin_block().unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 12));
    assert_eq!(e.log(), format!("UPGRADE \"v2\" NEEDED at height: 10: {info}"));
    assert_eq!(chain.raw_state(), before, "the state is untouched: the plan is still scheduled");
    assert_eq!(chain.current_plan(), Some(plan("v2", 10, info)));

    let path = data_dir.join("upgrade-info.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = serde_json::to_string(&json!({ "name": "v2", "height": 10, "info": info })).unwrap();
    // Field order and a numeric height, exactly as cosmovisor's Go parser reads them.
    assert_eq!(text, format!(r#"{{"name":"v2","height":10,"info":{}}}"#, serde_json::to_string(info).unwrap()));
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), serde_json::from_str::<Value>(&expected).unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(&data_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("upgrade-info.json")], "no temporary file is left");

    // Restarted, the old binary stops again at the same block (and rewrites the file).
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code(chain.begin_block()), upgrade(12));
    assert!(path.exists());
}

#[test]
fn without_a_data_dir_the_node_still_stops() {
    let mut chain = Chain::start(UpgradeHandlers::new()).at(2);
    chain.deliver(schedule_msg(&authority(), plan("v2", 3, ""))).unwrap();
    chain.block.height = 3;
    let e = chain.begin_block().unwrap_err();
    assert_eq!((e.code(), e.log()), (12, "UPGRADE \"v2\" NEEDED at height: 3: "));
}

#[test]
fn an_unwritable_upgrade_info_still_stops_the_node() {
    let dir = temp_dir("unwritable");
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, b"").unwrap();
    let mut chain = Chain::start_with(&json!({}), UpgradeHandlers::new(), Some(&not_a_dir)).at(2);
    chain.deliver(schedule_msg(&authority(), plan("v2", 3, ""))).unwrap();
    chain.block.height = 3;
    let e = chain.begin_block().unwrap_err();
    assert_eq!(e.code(), 16);
    assert!(e.log().starts_with("UPGRADE \"v2\" NEEDED at height: 3: ; unable to write upgrade info"), "{}", e.log());
}

#[test]
fn a_binary_with_the_handler_refuses_to_run_before_the_height() {
    let dir = temp_dir("early");
    let mut chain = Chain::start_with(&json!({}), v2_handlers(), Some(dir.path())).at(4);
    chain.deliver(schedule_msg(&authority(), plan("v2", 6, ""))).unwrap();
    chain.block.height = 5;
    let e = chain.begin_block().unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 13));
    assert_eq!(
        e.log(),
        "BINARY UPDATED BEFORE TRIGGER! UPGRADE \"v2\" - in binary but not executed on chain. Downgrade your binary"
    );
    assert_eq!(chain.state.get("other", b"migrated").unwrap(), None);
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written");

    // A binary without it runs those blocks, and with no plan at all every binary does.
    let mut old = Chain::start(UpgradeHandlers::new().with("v9", |_| Ok(()))).at(4);
    assert_eq!(old.begin_block().unwrap(), vec![]);
    old.deliver(schedule_msg(&authority(), plan("v2", 6, ""))).unwrap();
    old.block.height = 5;
    assert_eq!(old.begin_block().unwrap(), vec![]);
    assert!(old.raw_state().len() == 1, "only the plan");
}

#[test]
fn a_failing_or_panicking_migration_stops_the_node() {
    let failing = UpgradeHandlers::new().with("v2", |ctx| {
        ctx.kv(&OTHER).set(b"half".to_vec(), vec![1])?;
        Err(Error::new("bank", 5, "no funds to migrate"))
    });
    let genesis = json!({ "plan": { "name": "v2", "height": 2, "info": "" } });
    let mut chain = Chain::start_with(&genesis, failing, None).at(2);
    let e = chain.begin_block().unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 15));
    assert!(e.log().contains("no funds to migrate (codespace bank, code 5)"), "{}", e.log());
    assert_eq!(chain.current_plan(), Some(plan("v2", 2, "")));
    assert_eq!(chain.applied("v2"), 0);

    // A panic is not left for the block loop to contain (it would drop the migration and
    // go on unupgraded): it becomes the module's error, which stops the node.
    let panicking = UpgradeHandlers::new().with("v2", |_| panic!("migration bug"));
    let mut chain = Chain::start_with(&genesis, panicking, None).at(2);
    let e = chain.begin_block().unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 15));
    assert!(!veritas_framework::panics::is_panic(&e));
    assert!(e.log().contains("panic: migration bug"), "{}", e.log());
}

#[test]
fn an_older_binary_refuses_an_upgraded_chain() {
    // The last applied upgrade is the highest (v10), not the last by name (v9).
    let genesis = json!({ "applied": [{ "name": "v9", "height": 3 }, { "name": "v10", "height": 9 }] });
    // Without its handler (v9's does not count), the node refuses the chain.
    let mut old = Chain::start_with(&genesis, UpgradeHandlers::new().with("v9", |_| Ok(())), None).at(12);
    let e = old.begin_block().unwrap_err();
    assert_eq!((e.codespace(), e.code()), (errors::CODESPACE, 14));
    assert!(e.log().contains("upgrade handler is missing for the \"v10\" upgrade plan"), "{}", e.log());

    // With it, the chain runs.
    let mut new = Chain::start_with(&genesis, UpgradeHandlers::new().with("v10", |_| Ok(())), None).at(12);
    assert_eq!(new.begin_block().unwrap(), vec![]);
    assert_eq!(new.begin_block().unwrap(), vec![]);

    // A binary that applies a due plan is not asked (it has that plan's handler).
    let genesis =
        json!({ "plan": { "name": "v11", "height": 12, "info": "" }, "applied": [{ "name": "v10", "height": 9 }] });
    let mut next = Chain::start_with(&genesis, UpgradeHandlers::new().with("v11", |_| Ok(())), None).at(12);
    next.begin_block().unwrap();
    assert_eq!(next.applied("v11"), 12);
}

#[test]
fn genesis_round_trips_and_is_checked() {
    let chain = Chain::start(UpgradeHandlers::new());
    assert_eq!(chain.module.default_genesis(), json!({ "plan": null, "applied": [] }));
    assert_eq!(chain.export(), json!({ "plan": null, "applied": [] }));

    let genesis = json!({
        "plan": { "name": "v3", "height": 40, "info": "next" },
        "applied": [{ "name": "v1", "height": 10 }, { "name": "v2", "height": 20 }],
    });
    let chain = Chain::start_with(&genesis, UpgradeHandlers::new(), None);
    assert_eq!(chain.export(), genesis);
    assert_eq!(chain.current_plan(), Some(plan("v3", 40, "next")));
    assert_eq!(chain.applied("v1"), 10);

    let m = &chain.module;
    let refused = |g: Value| {
        let e = m.validate_genesis(&g).unwrap_err();
        assert_eq!(e.codespace(), errors::CODESPACE, "{g}");
        e.code()
    };
    assert_eq!(refused(json!({ "plans": null })), 11);
    assert_eq!(refused(json!({ "plan": { "name": "v2", "height": 5, "time": "2024-01-01T00:00:00Z" } })), 11);
    assert_eq!(refused(json!({ "plan": { "name": "v2", "height": "5" } })), 11);
    assert_eq!(refused(json!({ "plan": { "name": "", "height": 5 } })), 10);
    assert_eq!(refused(json!({ "plan": { "name": "v2", "height": 0 } })), 10);
    assert_eq!(refused(json!({ "applied": [{ "name": "a/b", "height": 5 }] })), 10);
    assert_eq!(refused(json!({ "applied": [{ "name": "v1", "height": 0 }] })), 10);
    assert_eq!(refused(json!({ "applied": [{ "name": "v1", "height": 1 }, { "name": "v1", "height": 2 }] })), 11);
    assert_eq!(
        refused(json!({ "plan": { "name": "v1", "height": 9 }, "applied": [{ "name": "v1", "height": 2 }] })),
        11
    );
    // `info` may be left out.
    m.validate_genesis(&json!({ "plan": { "name": "v2", "height": 5 } })).unwrap();
}

#[test]
fn queries_answer_the_sdk_paths() {
    let mut chain = Chain::start(UpgradeHandlers::new()).at(2);
    assert_eq!(chain.module.query_paths(), &[crate::QUERY_CURRENT_PLAN, crate::QUERY_APPLIED_PLAN]);
    assert_eq!(crate::QUERY_CURRENT_PLAN, "/cosmos.upgrade.v1beta1.Query/CurrentPlan");
    assert_eq!(crate::QUERY_APPLIED_PLAN, "/cosmos.upgrade.v1beta1.Query/AppliedPlan");
    assert_eq!(
        chain.module.msg_type_urls(),
        &["/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade", "/cosmos.upgrade.v1beta1.MsgCancelUpgrade"]
    );
    chain.deliver(schedule_msg(&authority(), plan("v2", 30, "x"))).unwrap();
    assert_eq!(chain.current_plan(), Some(plan("v2", 30, "x")));
    assert_eq!(chain.applied(""), 0);
    let ctx = QueryContext::new(2, "test-1", &chain.state);
    assert_eq!(code(chain.module.query(&ctx, "/cosmos.upgrade.v1beta1.Query/ModuleVersions", &[])), ("sdk".into(), 6));
    assert_eq!(code(chain.module.query(&ctx, crate::QUERY_APPLIED_PLAN, &[0xff])), ("sdk".into(), 18));
}

struct Signer(Address);

impl SenderLookup for Signer {
    fn sender(&mut self, positional: Option<&str>) -> anyhow::Result<Address> {
        assert!(positional.is_none());
        Ok(self.0.clone())
    }
}

/// Answers CLI queries from a chain's state.
struct Client<'a>(&'a Chain);

impl QueryClient for Client<'_> {
    fn query_raw(&self, path: &str, request: Vec<u8>) -> anyhow::Result<(Vec<u8>, u64)> {
        let ctx = QueryContext::new(7, "test-1", &self.0.state);
        self.0.module.query(&ctx, path, &request).map(|r| (r, 7)).map_err(|e| anyhow::anyhow!("{}", e.log()))
    }
}

fn cli_matches(cmd: Vec<clap::Command>, args: &[&str]) -> clap::ArgMatches {
    assert_eq!(cmd.len(), 1);
    cmd.into_iter().next().unwrap().try_get_matches_from(args).unwrap()
}

#[test]
fn cli_builds_the_messages_and_shapes_the_answers() {
    let mut chain = Chain::start(UpgradeHandlers::new()).at(3);
    assert!(chain.module.cli().is_some());
    let cli = &crate::UpgradeCli;
    let tx = |args: &[&str]| {
        let matches = cli_matches(cli.tx_commands(), args);
        cli.tx(NAME, &matches, &mut Signer(authority()))
    };

    let dir = temp_dir("cli");
    let info_file = dir.path().join("info.json");
    std::fs::write(&info_file, r#"{"binaries":{}}"#).unwrap();
    let at_file = format!("@{}", info_file.display());
    let plan_tx = tx(&["upgrade", "software-upgrade", "v2", "--height", "40", "--info", &at_file]).unwrap();
    assert_eq!(plan_tx.messages.len(), 1);
    assert_eq!(plan_tx.messages[0].type_url, crate::MSG_SOFTWARE_UPGRADE);
    let msg = pb::MsgSoftwareUpgrade::decode(plan_tx.messages[0].value.as_slice()).unwrap();
    assert_eq!(msg.authority, authority().to_bech32());
    assert_eq!(msg.plan, Some(plan("v2", 40, r#"{"binaries":{}}"#)));
    assert_eq!(plan_tx.extra.get("upgrade_height"), Some(&json!("40")));
    chain.deliver((crate::MSG_SOFTWARE_UPGRADE, plan_tx.messages[0].value.clone())).unwrap();

    for cancel in ["cancel", "cancel-software-upgrade"] {
        let cancel_tx = tx(&["upgrade", cancel]).unwrap();
        assert_eq!(cancel_tx.messages[0].type_url, crate::MSG_CANCEL_UPGRADE);
        let msg = pb::MsgCancelUpgrade::decode(cancel_tx.messages[0].value.as_slice()).unwrap();
        assert_eq!(msg.authority, authority().to_bech32());
    }
    // Checked before anything is signed.
    assert!(tx(&["upgrade", "software-upgrade", "a/b", "--height", "40"]).is_err());
    assert!(tx(&["upgrade", "software-upgrade", "v2", "--height", "0"]).is_err());
    assert!(cli.tx_commands()[0].clone().try_get_matches_from(["upgrade", "software-upgrade", "v2"]).is_err());

    let query = |args: &[&str]| cli.query(NAME, &cli_matches(cli.query_commands(), args), &Client(&chain)).unwrap();
    assert_eq!(
        query(&["upgrade", "plan"]),
        json!({ "plan": { "name": "v2", "height": "40", "info": r#"{"binaries":{}}"# }, "height": "7" })
    );
    assert_eq!(
        query(&["upgrade", "applied", "v2"]),
        json!({ "name": "v2", "applied": false, "height": "0", "query_height": "7" })
    );

    chain.block.height = 40;
    let mut applying = Chain {
        module: UpgradeModule::new(Arc::new(OnlyAuthority(authority())), v2_handlers(), None),
        state: Overlay::new(EmptyState),
        block: chain.block.clone(),
    };
    applying.state.apply(chain.state.writes().clone());
    applying.begin_block().unwrap();
    let query = |args: &[&str]| cli.query(NAME, &cli_matches(cli.query_commands(), args), &Client(&applying)).unwrap();
    assert_eq!(query(&["upgrade", "plan"]), json!({ "plan": null, "height": "7" }));
    assert_eq!(
        query(&["upgrade", "applied", "v2"]),
        json!({ "name": "v2", "applied": true, "height": "40", "query_height": "7" })
    );
}
