//! The module alone, through its `Module` impl, on an in-memory store: genesis, messages
//! decoded once and delivered in a child overlay (as the tx pipeline does), every rail,
//! end-of-block updates, InitChain, queries and the CLI.

use std::sync::Arc;

use base64::Engine as _;
use curve25519_dalek_ng::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek_ng::edwards::CompressedEdwardsY;
use curve25519_dalek_ng::scalar::Scalar;
use prost::Message;
use serde_json::{json, Value};
use veritas_framework::cli::{ModuleCli, QueryClient, SenderLookup};
use veritas_framework::store::{EmptyState, KvRead, Overlay};
use veritas_framework::{
    Address, Authority, BlockInfo, Context, Error, Event, ExecMode, GasMeter, Module, Msg, QueryContext,
    ValidatorUpdate, MAX_TOTAL_VOTING_POWER,
};
use veritas_proto::poa::v1 as pb;

use crate::{errors, pubkey, PoaModule, NAME};

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

/// A real ed25519 public key: `n`·B.
fn key(n: u64) -> [u8; 32] {
    (ED25519_BASEPOINT_POINT * Scalar::from(n)).compress().to_bytes()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn genesis_of(validators: &[(u64, i64, &str)]) -> Value {
    json!({ "validators": validators.iter().map(|(n, power, moniker)| {
        json!({ "pub_key": b64(&key(*n)), "power": power, "moniker": moniker })
    }).collect::<Vec<_>>() })
}

fn set_msg(from: &Address, pub_key: &[u8], power: i64, moniker: &str) -> (&'static str, Vec<u8>) {
    let m =
        pb::MsgSetValidator { authority: from.to_bech32(), pub_key: pub_key.to_vec(), power, moniker: moniker.into() };
    (pb::MSG_SET_VALIDATOR, m.encode_to_vec())
}

fn remove_msg(from: &Address, pub_key: &[u8]) -> (&'static str, Vec<u8>) {
    let m = pb::MsgRemoveValidator { authority: from.to_bech32(), pub_key: pub_key.to_vec() };
    (pb::MSG_REMOVE_VALIDATOR, m.encode_to_vec())
}

fn update(n: u64, power: i64) -> ValidatorUpdate {
    ValidatorUpdate { ed25519_pub_key: key(n), power }
}

struct Chain {
    module: PoaModule,
    state: Overlay<EmptyState>,
    block: BlockInfo,
}

impl Chain {
    /// A chain from a poa genesis section and CometBFT's genesis validators.
    fn start(genesis: &Value, cometbft: &[ValidatorUpdate]) -> (Self, Result<Option<Vec<ValidatorUpdate>>, Error>) {
        let module = PoaModule::new(Arc::new(OnlyAuthority(authority())));
        let mut chain = Self { module, state: Overlay::new(EmptyState), block: BlockInfo::default() };
        chain.module.validate_genesis(genesis).unwrap();
        let chosen = chain.with_ctx(|m, ctx| {
            m.init_genesis(ctx, genesis)?;
            m.init_validators(ctx, cometbft)
        });
        chain.block.height = 1;
        (chain, chosen)
    }

    /// Four validators (keys 1..=4) of power 10 each.
    fn four() -> Self {
        let (chain, chosen) = Self::start(&genesis_of(&[(1, 10, "a"), (2, 10, "b"), (3, 10, "c"), (4, 10, "d")]), &[]);
        assert_eq!(chosen.unwrap().unwrap().len(), 4);
        chain
    }

    fn with_ctx<T>(&mut self, f: impl FnOnce(&PoaModule, &mut Context<'_>) -> T) -> T {
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut gas, &mut events, &mut self.state);
        f(&self.module, &mut ctx)
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
                assert!(response.type_url.starts_with("/veritas.poa.v1.Msg"), "{}", response.type_url);
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

    /// Ends the block: its validator updates; the next block begins.
    fn end_block(&mut self) -> Vec<ValidatorUpdate> {
        let updates = self.with_ctx(|m, ctx| m.validator_updates(ctx)).unwrap();
        self.block.height += 1;
        updates
    }

    fn query<R: Message + Default>(&self, path: &str, request: &impl Message) -> Result<R, Error> {
        let ctx = QueryContext::new(self.block.height, "test-1", &self.state);
        let raw = self.module.query(&ctx, path, &request.encode_to_vec())?;
        Ok(R::decode(raw.as_slice()).unwrap())
    }

    fn validator(&self, n: u64) -> Result<pb::Validator, Error> {
        let r: pb::QueryValidatorResponse = self
            .query(pb::QUERY_VALIDATOR, &pb::QueryValidatorRequest { pub_key: key(n).to_vec(), address: "".into() })?;
        Ok(r.validator.unwrap())
    }

    fn totals(&self) -> (i64, u32) {
        let r: pb::QueryTotalPowerResponse = self.query(pb::QUERY_TOTAL_POWER, &pb::QueryTotalPowerRequest {}).unwrap();
        (r.total_power, r.validators)
    }

    fn export(&self) -> Value {
        self.module.export_genesis(&QueryContext::new(self.block.height, "test-1", &self.state)).unwrap()
    }

    /// Every key/value of the poa substore, bookkeeping included.
    fn raw_state(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.state.scan(NAME, b"", None, usize::MAX).unwrap()
    }
}

fn code(result: Result<impl std::fmt::Debug, Error>) -> (String, u32) {
    let e = result.expect_err("expected an error");
    (e.codespace().to_owned(), e.code())
}

fn poa(code: u32) -> (String, u32) {
    (errors::CODESPACE.to_owned(), code)
}

#[test]
fn address_is_cometbfts() {
    // tendermint-rs' test vector (CometBFT's address of an ed25519 key).
    let pub_key: [u8; 32] =
        hex::decode("14253D61EF42D166D02E68D540D07FDF8D65A9AF0ACAA46302688E788A8521E2").unwrap().try_into().unwrap();
    assert_eq!(pubkey::check_pub_key(&pub_key).unwrap(), pub_key, "a real CometBFT key passes the point checks");
    assert_eq!(pubkey::address_hex(&pub_key), "0CDA3F47EF3C4906693B170EF650EB968C5F4B2C");
}

#[test]
fn add_change_and_remove() {
    let mut chain = Chain::four();
    assert_eq!(chain.totals(), (40, 4));

    let events = chain.deliver(set_msg(&authority(), &key(5), 5, "node5")).unwrap();
    let attrs: Vec<(&str, &str)> = events[0].attributes.iter().map(|a| (a.key.as_str(), a.value.as_str())).collect();
    let address5 = pubkey::address_hex(&key(5));
    assert_eq!(events[0].kind, "set_validator");
    assert_eq!(
        attrs,
        vec![("pub_key", b64(&key(5)).as_str()), ("address", address5.as_str()), ("power", "5"), ("moniker", "node5")]
    );
    let v = chain.validator(5).unwrap();
    assert_eq!((v.power, v.moniker.as_str(), v.address.as_str()), (5, "node5", address5.as_str()));
    assert_eq!(chain.totals(), (45, 5));
    assert_eq!(chain.end_block(), vec![update(5, 5)]);

    chain.deliver(set_msg(&authority(), &key(1), 15, "a")).unwrap();
    assert_eq!(chain.validator(1).unwrap().power, 15);
    assert_eq!(chain.totals(), (50, 5));
    assert_eq!(chain.end_block(), vec![update(1, 15)]);

    let events = chain.deliver(remove_msg(&authority(), &key(2))).unwrap();
    assert_eq!(events[0].kind, "remove_validator");
    assert!(events[0].attributes.iter().any(|a| a.key == "power" && a.value == "0"));
    assert!(events[0].attributes.iter().any(|a| a.key == "moniker" && a.value == "b"));
    assert_eq!(code(chain.validator(2)), poa(12));
    let by_address = pb::QueryValidatorRequest { pub_key: vec![], address: pubkey::address_hex(&key(2)) };
    assert_eq!(code(chain.query::<pb::QueryValidatorResponse>(pb::QUERY_VALIDATOR, &by_address)), poa(12));
    assert_eq!(chain.totals(), (40, 4));
    assert_eq!(chain.end_block(), vec![update(2, 0)]);

    // A block without poa changes: no updates and no writes.
    let before = chain.state.writes().clone();
    assert_eq!(chain.end_block(), vec![]);
    assert_eq!(chain.state.writes(), &before);

    // Committed state holds no bookkeeping; export is the set.
    assert!(chain.raw_state().iter().all(|(k, _)| !k.starts_with(b"block/")));
    let mut expected = vec![(1, 15, "a"), (3, 10, "c"), (4, 10, "d"), (5, 5, "node5")];
    expected.sort_by_key(|(n, _, _)| key(*n));
    assert_eq!(chain.export(), genesis_of(&expected));
}

#[test]
fn updates_are_sorted_by_key_and_cleared() {
    let mut chain = Chain::four();
    let mut order: Vec<u64> = (5..=9).collect();
    order.reverse();
    for n in &order {
        chain.deliver(set_msg(&authority(), &key(*n), *n as i64, "")).unwrap();
    }
    chain.deliver(remove_msg(&authority(), &key(3))).unwrap();
    let updates = chain.end_block();
    let mut expected: Vec<ValidatorUpdate> = order.iter().map(|n| update(*n, *n as i64)).collect();
    expected.push(update(3, 0));
    expected.sort();
    assert_ne!(expected.iter().map(|u| u.power).collect::<Vec<_>>(), vec![9, 8, 7, 6, 5, 0], "not insertion order");
    assert_eq!(updates, expected);
    assert!(chain.raw_state().iter().all(|(k, _)| !k.starts_with(b"block/")), "bookkeeping cleared");
    assert_eq!(chain.end_block(), vec![]);
    // The keys may change again in the next block.
    chain.deliver(set_msg(&authority(), &key(5), 50, "")).unwrap();
    assert_eq!(chain.end_block(), vec![update(5, 50)]);
}

#[test]
fn one_change_per_validator_per_block() {
    let mut chain = Chain::four();
    chain.deliver(set_msg(&authority(), &key(1), 12, "a")).unwrap();
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(1), 13, "a"))), poa(6));
    assert_eq!(code(chain.deliver(remove_msg(&authority(), &key(1)))), poa(6));
    // A validator added this block cannot be removed in it either.
    chain.deliver(set_msg(&authority(), &key(7), 1, "")).unwrap();
    assert_eq!(code(chain.deliver(remove_msg(&authority(), &key(7)))), poa(6));
    // A moniker-only change counts as the change, but CometBFT hears nothing of it.
    chain.deliver(set_msg(&authority(), &key(2), 10, "renamed")).unwrap();
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(2), 11, "renamed"))), poa(6));
    assert_eq!(chain.validator(2).unwrap().moniker, "renamed");
    let mut expected = vec![update(1, 12), update(7, 1)];
    expected.sort();
    assert_eq!(chain.end_block(), expected);
    chain.deliver(set_msg(&authority(), &key(1), 13, "a")).unwrap();
}

#[test]
fn a_block_removes_less_than_a_third() {
    // 4 × 10: the block may remove at most 13 (13·3 = 39 < 40).
    let mut chain = Chain::four();
    chain.deliver(remove_msg(&authority(), &key(1))).unwrap();
    assert_eq!(code(chain.deliver(remove_msg(&authority(), &key(2)))), poa(7));
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(2), 6, "b"))), poa(7), "a decrease of 4: 14·3 ≥ 40");
    chain.deliver(set_msg(&authority(), &key(2), 7, "b")).unwrap();
    // Power added this block does not raise the block's budget.
    chain.deliver(set_msg(&authority(), &key(8), 1000, "")).unwrap();
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(3), 9, "c"))), poa(7));
    // Increases are never limited by it.
    chain.deliver(set_msg(&authority(), &key(4), 20, "d")).unwrap();
    assert_eq!(chain.totals(), (1037, 4));
    chain.end_block();

    // The next block measures against its own start (1037).
    chain.deliver(remove_msg(&authority(), &key(2))).unwrap();
    chain.deliver(remove_msg(&authority(), &key(3))).unwrap();
    chain.end_block();

    // Exactly a third is refused: 3 × 10, removing 10.
    let (mut three, _) = Chain::start(&genesis_of(&[(1, 10, ""), (2, 10, ""), (3, 10, "")]), &[]);
    assert_eq!(code(three.deliver(remove_msg(&authority(), &key(1)))), poa(7));
    assert_eq!(code(three.deliver(set_msg(&authority(), &key(1), 0, ""))), poa(3), "power 0 is not a removal");
    three.deliver(set_msg(&authority(), &key(1), 1, "")).unwrap();
    assert_eq!(three.end_block(), vec![update(1, 1)]);
}

#[test]
fn the_set_is_never_empty() {
    let (mut chain, chosen) = Chain::start(&genesis_of(&[(1, 10, "only")]), &[]);
    assert_eq!(chosen.unwrap(), Some(vec![update(1, 10)]));
    assert_eq!(code(chain.deliver(remove_msg(&authority(), &key(1)))), poa(8));
    assert_eq!(chain.totals(), (10, 1));
    assert_eq!(chain.end_block(), vec![]);
}

#[test]
fn refusals() {
    let mut chain = Chain::four();
    let untouched = chain.raw_state();
    // Unknown validator.
    assert_eq!(code(chain.deliver(remove_msg(&authority(), &key(42)))), poa(5));
    // Not the authority (the authority's own error, unchanged).
    let stranger = address(3);
    assert_eq!(code(chain.deliver(set_msg(&stranger, &key(5), 5, ""))), ("authority".to_owned(), 2));
    assert_eq!(code(chain.deliver(remove_msg(&stranger, &key(1)))), ("authority".to_owned(), 2));
    // A set that changes nothing.
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(1), 10, "a"))), poa(10));
    assert_eq!(chain.raw_state(), untouched);
    // Above CometBFT's total.
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(5), MAX_TOTAL_VOTING_POWER - 39, ""))), poa(9));
    chain.deliver(set_msg(&authority(), &key(5), MAX_TOTAL_VOTING_POWER - 40, "")).unwrap();
    assert_eq!(chain.totals(), (MAX_TOTAL_VOTING_POWER, 5));
    chain.end_block();
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(6), 1, ""))), poa(9));
    assert_eq!(code(chain.deliver(set_msg(&authority(), &key(1), 11, "a"))), poa(9));
}

/// Bytes that are not a point: the first `[i, 0, ..]` with no x.
fn not_a_point() -> [u8; 32] {
    (0u8..=255)
        .map(|i| {
            let mut k = [0u8; 32];
            k[0] = i;
            k
        })
        .find(|k| CompressedEdwardsY(*k).decompress().is_none())
        .unwrap()
}

#[test]
fn stateless_checks() {
    let chain = Chain::four();
    let decode = |(type_url, value): (&str, Vec<u8>)| chain.module.decode_msg(&Msg { type_url, value: &value });
    let small_order = [0u8; 32]; // y = 0: a point of order 4
    let mut non_canonical = [0xffu8; 32]; // y = p: 0 written non-canonically
    non_canonical[0] = 0xed;
    non_canonical[31] = 0x7f;
    let torsion = CompressedEdwardsY(small_order).decompress().unwrap();
    let mixed = (ED25519_BASEPOINT_POINT * Scalar::from(3u64) + torsion).compress().to_bytes();
    for (bad, why) in [
        (&key(1)[..31], "31 bytes"),
        (&[0u8; 33][..], "33 bytes"),
        (&[][..], "empty"),
        (&not_a_point()[..], "no point"),
        (&small_order[..], "small order"),
        (&non_canonical[..], "non-canonical"),
        (&mixed[..], "mixed order"),
    ] {
        assert_eq!(code(decode(set_msg(&authority(), bad, 1, ""))), poa(2), "set: {why}");
        assert_eq!(code(decode(remove_msg(&authority(), bad))), poa(2), "remove: {why}");
        assert!(pubkey::check_pub_key(bad).is_err(), "{why}");
    }
    for power in [0, -1, i64::MIN, MAX_TOTAL_VOTING_POWER + 1] {
        assert_eq!(code(decode(set_msg(&authority(), &key(1), power, ""))), poa(3), "power {power}");
    }
    decode(set_msg(&authority(), &key(1), MAX_TOTAL_VOTING_POWER, "")).unwrap();
    assert_eq!(code(decode(set_msg(&authority(), &key(1), 1, &"x".repeat(71)))), poa(4));
    assert_eq!(code(decode(set_msg(&authority(), &key(1), 1, "a\nb"))), poa(4));
    decode(set_msg(&authority(), &key(1), 1, &"é".repeat(35))).unwrap();
    // The authority must be a veritas address.
    let bad_authority =
        pb::MsgSetValidator { authority: "cosmos1xyz".into(), pub_key: key(1).to_vec(), power: 1, moniker: "".into() };
    assert_eq!(code(decode((pb::MSG_SET_VALIDATOR, bad_authority.encode_to_vec()))), ("sdk".to_owned(), 7));
    assert_eq!(code(decode((pb::MSG_SET_VALIDATOR, vec![0xff, 0xff]))), ("sdk".to_owned(), 2));
    assert_eq!(code(decode(("/veritas.poa.v1.MsgOther", vec![]))), ("sdk".to_owned(), 6));
    // The signer is the authority field.
    let decoded = decode(set_msg(&address(4), &key(1), 1, "")).unwrap();
    assert_eq!(decoded.signers(), &[address(4)]);
}

#[test]
fn genesis_round_trip_and_validation() {
    let module = PoaModule::new(Arc::new(OnlyAuthority(authority())));
    assert_eq!(module.default_genesis(), json!({ "validators": [] }));
    module.validate_genesis(&module.default_genesis()).unwrap();

    let mut listed = vec![(3, 30, "c"), (1, 10, "a"), (2, 20, "")];
    let (chain, chosen) = Chain::start(&genesis_of(&listed), &[update(7, 1)]);
    listed.sort_by_key(|(n, _, _)| key(*n));
    assert_eq!(chain.export(), genesis_of(&listed));
    assert_eq!(chain.totals(), (60, 3));
    let mut expected = vec![update(1, 10), update(2, 20), update(3, 30)];
    expected.sort();
    assert_eq!(chosen.unwrap(), Some(expected), "poa's genesis set wins over CometBFT's");
    // Export → init gives the same state.
    let (again, _) = Chain::start(&chain.export(), &[]);
    assert_eq!(again.raw_state(), chain.raw_state());

    let v = |pub_key: Value, power: Value| json!({ "validators": [{ "pub_key": pub_key, "power": power }] });
    let bad = [
        (v(json!("not base64!"), json!(1)), 2),
        (v(json!(b64(&key(1)[..31])), json!(1)), 2),
        (v(json!(b64(&[0u8; 32])), json!(1)), 2),
        (v(json!(b64(&key(1))), json!(0)), 3),
        (v(json!(b64(&key(1))), json!(-5)), 3),
        (genesis_of(&[(1, 1, ""), (1, 2, "")]), 11),
        (genesis_of(&[(1, MAX_TOTAL_VOTING_POWER, ""), (2, 1, "")]), 9),
        (genesis_of(&[(1, 1, "tab\there")]), 4),
        (json!({ "validators": [{ "pub_key": b64(&key(1)), "power": 1, "address": "AB" }] }), 11),
        (json!({ "validators": [], "extra": 1 }), 11),
        (json!({ "validators": [{ "pub_key": b64(&key(1)) }] }), 11),
    ];
    for (genesis, expected) in bad {
        assert_eq!(code(module.validate_genesis(&genesis)), poa(expected), "{genesis}");
    }
    module.validate_genesis(&genesis_of(&[(1, MAX_TOTAL_VOTING_POWER - 1, ""), (2, 1, "")])).unwrap();
}

#[test]
fn init_validators_adopts_cometbfts_set_when_genesis_names_none() {
    let (chain, chosen) = Chain::start(&json!({ "validators": [] }), &[update(2, 5), update(1, 7)]);
    assert_eq!(chosen.unwrap(), None, "CometBFT keeps its own set");
    assert_eq!(chain.totals(), (12, 2));
    let v = chain.validator(2).unwrap();
    assert_eq!((v.power, v.moniker.as_str(), v.address), (5, "", pubkey::address_hex(&key(2))));
    let mut expected = vec![(1, 7, ""), (2, 5, "")];
    expected.sort_by_key(|(n, _, _)| key(*n));
    assert_eq!(chain.export(), genesis_of(&expected));

    // No validators anywhere: nothing adopted (CometBFT refuses an empty set itself).
    let (empty, chosen) = Chain::start(&json!({ "validators": [] }), &[]);
    assert_eq!(chosen.unwrap(), None);
    assert_eq!(empty.totals(), (0, 0));
    // A CometBFT set poa cannot keep stops InitChain.
    let small_order = ValidatorUpdate { ed25519_pub_key: [0; 32], power: 1 };
    assert_eq!(code(Chain::start(&json!({ "validators": [] }), &[small_order]).1), poa(2));
    assert_eq!(code(Chain::start(&json!({ "validators": [] }), &[update(1, 1), update(1, 2)]).1), poa(11));
    assert_eq!(code(Chain::start(&json!({ "validators": [] }), &[update(1, 0)]).1), poa(3));
}

#[test]
fn queries() {
    let listed: Vec<(u64, i64, &str)> = (1..=150).map(|n| (n, 1, "")).collect();
    let (chain, _) = Chain::start(&genesis_of(&listed), &[]);
    let page = |key: Vec<u8>, limit: u64| -> pb::QueryValidatorsResponse {
        let request = pb::QueryValidatorsRequest { pagination: Some(pb::PageRequest { key, limit }) };
        chain.query(pb::QUERY_VALIDATORS, &request).unwrap()
    };
    let mut all: Vec<[u8; 32]> = (1..=150).map(key).collect();
    all.sort();
    // Pages by key cover the set once, in key order.
    let (mut next, mut seen) = (Vec::new(), Vec::new());
    loop {
        let r = page(next, 40);
        assert!(r.validators.len() <= 40);
        seen.extend(r.validators.iter().map(|v| <[u8; 32]>::try_from(v.pub_key.as_slice()).unwrap()));
        next = r.pagination.unwrap().next_key;
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(seen, all);
    // Default and cap: 100.
    let first = page(Vec::new(), 0);
    assert_eq!(first.validators.len(), 100);
    assert_eq!(first.pagination.unwrap().next_key, all[100].to_vec());
    assert_eq!(page(Vec::new(), 1000).validators.len(), 100);
    let none: pb::QueryValidatorsResponse =
        chain.query(pb::QUERY_VALIDATORS, &pb::QueryValidatorsRequest { pagination: None }).unwrap();
    assert_eq!(none.validators.len(), 100);

    // One validator by key or by address, in either case.
    let by = |pub_key: Vec<u8>, address: &str| {
        chain.query::<pb::QueryValidatorResponse>(
            pb::QUERY_VALIDATOR,
            &pb::QueryValidatorRequest { pub_key, address: address.into() },
        )
    };
    let address = pubkey::address_hex(&key(77));
    assert_eq!(by(vec![], &address.to_ascii_lowercase()).unwrap().validator.unwrap().pub_key, key(77));
    assert_eq!(by(key(77).to_vec(), "").unwrap().validator.unwrap().address, address);
    assert_eq!(code(by(key(200).to_vec(), "")), poa(12));
    assert!(by(key(200).to_vec(), "").unwrap_err().log().starts_with("rpc error: code = NotFound"));
    assert_eq!(code(by(vec![], "")), poa(13));
    assert_eq!(code(by(key(77).to_vec(), &address)), poa(13));
    assert_eq!(code(by(vec![], "ABCD")), poa(13));
    assert_eq!(code(by(vec![], &"Z".repeat(40))), poa(13));
    assert_eq!(code(by(vec![1; 31], "")), poa(2));

    assert_eq!(chain.totals(), (150, 150));
    let ctx = QueryContext::new(1, "test-1", &chain.state);
    assert_eq!(chain.module.query(&ctx, "/veritas.poa.v1.Query/Nope", &[]).unwrap_err().code(), 6);
    assert_eq!(chain.module.query_paths().len(), 3);
}

/// Signs as one address.
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
fn cli_reads_every_key_form() {
    let k = key(11);
    let dir = std::env::temp_dir().join(format!("veritas-poa-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("priv_validator_key.json");
    let priv_key = json!({
        "address": pubkey::address_hex(&k),
        "pub_key": { "type": "tendermint/PubKeyEd25519", "value": b64(&k) },
        "priv_key": { "type": "tendermint/PrivKeyEd25519", "value": b64(&[0u8; 64]) },
    });
    std::fs::write(&file, priv_key.to_string()).unwrap();
    let forms = [
        b64(&k),
        hex::encode(k),
        json!({ "type": "tendermint/PubKeyEd25519", "value": b64(&k) }).to_string(),
        json!({ "@type": "/cosmos.crypto.ed25519.PubKey", "key": b64(&k) }).to_string(),
        file.display().to_string(),
    ];
    for form in &forms {
        assert_eq!(crate::cli::parse_pub_key(form).unwrap(), k, "{form}");
    }
    for bad in [
        b64(&[0u8; 32]),
        b64(&k[..31]),
        "nonsense!".to_owned(),
        json!({ "type": "tendermint/PubKeySecp256k1", "value": b64(&k) }).to_string(),
        json!({ "value": b64(&k) }).to_string(),
        dir.join("missing.json").display().to_string(),
    ] {
        assert!(crate::cli::parse_pub_key(&bad).is_err(), "{bad}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cli_builds_messages_the_module_accepts_and_shapes_answers() {
    let mut chain = Chain::four();
    assert!(chain.module.cli().is_some());
    let cli = &crate::PoaCli;
    for group in cli.tx_commands().into_iter().chain(cli.query_commands()) {
        group.debug_assert();
    }
    let mut signer = Signer(authority());
    let tx = |args: &[&str], signer: &mut Signer| {
        let matches = cli_matches(cli.tx_commands(), args);
        cli.tx(NAME, &matches, signer)
    };
    let k = b64(&key(5));
    let plan = tx(&["poa", "set-validator", &k, "25", "--moniker", "node5"], &mut signer).unwrap();
    assert_eq!(plan.extra["validator_address"], json!(pubkey::address_hex(&key(5))));
    let any = &plan.messages[0];
    assert_eq!(any.type_url, pb::MSG_SET_VALIDATOR);
    let m = pb::MsgSetValidator::decode(any.value.as_slice()).unwrap();
    assert_eq!(
        (m.authority, m.pub_key, m.power, m.moniker),
        (authority().to_bech32(), key(5).to_vec(), 25, "node5".into())
    );
    chain.deliver((pb::MSG_SET_VALIDATOR, any.value.clone())).unwrap();
    chain.end_block();

    let plan = tx(&["poa", "remove-validator", &hex::encode(key(1))], &mut signer).unwrap();
    let m = pb::MsgRemoveValidator::decode(plan.messages[0].value.as_slice()).unwrap();
    assert_eq!((m.authority, m.pub_key), (authority().to_bech32(), key(1).to_vec()));
    chain.deliver((pb::MSG_REMOVE_VALIDATOR, plan.messages[0].value.clone())).unwrap();
    chain.end_block();

    // Refused before signing: zero power, a bad key.
    assert!(tx(&["poa", "set-validator", &k, "0"], &mut signer).is_err());
    assert!(tx(&["poa", "set-validator", &b64(&[0u8; 32]), "1"], &mut signer).is_err());

    let client = Client(&chain);
    let query = |args: &[&str]| {
        let matches = cli_matches(cli.query_commands(), args);
        cli.query(NAME, &matches, &client)
    };
    let answer = query(&["poa", "validators"]).unwrap();
    assert_eq!(answer["validators"].as_array().unwrap().len(), 4);
    assert_eq!(answer["height"], json!("7"));
    let address = pubkey::address_hex(&key(5));
    let expected = json!({ "address": address, "pub_key": k, "power": "25", "moniker": "node5" });
    assert_eq!(query(&["poa", "validator", &k]).unwrap()["validator"], expected);
    assert_eq!(query(&["poa", "validator", &address.to_ascii_lowercase()]).unwrap()["validator"], expected);
    assert!(query(&["poa", "validator", &b64(&key(1))]).unwrap_err().to_string().contains("NotFound"));
    assert_eq!(query(&["poa", "total-power"]).unwrap(), json!({ "total_power": "55", "validators": 4, "height": "7" }));
}
