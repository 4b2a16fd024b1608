//! Two Veritas apps in one process (two chain ids, real RocksDB), connected over IBC by
//! a relayer written here: signed Tendermint light-client headers from
//! tendermint-testgen that commit to each app's real app hash, and ICS-23 proofs read
//! from each app's store with `store/ibc/key` queries. The whole flow: clients,
//! connection and channel handshakes, ICS-20 transfers both ways, a timeout, an error
//! acknowledgement, and what must be refused.

#![allow(deprecated)] // ibc-go still sends the deprecated previous_*_id fields (empty)

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmos_sdk_proto::Any;
use ibc::clients::tendermint::types::{
    AllowUpdate, ClientState as TmClientState, ConsensusState as TmConsensusState, Header as TmHeader, TrustThreshold,
};
use ibc::core::client::types::Height;
use ibc::core::host::types::identifiers::ChainId;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::commitment::v1::{MerklePrefix, MerkleProof};
use ibc_proto::ibc::core::connection::v1 as connection;
use k256::ecdsa::SigningKey;
use prost::Message;
use tendermint_proto::v0_38::abci::{ExecTxResult, RequestFinalizeBlock, RequestInitChain, RequestQuery};
use tendermint_testgen::light_block::TmLightBlock;
use tendermint_testgen::{Generator, Header as TgHeader, LightBlock as TgLightBlock, Validator as TgValidator};
use veritas_app::node::Node;
use veritas_app::query::QueryService;
use veritas_framework::Address;
use veritas_store::{Storage, StorageConfig};

const GENESIS_SECONDS: i64 = 1_750_000_000;
const BLOCK_SECONDS: i64 = 5;

fn any(type_url: &str, value: Vec<u8>) -> Any {
    Any { type_url: type_url.into(), value }
}

fn tm_any(a: ibc::primitives::proto::Any) -> ibc_proto::google::protobuf::Any {
    ibc_proto::google::protobuf::Any { type_url: a.type_url, value: a.value }
}

fn proto_height(h: u64) -> Option<client::Height> {
    Some(client::Height { revision_number: 1, revision_height: h })
}

struct Key {
    signing: SigningKey,
    address: Address,
}

fn key(seed: u8) -> Key {
    let signing = SigningKey::from_slice(&[seed; 32]).unwrap();
    let address = Address::from_secp256k1_pubkey(&signing.verifying_key().to_sec1_bytes());
    Key { signing, address }
}

/// One Veritas app with its own RocksDB, driven block by block like CometBFT would.
struct Chain {
    id: String,
    _dir: tempfile::TempDir,
    storage: Storage,
    node: Node,
    queries: QueryService,
    validators: Vec<TgValidator>,
    /// Height of the last committed block.
    height: u64,
    /// App hash after each committed height (0: genesis).
    app_hashes: BTreeMap<u64, Vec<u8>>,
    /// Block time (seconds) of each committed height.
    times: BTreeMap<u64, i64>,
    /// One clock for both chains, as in the real world: every block anywhere moves it on.
    clock: Rc<Cell<i64>>,
}

impl Chain {
    fn start(id: &str, funded: &[&Address], clock: &Rc<Cell<i64>>) -> Chain {
        let dir = tempfile::tempdir().unwrap();
        let env = Arc::new(veritas_app::modules::tx_env(Default::default()));
        let storage =
            Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 0 }).unwrap();
        let meta = Arc::new(OnceLock::new());
        let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
        let queries = QueryService::new(storage.clone(), env.clone(), meta);
        let mut app_state = env.modules.default_genesis();
        app_state["bank"]["balances"] = serde_json::Value::Array(
            funded
                .iter()
                .map(|a| serde_json::json!({ "address": a.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000" }] }))
                .collect(),
        );
        let genesis_time = tendermint_proto::google::protobuf::Timestamp { seconds: GENESIS_SECONDS, nanos: 0 };
        let response = node.init_chain(RequestInitChain {
            chain_id: id.into(),
            initial_height: 1,
            time: Some(genesis_time),
            app_state_bytes: serde_json::to_vec(&app_state).unwrap().into(),
            ..Default::default()
        });
        let validators = vec![
            TgValidator::new(&format!("{id}-v1")).voting_power(50),
            TgValidator::new(&format!("{id}-v2")).voting_power(50),
        ];
        let mut chain = Chain {
            id: id.into(),
            _dir: dir,
            storage,
            node,
            queries,
            validators,
            height: 0,
            app_hashes: BTreeMap::from([(0, response.app_hash.to_vec())]),
            times: BTreeMap::new(),
            clock: clock.clone(),
        };
        chain.block(vec![]);
        chain
    }

    fn validator_set(&self) -> tendermint::validator::Set {
        let vals: Vec<tendermint::validator::Info> = self.validators.iter().map(|v| v.generate().unwrap()).collect();
        tendermint::validator::Set::without_proposer(vals)
    }

    /// Executes and commits the next block with `txs`; returns their results.
    fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        save_fuzz_seeds(&self.id, self.height + 1, &txs);
        let height = self.height + 1;
        self.clock.set(self.clock.get() + BLOCK_SECONDS);
        let seconds = self.clock.get();
        self.times.insert(height, seconds);
        let time = tendermint_proto::google::protobuf::Timestamp { seconds, nanos: 0 };
        let request = RequestFinalizeBlock {
            height: height as i64,
            time: Some(time),
            txs: txs.into_iter().map(Into::into).collect(),
            next_validators_hash: self.validator_set().hash().as_bytes().to_vec().into(),
            ..Default::default()
        };
        let response = self.node.finalize_block(request);
        self.node.commit();
        self.height = height;
        self.app_hashes.insert(height, response.app_hash.to_vec());
        response.tx_results
    }

    /// The signed header of committed height `h` (its app hash is the state after h − 1).
    fn light_block(&self, h: u64) -> TmLightBlock {
        let time = tendermint::Time::from_unix_timestamp(self.times[&h], 0).unwrap();
        let app_hash = tendermint::AppHash::try_from(self.app_hashes[&(h - 1)].clone()).unwrap();
        TgLightBlock::new_default_with_header(
            TgHeader::new(&self.validators)
                .chain_id(&self.id)
                .height(h)
                .time(time)
                .next_validators(&self.validators)
                .app_hash(app_hash),
        )
        .validators(&self.validators)
        .next_validators(&self.validators)
        .generate()
        .unwrap()
    }

    fn query(
        &self,
        path: &str,
        data: Vec<u8>,
        height: u64,
        prove: bool,
    ) -> tendermint_proto::v0_38::abci::ResponseQuery {
        self.queries.query(RequestQuery { path: path.into(), data: data.into(), height: height as i64, prove })
    }

    /// The value at an ICS-24 path at `height`, with its proof as ibc-go expects it.
    fn prove(&self, path: &str, height: u64) -> (Vec<u8>, Vec<u8>) {
        let r = self.query("store/ibc/key", path.as_bytes().to_vec(), height, true);
        assert_eq!(r.code, 0, "proof of {path}: {}", r.log);
        let ops = r.proof_ops.expect("proof ops").ops;
        let proofs =
            ops.iter().map(|op| ibc_proto::ics23::CommitmentProof::decode(op.data.as_slice()).unwrap()).collect();
        (r.value.to_vec(), MerkleProof { proofs }.encode_to_vec())
    }

    fn raw(&self, path: &str) -> Vec<u8> {
        self.prove(path, self.height).0
    }

    fn balance(&self, who: &Address, denom: &str) -> u128 {
        let request = QueryBalanceRequest { address: who.to_bech32(), denom: denom.into() };
        let r = self.query("/cosmos.bank.v1beta1.Query/Balance", request.encode_to_vec(), 0, false);
        assert_eq!(r.code, 0, "{}", r.log);
        QueryBalanceResponse::decode(r.value.as_ref()).unwrap().balance.unwrap().amount.parse().unwrap()
    }

    fn supply(&self, denom: &str) -> u128 {
        let request = cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfRequest { denom: denom.into() };
        let r = self.query("/cosmos.bank.v1beta1.Query/SupplyOf", request.encode_to_vec(), 0, false);
        cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfResponse::decode(r.value.as_ref())
            .unwrap()
            .amount
            .unwrap()
            .amount
            .parse()
            .unwrap()
    }

    fn account(&self, who: &Address) -> BaseAccount {
        let request = QueryAccountRequest { address: who.to_bech32() };
        let r = self.query("/cosmos.auth.v1beta1.Query/Account", request.encode_to_vec(), 0, false);
        assert_eq!(r.code, 0, "{}", r.log);
        let any = QueryAccountResponse::decode(r.value.as_ref()).unwrap().account.unwrap();
        BaseAccount::decode(any.value.as_slice()).unwrap()
    }

    /// Signs `msgs` by `signer` and runs them in the next block.
    fn submit(&mut self, signer: &Key, msgs: Vec<Any>) -> ExecTxResult {
        let account = self.account(&signer.address);
        let raw = veritas_app::tx::sign::sign_tx(&signer.signing, &account, &self.id, msgs, "", 5_000_000, "").unwrap();
        self.block(vec![raw]).remove(0)
    }

    fn ok(&mut self, signer: &Key, msgs: Vec<Any>) -> ExecTxResult {
        let result = self.submit(signer, msgs);
        assert_eq!(result.code, 0, "{} (codespace {})", result.log, result.codespace);
        result
    }
}

/// With `VERITAS_FUZZ_SEEDS=<dir>`, keeps every transaction (for `tx_pipeline`) and each
/// of its messages (for `module_msgs`: a byte selecting the type URL, then the value) as
/// fuzzing seeds: real IBC handshakes, packets, acknowledgements and timeouts.
fn save_fuzz_seeds(chain: &str, height: u64, txs: &[Vec<u8>]) {
    let Some(dir) = std::env::var_os("VERITAS_FUZZ_SEEDS") else { return };
    let dir = std::path::PathBuf::from(dir);
    let urls: Vec<&str> =
        veritas_app::modules::module_set().modules().flat_map(|m| m.msg_type_urls().iter().copied()).collect();
    for (i, raw) in txs.iter().enumerate() {
        let name = format!("ibc-{chain}-{height}-{i}");
        std::fs::create_dir_all(dir.join("tx_pipeline")).unwrap();
        std::fs::write(dir.join("tx_pipeline").join(&name), raw).unwrap();
        let tx = cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw::decode(raw.as_slice()).unwrap();
        let body = cosmos_sdk_proto::cosmos::tx::v1beta1::TxBody::decode(tx.body_bytes.as_slice()).unwrap();
        for (j, msg) in body.messages.iter().enumerate() {
            let Some(selector) = urls.iter().position(|u| *u == msg.type_url) else { continue };
            std::fs::create_dir_all(dir.join("module_msgs")).unwrap();
            let seed = [&[selector as u8][..], &msg.value].concat();
            std::fs::write(dir.join("module_msgs").join(format!("{name}-{j}")), seed).unwrap();
        }
    }
}

/// A 07-tendermint client state of `chain`, as a light client of it must be.
fn client_state_of(chain: &Chain, height: u64) -> TmClientState {
    TmClientState::new(
        ChainId::new(&chain.id).unwrap(),
        TrustThreshold::ONE_THIRD,
        Duration::from_secs(14 * 24 * 3600),
        veritas_ibc::UNBONDING_PERIOD,
        Duration::from_secs(10),
        Height::new(1, height).unwrap(),
        veritas_ibc::proof_specs(),
        // What relayers put in: the Cosmos SDK's upgrade path, checked by validate_self_client.
        veritas_ibc::UPGRADE_PATH.iter().map(|s| s.to_string()).collect(),
        AllowUpdate { after_expiry: false, after_misbehaviour: false },
    )
    .unwrap()
}

/// The relayer: keeps, for each side, the height its client of the other has reached.
struct Relayer {
    key: Key,
}

impl Relayer {
    fn signer(&self) -> String {
        self.key.address.to_bech32()
    }

    fn create_client(&self, host: &mut Chain, of: &Chain) {
        let lb = of.light_block(of.height);
        let state: ibc::primitives::proto::Any = client_state_of(of, of.height).into();
        let consensus: ibc::primitives::proto::Any = TmConsensusState::from(lb.signed_header.header.clone()).into();
        let msg = client::MsgCreateClient {
            client_state: Some(tm_any(state)),
            consensus_state: Some(tm_any(consensus)),
            signer: self.signer(),
        };
        let result = host.ok(&self.key, vec![any("/ibc.core.client.v1.MsgCreateClient", msg.encode_to_vec())]);
        assert!(result.events.iter().any(|e| e.r#type == "create_client"));
    }

    fn header(&self, of: &Chain, trusted: u64, target: u64) -> TmHeader {
        let trusted_block = of.light_block(trusted);
        let lb = of.light_block(target);
        TmHeader {
            signed_header: lb.signed_header,
            validator_set: lb.validators,
            trusted_height: Height::new(1, trusted).unwrap(),
            trusted_next_validator_set: trusted_block.next_validators,
        }
    }

    fn update_msg(&self, client_id: &str, header: TmHeader) -> Any {
        let header: ibc::primitives::proto::Any = header.into();
        let msg = client::MsgUpdateClient {
            client_id: client_id.into(),
            client_message: Some(tm_any(header)),
            signer: self.signer(),
        };
        any("/ibc.core.client.v1.MsgUpdateClient", msg.encode_to_vec())
    }

    /// Makes `of` commit one more (empty) block and brings `host`'s client of it to
    /// that block, so state `of` committed at its previous height can be proven.
    /// Returns that previous height (where proofs are read) and the proof height.
    fn sync(&self, host: &mut Chain, client_id: &str, of: &mut Chain) -> (u64, u64) {
        of.block(vec![]);
        let target = of.height;
        let trusted = latest_client_height(host, client_id);
        let update = self.update_msg(client_id, self.header(of, trusted, target));
        host.ok(&self.key, vec![update]);
        (target - 1, target)
    }
}

fn latest_client_height(host: &Chain, client_id: &str) -> u64 {
    let raw = host.raw(&format!("clients/{client_id}/clientState"));
    let any = ibc_proto::google::protobuf::Any::decode(raw.as_slice()).unwrap();
    let state = ibc_proto::ibc::lightclients::tendermint::v1::ClientState::decode(any.value.as_slice()).unwrap();
    state.latest_height.unwrap().revision_height
}

fn packet_from_events(result: &ExecTxResult) -> channel::Packet {
    let event = result.events.iter().find(|e| e.r#type == "send_packet").expect("a send_packet event");
    let attr = |k: &str| event.attributes.iter().find(|a| a.key == k).map(|a| a.value.clone()).unwrap();
    assert!(event.attributes.iter().all(|a| a.index), "relayers search these attributes: all indexed");
    let timeout_height = attr("packet_timeout_height");
    let (rev, h) = timeout_height.split_once('-').unwrap();
    channel::Packet {
        sequence: attr("packet_sequence").parse().unwrap(),
        source_port: attr("packet_src_port"),
        source_channel: attr("packet_src_channel"),
        destination_port: attr("packet_dst_port"),
        destination_channel: attr("packet_dst_channel"),
        data: hex::decode(attr("packet_data_hex")).unwrap(),
        timeout_height: Some(client::Height {
            revision_number: rev.parse().unwrap(),
            revision_height: h.parse().unwrap(),
        }),
        timeout_timestamp: attr("packet_timeout_timestamp").parse().unwrap(),
    }
}

fn ack_from_events(result: &ExecTxResult) -> Vec<u8> {
    let event =
        result.events.iter().find(|e| e.r#type == "write_acknowledgement").expect("a write_acknowledgement event");
    hex::decode(&event.attributes.iter().find(|a| a.key == "packet_ack_hex").unwrap().value).unwrap()
}

fn transfer(sender: &Address, receiver: &str, denom: &str, amount: u128, timeout_height: u64) -> Any {
    let msg = ibc_proto::ibc::applications::transfer::v1::MsgTransfer {
        source_port: "transfer".into(),
        source_channel: "channel-0".into(),
        token: Some(ibc_proto::cosmos::base::v1beta1::Coin { denom: denom.into(), amount: amount.to_string() }),
        sender: sender.to_bech32(),
        receiver: receiver.into(),
        timeout_height: proto_height(timeout_height),
        timeout_timestamp: 0,
        memo: String::new(),
    };
    any(veritas_ibc::MSG_TRANSFER, msg.encode_to_vec())
}

const CLIENT: &str = "07-tendermint-0";
const CONNECTION: &str = "connection-0";
const CHANNEL: &str = "channel-0";

#[test]
fn two_chains_connect_and_move_tokens_over_ibc() {
    let relayer = Relayer { key: key(9) };
    let (alice, bob) = (key(1), key(2));
    let clock = Rc::new(Cell::new(GENESIS_SECONDS));
    let mut a = Chain::start("veritas-a-1", &[&relayer.key.address, &alice.address], &clock);
    let mut b = Chain::start("veritas-b-1", &[&relayer.key.address, &bob.address], &clock);

    // Clients: each chain gets a light client of the other (both get id 07-tendermint-0).
    relayer.create_client(&mut b, &a);
    relayer.create_client(&mut a, &b);

    // Refused updates: a header with a bad signature, a header of another chain.
    let trusted = latest_client_height(&b, CLIENT);
    a.block(vec![]);
    let mut forged = relayer.header(&a, trusted, a.height);
    if let Some(sig) = forged.signed_header.commit.signatures.iter_mut().find_map(|s| match s {
        tendermint::block::CommitSig::BlockIdFlagCommit { signature: Some(sig), .. } => Some(sig),
        _ => None,
    }) {
        let mut bytes = sig.as_bytes().to_vec();
        bytes[0] ^= 1;
        *sig = tendermint::Signature::try_from(bytes).unwrap();
    }
    let refused = b.submit(&relayer.key, vec![relayer.update_msg(CLIENT, forged)]);
    assert_ne!(refused.code, 0, "a header with a bad signature must be refused");
    let mut other_chain = Chain::start("veritas-c-1", &[&relayer.key.address], &clock);
    other_chain.block(vec![]);
    other_chain.block(vec![]);
    let foreign = relayer.header(&other_chain, 1, other_chain.height);
    let refused = b.submit(&relayer.key, vec![relayer.update_msg(CLIENT, foreign)]);
    assert_ne!(refused.code, 0, "a header of another chain must be refused");

    // Connection handshake.
    let prefix = Some(MerklePrefix { key_prefix: b"ibc".to_vec() });
    let version = connection::Version {
        identifier: "1".into(),
        features: vec!["ORDER_ORDERED".into(), "ORDER_UNORDERED".into()],
    };
    let init = connection::MsgConnectionOpenInit {
        client_id: CLIENT.into(),
        counterparty: Some(connection::Counterparty {
            client_id: CLIENT.into(),
            connection_id: String::new(),
            prefix: prefix.clone(),
        }),
        version: Some(version.clone()),
        delay_period: 0,
        signer: relayer.signer(),
    };
    a.ok(&relayer.key, vec![any("/ibc.core.connection.v1.MsgConnectionOpenInit", init.encode_to_vec())]);

    let (at, proof_height) = relayer.sync(&mut b, CLIENT, &mut a);
    let b_on_a = latest_client_height(&a, CLIENT);
    let (_, proof_init) = a.prove(&format!("connections/{CONNECTION}"), at);
    let (client_state, proof_client) = a.prove(&format!("clients/{CLIENT}/clientState"), at);
    let (_, proof_consensus) = a.prove(&format!("clients/{CLIENT}/consensusStates/1-{b_on_a}"), at);
    let try_msg = connection::MsgConnectionOpenTry {
        client_id: CLIENT.into(),
        previous_connection_id: String::new(),
        client_state: Some(ibc_proto::google::protobuf::Any::decode(client_state.as_slice()).unwrap()),
        counterparty: Some(connection::Counterparty {
            client_id: CLIENT.into(),
            connection_id: CONNECTION.into(),
            prefix: prefix.clone(),
        }),
        delay_period: 0,
        counterparty_versions: vec![version.clone()],
        proof_height: proto_height(proof_height),
        proof_init,
        proof_client,
        proof_consensus,
        consensus_height: proto_height(b_on_a),
        signer: relayer.signer(),
        host_consensus_state_proof: vec![],
    };
    b.ok(&relayer.key, vec![any("/ibc.core.connection.v1.MsgConnectionOpenTry", try_msg.encode_to_vec())]);

    let (at, proof_height) = relayer.sync(&mut a, CLIENT, &mut b);
    let a_on_b = latest_client_height(&b, CLIENT);
    let (_, proof_try) = b.prove(&format!("connections/{CONNECTION}"), at);
    let (client_state, proof_client) = b.prove(&format!("clients/{CLIENT}/clientState"), at);
    let (_, proof_consensus) = b.prove(&format!("clients/{CLIENT}/consensusStates/1-{a_on_b}"), at);
    let ack = connection::MsgConnectionOpenAck {
        connection_id: CONNECTION.into(),
        counterparty_connection_id: CONNECTION.into(),
        version: Some(version.clone()),
        client_state: Some(ibc_proto::google::protobuf::Any::decode(client_state.as_slice()).unwrap()),
        proof_height: proto_height(proof_height),
        proof_try,
        proof_client,
        proof_consensus,
        consensus_height: proto_height(a_on_b),
        signer: relayer.signer(),
        host_consensus_state_proof: vec![],
    };
    a.ok(&relayer.key, vec![any("/ibc.core.connection.v1.MsgConnectionOpenAck", ack.encode_to_vec())]);

    let (at, proof_height) = relayer.sync(&mut b, CLIENT, &mut a);
    let (_, proof_ack) = a.prove(&format!("connections/{CONNECTION}"), at);
    let confirm = connection::MsgConnectionOpenConfirm {
        connection_id: CONNECTION.into(),
        proof_ack,
        proof_height: proto_height(proof_height),
        signer: relayer.signer(),
    };
    b.ok(&relayer.key, vec![any("/ibc.core.connection.v1.MsgConnectionOpenConfirm", confirm.encode_to_vec())]);

    // Channel handshake on port transfer.
    let chan = |state: i32, counterparty_channel: &str| channel::Channel {
        state,
        ordering: channel::Order::Unordered as i32,
        counterparty: Some(channel::Counterparty {
            port_id: "transfer".into(),
            channel_id: counterparty_channel.into(),
        }),
        connection_hops: vec![CONNECTION.into()],
        version: "ics20-1".into(),
        upgrade_sequence: 0,
    };
    let init = channel::MsgChannelOpenInit {
        port_id: "transfer".into(),
        channel: Some(chan(channel::State::Init as i32, "")),
        signer: relayer.signer(),
    };
    a.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgChannelOpenInit", init.encode_to_vec())]);
    let channel_path = format!("channelEnds/ports/transfer/channels/{CHANNEL}");
    let (at, proof_height) = relayer.sync(&mut b, CLIENT, &mut a);
    let (_, proof_init) = a.prove(&channel_path, at);
    let try_msg = channel::MsgChannelOpenTry {
        port_id: "transfer".into(),
        previous_channel_id: String::new(),
        channel: Some(chan(channel::State::Tryopen as i32, CHANNEL)),
        counterparty_version: "ics20-1".into(),
        proof_init,
        proof_height: proto_height(proof_height),
        signer: relayer.signer(),
    };
    b.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgChannelOpenTry", try_msg.encode_to_vec())]);
    let (at, proof_height) = relayer.sync(&mut a, CLIENT, &mut b);
    let (_, proof_try) = b.prove(&channel_path, at);
    let ack = channel::MsgChannelOpenAck {
        port_id: "transfer".into(),
        channel_id: CHANNEL.into(),
        counterparty_channel_id: CHANNEL.into(),
        counterparty_version: "ics20-1".into(),
        proof_try,
        proof_height: proto_height(proof_height),
        signer: relayer.signer(),
    };
    a.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgChannelOpenAck", ack.encode_to_vec())]);
    let (at, proof_height) = relayer.sync(&mut b, CLIENT, &mut a);
    let (_, proof_ack) = a.prove(&channel_path, at);
    let confirm = channel::MsgChannelOpenConfirm {
        port_id: "transfer".into(),
        channel_id: CHANNEL.into(),
        proof_ack,
        proof_height: proto_height(proof_height),
        signer: relayer.signer(),
    };
    b.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgChannelOpenConfirm", confirm.encode_to_vec())]);

    // Relaying a packet from `src` to `dst` and its acknowledgement back.
    let recv = |relayer: &Relayer, dst: &mut Chain, src: &mut Chain, packet: &channel::Packet| -> ExecTxResult {
        let (at, proof_height) = relayer.sync(dst, CLIENT, src);
        let path = format!("commitments/ports/transfer/channels/{CHANNEL}/sequences/{}", packet.sequence);
        let (_, proof_commitment) = src.prove(&path, at);
        let msg = channel::MsgRecvPacket {
            packet: Some(packet.clone()),
            proof_commitment,
            proof_height: proto_height(proof_height),
            signer: relayer.signer(),
        };
        dst.submit(&relayer.key, vec![any("/ibc.core.channel.v1.MsgRecvPacket", msg.encode_to_vec())])
    };
    let acknowledge = |relayer: &Relayer, src: &mut Chain, dst: &mut Chain, packet: &channel::Packet, ack: Vec<u8>| {
        let (at, proof_height) = relayer.sync(src, CLIENT, dst);
        let path = format!("acks/ports/transfer/channels/{CHANNEL}/sequences/{}", packet.sequence);
        let (_, proof_acked) = dst.prove(&path, at);
        let msg = channel::MsgAcknowledgement {
            packet: Some(packet.clone()),
            acknowledgement: ack,
            proof_acked,
            proof_height: proto_height(proof_height),
            signer: relayer.signer(),
        };
        src.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgAcknowledgement", msg.encode_to_vec())]);
    };

    // 1. A → B: 1000uvrt escrowed on A, voucher minted on B.
    let voucher = format!("ibc/{}", veritas_ibc::denom_hash("transfer/channel-0/uvrt"));
    let escrow_a = veritas_ibc::escrow_address(&"transfer".parse().unwrap(), &CHANNEL.parse().unwrap());
    let sent = a.ok(&alice, vec![transfer(&alice.address, &bob.address.to_bech32(), "uvrt", 1000, b.height + 1000)]);
    let packet = packet_from_events(&sent);
    assert_eq!(a.balance(&escrow_a, "uvrt"), 1000);
    assert_eq!(a.balance(&alice.address, "uvrt"), 1_000_000 - 1000);
    let received = recv(&relayer, &mut b, &mut a, &packet);
    assert_eq!(received.code, 0, "{}", received.log);
    assert_eq!(b.balance(&bob.address, &voucher), 1000);
    assert_eq!(b.supply(&voucher), 1000);
    let ack = ack_from_events(&received);
    assert!(
        String::from_utf8_lossy(&ack).contains("result"),
        "a success acknowledgement: {:?}",
        String::from_utf8_lossy(&ack)
    );
    acknowledge(&relayer, &mut a, &mut b, &packet, ack);
    assert!(
        a.raw(&format!("commitments/ports/transfer/channels/{CHANNEL}/sequences/1")).is_empty(),
        "commitment cleared"
    );

    // A packet received twice is refused.
    let again = recv(&relayer, &mut b, &mut a, &packet);
    assert_eq!((again.codespace.as_str(), again.code), ("ibc", 8), "{}", again.log);
    assert_eq!(b.balance(&bob.address, &voucher), 1000, "no second mint");

    // A membership proof against the wrong root: the commitment of packet 1 proven at a
    // height whose header the client of A has not got (a later root).
    let sent = a.ok(&alice, vec![transfer(&alice.address, &bob.address.to_bech32(), "uvrt", 5, b.height + 1000)]);
    let packet2 = packet_from_events(&sent);
    let (at, proof_height) = relayer.sync(&mut b, CLIENT, &mut a);
    let (_, proof_at) = a.prove(&format!("commitments/ports/transfer/channels/{CHANNEL}/sequences/2"), at);
    let wrong_root = channel::MsgRecvPacket {
        packet: Some(packet2.clone()),
        proof_commitment: proof_at.clone(),
        proof_height: proto_height(proof_height - 2),
        signer: relayer.signer(),
    };
    let refused = b.submit(&relayer.key, vec![any("/ibc.core.channel.v1.MsgRecvPacket", wrong_root.encode_to_vec())]);
    assert_ne!(refused.code, 0, "a proof against another root must be refused");
    let right = channel::MsgRecvPacket { proof_height: proto_height(proof_height), ..wrong_root };
    let received = b.submit(&relayer.key, vec![any("/ibc.core.channel.v1.MsgRecvPacket", right.encode_to_vec())]);
    assert_eq!(received.code, 0, "{}", received.log);
    acknowledge(&relayer, &mut a, &mut b, &packet2, ack_from_events(&received));

    // 2. B → A: 400 of the voucher burned on B, 400uvrt released from escrow on A.
    let back = b.ok(&bob, vec![transfer(&bob.address, &alice.address.to_bech32(), &voucher, 400, a.height + 1000)]);
    let packet = packet_from_events(&back);
    assert_eq!(b.balance(&bob.address, &voucher), 605);
    assert_eq!(b.supply(&voucher), 605, "vouchers burned on the way out");
    let received = recv(&relayer, &mut a, &mut b, &packet);
    assert_eq!(received.code, 0, "{}", received.log);
    assert_eq!(a.balance(&alice.address, "uvrt"), 1_000_000 - 1005 + 400);
    assert_eq!(a.balance(&escrow_a, "uvrt"), 605);
    acknowledge(&relayer, &mut b, &mut a, &packet, ack_from_events(&received));

    // 3. A timeout: the packet is not relayed before B passes its timeout height; A refunds.
    let before = a.balance(&alice.address, "uvrt");
    let sent = a.ok(&alice, vec![transfer(&alice.address, &bob.address.to_bech32(), "uvrt", 70, b.height + 2)]);
    let packet = packet_from_events(&sent);
    assert_eq!(a.balance(&alice.address, "uvrt"), before - 70);
    b.block(vec![]);
    b.block(vec![]);
    b.block(vec![]);
    // Received after its timeout: refused.
    let late = recv(&relayer, &mut b, &mut a, &packet);
    assert_ne!(late.code, 0, "a packet past its timeout must be refused");
    let (at, proof_height) = relayer.sync(&mut a, CLIENT, &mut b);
    let (absent, proof_unreceived) =
        b.prove(&format!("receipts/ports/transfer/channels/{CHANNEL}/sequences/{}", packet.sequence), at);
    assert!(absent.is_empty(), "B has no receipt for the timed-out packet");
    let timeout = channel::MsgTimeout {
        packet: Some(packet.clone()),
        proof_unreceived,
        proof_height: proto_height(proof_height),
        next_sequence_recv: packet.sequence,
        signer: relayer.signer(),
    };
    let result = a.ok(&relayer.key, vec![any("/ibc.core.channel.v1.MsgTimeout", timeout.encode_to_vec())]);
    assert!(result.events.iter().any(|e| e.r#type == "timeout_packet"));
    assert_eq!(a.balance(&alice.address, "uvrt"), before, "refunded on timeout");

    // 4. An error acknowledgement (the receiver is not an address) refunds the sender.
    let sent = a.ok(&alice, vec![transfer(&alice.address, "not-an-address", "uvrt", 33, b.height + 1000)]);
    let packet = packet_from_events(&sent);
    assert_eq!(a.balance(&alice.address, "uvrt"), before - 33);
    let received = recv(&relayer, &mut b, &mut a, &packet);
    assert_eq!(received.code, 0, "an error acknowledgement is still a received packet: {}", received.log);
    let ack = ack_from_events(&received);
    assert!(
        String::from_utf8_lossy(&ack).contains("error"),
        "an error acknowledgement: {}",
        String::from_utf8_lossy(&ack)
    );
    acknowledge(&relayer, &mut a, &mut b, &packet, ack);
    assert_eq!(a.balance(&alice.address, "uvrt"), before, "refunded on an error acknowledgement");

    // Supply stays exact: A's uvrt supply unchanged, B's vouchers = A's escrow.
    assert_eq!(a.supply("uvrt"), 2_000_000);
    assert_eq!(b.supply(&voucher), a.balance(&escrow_a, "uvrt"));

    // The ibc-go query services see the same state.
    let q = |chain: &Chain, path: &str, request: Vec<u8>| {
        let r = chain.query(path, request, 0, false);
        assert_eq!(r.code, 0, "{path}: {}", r.log);
        r.value.to_vec()
    };
    let clients = client::QueryClientStatesResponse::decode(
        q(&b, "/ibc.core.client.v1.Query/ClientStates", client::QueryClientStatesRequest::default().encode_to_vec())
            .as_slice(),
    )
    .unwrap();
    assert_eq!(clients.client_states.len(), 1);
    assert_eq!(clients.client_states[0].client_id, CLIENT);
    let connections = connection::QueryConnectionsResponse::decode(
        q(
            &a,
            "/ibc.core.connection.v1.Query/Connections",
            connection::QueryConnectionsRequest::default().encode_to_vec(),
        )
        .as_slice(),
    )
    .unwrap();
    assert_eq!(connections.connections[0].state, connection::State::Open as i32);
    let channels = channel::QueryChannelsResponse::decode(
        q(&b, "/ibc.core.channel.v1.Query/Channels", channel::QueryChannelsRequest::default().encode_to_vec())
            .as_slice(),
    )
    .unwrap();
    assert_eq!(
        (channels.channels[0].port_id.as_str(), channels.channels[0].state),
        ("transfer", channel::State::Open as i32)
    );
    let traces = ibc_proto::ibc::applications::transfer::v1::QueryDenomTracesResponse::decode(
        q(
            &b,
            "/ibc.applications.transfer.v1.Query/DenomTraces",
            ibc_proto::ibc::applications::transfer::v1::QueryDenomTracesRequest::default().encode_to_vec(),
        )
        .as_slice(),
    )
    .unwrap();
    assert_eq!(traces.denom_traces.len(), 1);
    assert_eq!(
        (traces.denom_traces[0].path.as_str(), traces.denom_traces[0].base_denom.as_str()),
        ("transfer/channel-0", "uvrt")
    );
    let unreceived = channel::QueryUnreceivedPacketsResponse::decode(
        q(
            &b,
            "/ibc.core.channel.v1.Query/UnreceivedPackets",
            channel::QueryUnreceivedPacketsRequest {
                port_id: "transfer".into(),
                channel_id: CHANNEL.into(),
                packet_commitment_sequences: vec![1, 2, 3, 4, 5],
            }
            .encode_to_vec(),
        )
        .as_slice(),
    )
    .unwrap();
    assert_eq!(unreceived.sequences, vec![3, 5], "3 timed out, 5 was never sent; 1, 2 and 4 were received");

    // What relayers list and look up (the same answers serve gRPC).
    fn ask<R: Message + Default>(chain: &Chain, path: &str, request: impl Message) -> R {
        let r = chain.query(path, request.encode_to_vec(), 0, false);
        assert_eq!(r.code, 0, "{path}: {}", r.log);
        R::decode(r.value.as_ref()).unwrap()
    }
    let heights: client::QueryConsensusStateHeightsResponse = ask(
        &b,
        "/ibc.core.client.v1.Query/ConsensusStateHeights",
        client::QueryConsensusStateHeightsRequest { client_id: CLIENT.into(), pagination: None },
    );
    let heights: Vec<u64> = heights.consensus_state_heights.iter().map(|h| h.revision_height).collect();
    assert!(heights.len() > 3 && heights.windows(2).all(|w| w[0] < w[1]), "oldest first: {heights:?}");
    assert!(
        heights.first() < Some(&10) && heights.last() >= Some(&10),
        "crosses 9 -> 10 (store order differs): {heights:?}"
    );
    // Paged two at a time, the pages follow one another to the same list.
    let mut paged = Vec::new();
    let mut key = Vec::new();
    loop {
        let pagination = ibc_proto::cosmos::base::query::v1beta1::PageRequest {
            key: key.clone(),
            limit: 2,
            count_total: true,
            ..Default::default()
        };
        let page: client::QueryConsensusStateHeightsResponse = ask(
            &b,
            "/ibc.core.client.v1.Query/ConsensusStateHeights",
            client::QueryConsensusStateHeightsRequest { client_id: CLIENT.into(), pagination: Some(pagination) },
        );
        assert!(page.consensus_state_heights.len() <= 2);
        paged.extend(page.consensus_state_heights.iter().map(|h| h.revision_height));
        let response = page.pagination.unwrap();
        if key.is_empty() {
            assert_eq!(response.total, heights.len() as u64, "counted on the first page");
        }
        if response.next_key.is_empty() {
            break;
        }
        key = response.next_key;
    }
    assert_eq!(paged, heights);
    let first: client::QueryClientStatesResponse = ask(
        &b,
        "/ibc.core.client.v1.Query/ClientStates",
        client::QueryClientStatesRequest {
            pagination: Some(ibc_proto::cosmos::base::query::v1beta1::PageRequest { limit: 1, ..Default::default() }),
        },
    );
    assert_eq!(first.client_states.len(), 1);
    let states: client::QueryConsensusStatesResponse = ask(
        &b,
        "/ibc.core.client.v1.Query/ConsensusStates",
        client::QueryConsensusStatesRequest { client_id: CLIENT.into(), pagination: None },
    );
    assert_eq!(states.consensus_states.len(), heights.len(), "no processedTime/Height entries among them");
    let paths: connection::QueryClientConnectionsResponse = ask(
        &a,
        "/ibc.core.connection.v1.Query/ClientConnections",
        connection::QueryClientConnectionsRequest { client_id: CLIENT.into() },
    );
    assert_eq!(paths.connection_paths, vec![CONNECTION.to_owned()]);
    let on_connection: channel::QueryConnectionChannelsResponse = ask(
        &b,
        "/ibc.core.channel.v1.Query/ConnectionChannels",
        channel::QueryConnectionChannelsRequest { connection: CONNECTION.into(), pagination: None },
    );
    assert_eq!(on_connection.channels.len(), 1);
    let of_channel: channel::QueryChannelClientStateResponse = ask(
        &b,
        "/ibc.core.channel.v1.Query/ChannelClientState",
        channel::QueryChannelClientStateRequest { port_id: "transfer".into(), channel_id: CHANNEL.into() },
    );
    assert_eq!(of_channel.identified_client_state.unwrap().client_id, CLIENT);
    let receipt = |sequence| -> bool {
        let r: channel::QueryPacketReceiptResponse = ask(
            &b,
            "/ibc.core.channel.v1.Query/PacketReceipt",
            channel::QueryPacketReceiptRequest { port_id: "transfer".into(), channel_id: CHANNEL.into(), sequence },
        );
        r.received
    };
    assert!(receipt(1) && !receipt(3));
    let ack: channel::QueryPacketAcknowledgementResponse = ask(
        &b,
        "/ibc.core.channel.v1.Query/PacketAcknowledgement",
        channel::QueryPacketAcknowledgementRequest {
            port_id: "transfer".into(),
            channel_id: CHANNEL.into(),
            sequence: 1,
        },
    );
    assert_eq!(ack.acknowledgement, b.raw(&format!("acks/ports/transfer/channels/{CHANNEL}/sequences/1")));
    assert_eq!(ack.acknowledgement.len(), 32);
    let cleared = a.query(
        "/ibc.core.channel.v1.Query/PacketCommitment",
        channel::QueryPacketCommitmentRequest { port_id: "transfer".into(), channel_id: CHANNEL.into(), sequence: 1 }
            .encode_to_vec(),
        0,
        false,
    );
    assert!(cleared.code != 0 && cleared.log.contains("NotFound"), "acknowledged, so no commitment: {}", cleared.log);
    let next_recv: channel::QueryNextSequenceReceiveResponse = ask(
        &b,
        "/ibc.core.channel.v1.Query/NextSequenceReceive",
        channel::QueryNextSequenceReceiveRequest { port_id: "transfer".into(), channel_id: CHANNEL.into() },
    );
    assert_eq!(next_recv.next_sequence_receive, 1, "an unordered channel's counter stays at 1");
    let for_zero = b.query(
        "/ibc.core.channel.v1.Query/UnreceivedPackets",
        channel::QueryUnreceivedPacketsRequest {
            port_id: "transfer".into(),
            channel_id: CHANNEL.into(),
            packet_commitment_sequences: vec![0],
        }
        .encode_to_vec(),
        0,
        false,
    );
    assert!(for_zero.code != 0 && for_zero.log.contains("cannot be 0"), "{}", for_zero.log);
    let no_channel = b.query(
        "/ibc.core.channel.v1.Query/UnreceivedPackets",
        channel::QueryUnreceivedPacketsRequest {
            port_id: "transfer".into(),
            channel_id: "channel-9".into(),
            packet_commitment_sequences: vec![1],
        }
        .encode_to_vec(),
        0,
        false,
    );
    assert!(no_channel.code != 0 && no_channel.log.contains("NotFound"), "{}", no_channel.log);
    let on_connection: connection::QueryConnectionClientStateResponse = ask(
        &a,
        "/ibc.core.connection.v1.Query/ConnectionClientState",
        connection::QueryConnectionClientStateRequest { connection_id: CONNECTION.into() },
    );
    assert_eq!(on_connection.identified_client_state.unwrap().client_id, CLIENT);
    let client_params: client::QueryClientParamsResponse =
        ask(&a, "/ibc.core.client.v1.Query/ClientParams", client::QueryClientParamsRequest {});
    assert_eq!(client_params.params.unwrap().allowed_clients, vec!["07-tendermint".to_owned()]);
    use ibc_proto::ibc::applications::transfer::v1 as transfer;
    let escrow: transfer::QueryEscrowAddressResponse = ask(
        &a,
        "/ibc.applications.transfer.v1.Query/EscrowAddress",
        transfer::QueryEscrowAddressRequest { port_id: "transfer".into(), channel_id: CHANNEL.into() },
    );
    assert_eq!(escrow.escrow_address, escrow_a.to_bech32());
    let hash: transfer::QueryDenomHashResponse = ask(
        &b,
        "/ibc.applications.transfer.v1.Query/DenomHash",
        transfer::QueryDenomHashRequest { trace: "transfer/channel-0/uvrt".into() },
    );
    assert_eq!(format!("ibc/{}", hash.hash), voucher);
    let bad_trace = b.query(
        "/ibc.applications.transfer.v1.Query/DenomHash",
        transfer::QueryDenomHashRequest { trace: "uvrt".into() }.encode_to_vec(),
        0,
        false,
    );
    assert!(bad_trace.code != 0 && bad_trace.log.contains("not a trace"), "{}", bad_trace.log);
    let transfer_params: transfer::QueryParamsResponse =
        ask(&a, "/ibc.applications.transfer.v1.Query/Params", transfer::QueryParamsRequest {});
    assert_eq!(transfer_params.params, Some(transfer::Params { send_enabled: true, receive_enabled: true }));
    let unknown = b.query(
        "/ibc.applications.transfer.v1.Query/DenomHash",
        transfer::QueryDenomHashRequest { trace: "transfer/channel-9/uvrt".into() }.encode_to_vec(),
        0,
        false,
    );
    assert!(unknown.code != 0 && unknown.log.contains("NotFound"), "{}", unknown.log);

    // Export → a new chain from it: the same state, entry for entry (clients, consensus
    // states, connections, channels, sequences, receipts, acks, traces, host states).
    assert_export_restarts_identically(&a);
    assert_export_restarts_identically(&b);
}

/// Exports `chain`'s committed state, starts a new node from it and compares every
/// substore entry.
fn assert_export_restarts_identically(chain: &Chain) {
    use veritas_store::KvRead;
    let modules = veritas_app::modules::module_set();
    let view = chain.storage.view(None).unwrap();
    let ctx = veritas_framework::QueryContext::new(chain.height, &chain.id, &view);
    let exported = modules.export_genesis(&ctx).unwrap();
    assert!(exported["ibc"]["channels"].as_array().is_some_and(|c| !c.is_empty()), "{}", exported["ibc"]);
    assert!(exported["ibc"]["acknowledgements"].as_array().is_some_and(|c| !c.is_empty()));
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), StorageConfig { substores: modules.substores(), keep_recent: 0 }).unwrap();
    let env = Arc::new(veritas_app::modules::tx_env(Default::default()));
    let mut node = Node::new(storage.clone(), env, Arc::new(OnceLock::new()));
    node.init_chain(RequestInitChain {
        chain_id: chain.id.clone(),
        initial_height: 1,
        app_state_bytes: serde_json::to_vec(&exported).unwrap().into(),
        ..Default::default()
    });
    node.finalize_block(RequestFinalizeBlock { height: 1, ..Default::default() });
    node.commit();
    let restarted = storage.view(None).unwrap();
    for substore in modules.substores() {
        let before = view.scan(&substore, b"", None, usize::MAX).unwrap();
        let after = restarted.scan(&substore, b"", None, usize::MAX).unwrap();
        // The host's own consensus state of the new chain's first block is new; the rest
        // must be what was exported.
        let after: Vec<_> = after
            .into_iter()
            .filter(|e| before.contains(e) || !e.0.starts_with(b"veritas/hostConsensusStates/"))
            .collect();
        assert_eq!(before.len(), after.len(), "{substore}: entry count after export and restart");
        assert!(before == after, "{substore}: entries differ after export and restart");
    }
}

/// The transaction that made ibc-rs panic (a header of height 0), put in a block by a
/// proposer: it fails with an `ibc` code, and the chain goes on from the same state on
/// every node.
#[test]
fn a_header_of_height_zero_in_a_block_fails_its_tx_and_the_chain_goes_on() {
    let clock = Rc::new(Cell::new(GENESIS_SECONDS));
    let stranger = key(9);
    let mut host = Chain::start("host-1", &[&stranger.address], &clock);
    let mut twin = Chain::start("host-1", &[&stranger.address], &Rc::new(Cell::new(GENESIS_SECONDS)));
    let msgs = common::evil::create_client_then_update_at_height_zero(
        &stranger.address.to_bech32(),
        0,
        clock.get() + BLOCK_SECONDS,
    );
    let account = host.account(&stranger.address);
    let raw = veritas_app::tx::sign::sign_tx(&stranger.signing, &account, "host-1", msgs, "", 5_000_000, "").unwrap();
    let results = host.block(vec![raw.clone()]);
    assert_eq!((results[0].codespace.as_str(), results[0].code), ("ibc", 9), "{}", results[0].log);
    assert!(results[0].log.contains("height must be positive"), "{}", results[0].log);
    twin.block(vec![raw]);
    assert_eq!(host.app_hashes, twin.app_hashes, "every node reaches the same state");
    host.block(vec![]);
    assert_eq!(host.height, 3);
}
