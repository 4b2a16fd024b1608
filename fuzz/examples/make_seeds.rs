//! Writes the seed corpora under `fuzz/corpus/<target>/` from real data: transactions
//! signed as clients sign them, the snarkjs fixtures, genesis files and query requests.
//! IBC messages come from the two-chain test (`VERITAS_FUZZ_SEEDS=fuzz/corpus cargo test
//! -p veritas-app --test ibc_two_chains`). Run: `cargo run --release --example make_seeds` in `fuzz/`.

use std::path::{Path, PathBuf};

use cosmos_sdk_proto::cosmos::auth::v1beta1::QueryAccountRequest;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{
    Input, MsgMultiSend, MsgSend, Output, QueryAllBalancesRequest, QueryBalanceRequest, QueryTotalSupplyRequest,
};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::SimulateRequest;
use cosmos_sdk_proto::Any;
use prost::Message;
use veritas_fuzz::{address, fixture, msg_type_urls, query_paths, FIXTURE_VK};
use veritas_proto::zkverify::v1 as zk;
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../modules/zkverify/fixtures");

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = dir.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn fixture_file(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

fn coin(amount: &str) -> Vec<Coin> {
    vec![Coin { denom: "uvrt".into(), amount: amount.into() }]
}

fn any<M: Message>(type_url: &str, m: M) -> Any {
    Any { type_url: type_url.into(), value: m.encode_to_vec() }
}

fn main() {
    let out =
        PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").into()));
    let f = fixture();
    let (a, b) = (address(1).to_bech32(), address(2).to_bech32());

    // Messages of every kind a user sends, with real values.
    let poly_key = read_verifying_key(FIXTURE_VK.as_bytes(), Format::Snarkjs, None).unwrap();
    let multiplier_vk =
        read_verifying_key(&fixture_file("multiplier/verification_key.json"), Format::Snarkjs, None).unwrap().vk_bytes();
    let poly_proof = read_proof(&fixture_file("poly/proof_1.json"), Format::Snarkjs, None).unwrap().proof;
    let poly_inputs = read_public_inputs(&fixture_file("poly/public_1.json"), Format::Snarkjs, poly_key.curve()).unwrap();
    let poly_id = poly_key.id();
    let poly_vk = poly_key.vk_bytes();
    let msgs = vec![
        (
            "send",
            any(
                "/cosmos.bank.v1beta1.MsgSend",
                MsgSend { from_address: a.clone(), to_address: b.clone(), amount: coin("100") },
            ),
        ),
        (
            "multisend",
            any(
                "/cosmos.bank.v1beta1.MsgMultiSend",
                MsgMultiSend {
                    inputs: vec![Input { address: a.clone(), coins: coin("30") }],
                    outputs: vec![
                        Output { address: b.clone(), coins: coin("10") },
                        Output { address: a.clone(), coins: coin("20") },
                    ],
                },
            ),
        ),
        (
            "register",
            any(
                zk::MSG_REGISTER_VERIFYING_KEY,
                zk::MsgRegisterVerifyingKey { creator: a.clone(), vk: multiplier_vk.clone(), ..Default::default() },
            ),
        ),
        (
            "verify",
            any(
                zk::MSG_VERIFY_PROOF,
                zk::MsgVerifyProof {
                    submitter: a.clone(),
                    vk_id: poly_id.clone(),
                    proof: poly_proof.clone(),
                    public_inputs: poly_inputs.clone(),
                    ..Default::default()
                },
            ),
        ),
    ];
    let urls = msg_type_urls();
    for (name, msg) in &msgs {
        let selector = urls.iter().position(|u| *u == msg.type_url).unwrap() as u8;
        write(&out, "module_msgs", name, &[&[selector][..], &msg.value].concat());
        let raw = f.sign(1, 0, vec![msg.clone()]);
        write(&out, "tx_pipeline", name, &raw);
    }
    write(&out, "tx_pipeline", "two-msgs", &f.sign(1, 0, msgs.iter().take(2).map(|(_, m)| m.clone()).collect()));

    // zkverify decoders: wire bytes and both file formats.
    // Selectors as in fuzz_targets/zk_decoders.rs: 0-2 BLS12-381 wire key/proof/inputs,
    // 3-5 the same on BN254, 6 snarkjs, 7 arkworks, 8 gnark files.
    let bn_key = read_verifying_key(&fixture_file("poly_bn128/verification_key.json"), Format::Snarkjs, None).unwrap();
    let bn_proof = read_proof(&fixture_file("poly_bn128/proof_1.json"), Format::Snarkjs, None).unwrap().proof;
    write(&out, "zk_decoders", "vk-wire", &[&[0u8][..], &poly_vk].concat());
    write(&out, "zk_decoders", "proof-wire", &[&[1u8][..], &poly_proof].concat());
    write(&out, "zk_decoders", "inputs-wire", &[&[2u8][..], &poly_inputs.concat()].concat());
    write(&out, "zk_decoders", "vk-wire-bn254", &[&[3u8][..], &bn_key.vk_bytes()].concat());
    write(&out, "zk_decoders", "proof-wire-bn254", &[&[4u8][..], &bn_proof].concat());
    write(&out, "zk_decoders", "vk-snarkjs", &[&[6u8][..], FIXTURE_VK.as_bytes()].concat());
    write(&out, "zk_decoders", "proof-snarkjs", &[&[6u8][..], &fixture_file("poly/proof_1.json")].concat());
    write(&out, "zk_decoders", "public-snarkjs", &[&[6u8][..], &fixture_file("poly/public_1.json")].concat());
    write(&out, "zk_decoders", "vk-snarkjs-bn128", &[&[6u8][..], &fixture_file("poly_bn128/verification_key.json")].concat());
    write(&out, "zk_decoders", "vk-arkworks", &[&[7u8][..], &poly_vk].concat());
    write(&out, "zk_decoders", "public-arkworks", &[&[7u8][..], hex(&poly_inputs.concat()).as_bytes()].concat());

    // Genesis: the default one and one with balances and a key.
    let modules = veritas_app::modules::module_set();
    write(&out, "genesis", "default", serde_json::to_string_pretty(&modules.default_genesis()).unwrap().as_bytes());
    let mut full = modules.default_genesis();
    full["bank"]["balances"] = serde_json::json!([{ "address": a, "coins": [{ "denom": "uvrt", "amount": "5" }] }]);
    full["auth"]["params"]["min_gas_prices"] = "0.0025uvrt".into();
    full["zkverify"]["verifying_keys"] = serde_json::json!([{ "vk": hex(&poly_vk), "creator": a }]);
    write(&out, "genesis", "funded", serde_json::to_string_pretty(&full).unwrap().as_bytes());

    // Queries: one request per path kind (flags 0x01: latest height, 0x81: with a proof).
    let paths = query_paths();
    let request = |path: &str| -> Vec<u8> {
        match path {
            "/cosmos.bank.v1beta1.Query/Balance" => {
                QueryBalanceRequest { address: a.clone(), denom: "uvrt".into() }.encode_to_vec()
            }
            "/cosmos.bank.v1beta1.Query/AllBalances" => {
                QueryAllBalancesRequest { address: a.clone(), ..Default::default() }.encode_to_vec()
            }
            "/cosmos.bank.v1beta1.Query/TotalSupply" => QueryTotalSupplyRequest::default().encode_to_vec(),
            "/cosmos.auth.v1beta1.Query/Account" => QueryAccountRequest { address: a.clone() }.encode_to_vec(),
            p if p == veritas_app::query::SIMULATE => {
                SimulateRequest { tx_bytes: f.sign(1, 0, vec![msgs[0].1.clone()]), ..Default::default() }
                    .encode_to_vec()
            }
            p if p.starts_with("store/") => b"params".to_vec(),
            _ => Vec::new(),
        }
    };
    for (index, path) in paths.iter().enumerate() {
        let flags: u8 = if path.starts_with("store/") { 0x81 } else { 0x01 };
        let name = path.trim_start_matches('/').replace(['/', '.'], "_");
        write(&out, "queries", &name, &[&[index as u8, flags][..], &request(path)].concat());
    }
    println!("seeds written under {}", out.display());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
