//! `--format gnark` on files stock gnark v0.14.0 writes, made fresh on every run by
//! fixtures/gnark (`go run .`, pinned in its go.mod), on BN254 and BLS12-381: keys and
//! proofs from `WriteTo` and `WriteRawTo` and public witnesses verify, plain and with
//! gnark's commitment extension (one and two `api.Commit` calls); the commitment hashes
//! and the proof-of-knowledge challenge equal gnark's; changed inputs, commitments or
//! proofs of knowledge do not verify; the forged commitment gnark v0.14.0 accepts is
//! refused; malformed bytes are refused with a message, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ark_ff::PrimeField;
use serde_json::Value;
use veritas_framework::Address;
use veritas_zkverify::bsb22::extend_inputs;
use veritas_zkverify::encoding::{decode_g1, decode_public_inputs};
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format, FormatError, ProofFile};
use veritas_zkverify::{verdict_alone, AnyKey, Curve, CurveId, Verdict, VerifyRequest};

/// One fixture directory per test run (gnark's Go build is cached by Go after the first).
fn fixtures() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let program = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/gnark");
        let seed = (std::process::id() % 1000 + 2).to_string();
        let out = Command::new("go")
            .args(["run", ".", "--out"])
            .arg(dir.path())
            .args(["--seed", &seed])
            .current_dir(&program)
            .output()
            .expect("Go is needed to make gnark fixtures (scripts/setup.sh installs what CI needs)");
        assert!(
            out.status.success(),
            "go run . in {}: {}{}",
            program.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .path()
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn summary(prefix: &str) -> Value {
    serde_json::from_slice(&file(&format!("{prefix}.json"))).unwrap()
}

const CURVES: [(&str, CurveId); 2] = [("bn254", CurveId::Bn254), ("bls12-381", CurveId::Bls12_381)];
const CIRCUITS: [(&str, usize); 3] = [("plain", 0), ("committed", 1), ("multicommit", 2)];

fn key(name: &str) -> AnyKey {
    read_verifying_key(&file(name), Format::Gnark, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn proof(name: &str) -> ProofFile {
    read_proof(&file(name), Format::Gnark, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn request(key: &AnyKey, proof: ProofFile, inputs: Vec<Vec<u8>>) -> VerifyRequest {
    proof.into_request(Address::from_bytes(&[1; 20]).unwrap(), key.id(), inputs)
}

/// The chain's verdict for gnark files.
fn verdict(key: &AnyKey, proof: ProofFile, public: &[u8]) -> Verdict {
    let inputs = read_public_inputs(public, Format::Gnark, key.curve()).unwrap();
    verdict_alone(&request(key, proof, inputs), &key.prepare())
}

#[test]
fn gnark_proofs_verify_on_both_curves_plain_and_with_commitments() {
    for (curve_name, curve) in CURVES {
        for (circuit, commitments) in CIRCUITS {
            let prefix = format!("{curve_name}-{circuit}");
            let public = file(&format!("{prefix}.public.bin"));
            let keys = [key(&format!("{prefix}.vk.bin")), key(&format!("{prefix}.vk.raw"))];
            assert_eq!(keys[0], keys[1], "{prefix}: one key, however gnark wrote it");
            assert_eq!((keys[0].curve(), keys[0].commitment_count()), (curve, commitments), "{prefix}");
            let inputs = summary(&prefix)["public_inputs"].as_array().unwrap().len();
            assert_eq!(keys[0].public_inputs(), inputs, "{prefix}");
            let mut ids = Vec::new();
            for proof_file in ["proof.bin", "proof.raw"] {
                let (id, valid) = verdict(&keys[0], proof(&format!("{prefix}.{proof_file}")), &public).unwrap();
                assert!(valid, "{prefix}.{proof_file}");
                ids.push(id);
            }
            assert_eq!(ids[0], ids[1], "{prefix}: one proof, one id, compressed or raw");

            // A changed public input (still below r) does not verify.
            let changed = if commitments > 0 {
                file(&format!("{prefix}.bad-public.bin"))
            } else {
                let mut changed = public.clone();
                *changed.last_mut().unwrap() ^= 1;
                changed
            };
            assert!(!verdict(&keys[0], proof(&format!("{prefix}.proof.bin")), &changed).unwrap().1, "{prefix}");
        }
    }
}

/// Our commitment hashes and folding challenge are gnark's (its fixture summary
/// records both).
fn hashes_equal_gnarks<E: Curve>(prefix: &str, key: &AnyKey) {
    let summary = summary(prefix);
    let proof = proof(&format!("{prefix}.proof.bin"));
    let commitments: Vec<E::G1Affine> =
        proof.commitments.iter().map(|c| decode_g1::<E>(c, "commitment").unwrap()).collect();
    let inputs = read_public_inputs(&file(&format!("{prefix}.public.bin")), Format::Gnark, key.curve()).unwrap();
    let inputs = decode_public_inputs::<E::ScalarField>(&inputs).unwrap();
    let committed: Vec<Vec<u32>> = key.commitments_proto().unwrap().keys.iter().map(|k| k.committed.clone()).collect();
    let (extended, rho) = extend_inputs::<E>(&inputs, &committed, &commitments);
    let decimal = |x: &E::ScalarField| x.into_bigint().to_string();
    let hashes: Vec<String> = extended[inputs.len()..].iter().map(decimal).collect();
    let expected: Vec<String> =
        summary["commitment_hashes"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_owned()).collect();
    assert_eq!(hashes, expected, "{prefix}: commitment hashes");
    assert_eq!(decimal(&rho), summary["pok_challenge"].as_str().unwrap(), "{prefix}: challenge");
}

#[test]
fn commitment_hashes_and_the_challenge_are_gnarks() {
    for circuit in ["committed", "multicommit"] {
        let bn = format!("bn254-{circuit}");
        hashes_equal_gnarks::<ark_bn254::Bn254>(&bn, &key(&format!("{bn}.vk.bin")));
        let bls = format!("bls12-381-{circuit}");
        hashes_equal_gnarks::<ark_bls12_381::Bls12_381>(&bls, &key(&format!("{bls}.vk.raw")));
    }
}

#[test]
fn forged_or_mismatched_commitments_are_refused() {
    for (curve_name, _) in CURVES {
        let plain_key = key(&format!("{curve_name}-plain.vk.bin"));
        let public = file(&format!("{curve_name}-plain.public.bin"));
        // gnark v0.14.0 accepts this forgery for any input; Veritas refuses it (code 16).
        for forged in ["forged-commitment.proof.bin", "forged-commitment.proof.raw"] {
            let err = verdict(&plain_key, proof(&format!("{curve_name}-plain.{forged}")), &public).unwrap_err();
            assert_eq!(err.code(), 16, "{curve_name} {forged}: {}", err.log());
        }
        let committed = format!("{curve_name}-committed");
        let committed_key = key(&format!("{committed}.vk.bin"));
        let committed_public = file(&format!("{committed}.public.bin"));
        // A plain proof against a key with commitments: the commitments are missing.
        let err = verdict(&committed_key, proof(&format!("{curve_name}-plain.proof.bin")), &committed_public);
        assert!(err.is_err(), "{committed}");

        // A changed proof of knowledge, or a changed commitment: well formed, invalid.
        let good = proof(&format!("{committed}.proof.raw"));
        let other = proof(&format!("{curve_name}-multicommit.proof.raw"));
        let with_pok = ProofFile { pok: other.pok.clone(), ..good.clone() };
        assert!(!verdict(&committed_key, with_pok, &committed_public).unwrap().1, "{committed}: PoK");
        let with_commitment = ProofFile { commitments: vec![other.commitments[1].clone()], ..good.clone() };
        assert!(!verdict(&committed_key, with_commitment, &committed_public).unwrap().1, "{committed}: commitment");
        // Without its proof of knowledge.
        let without = ProofFile { pok: Vec::new(), ..good };
        assert_eq!(verdict(&committed_key, without, &committed_public).unwrap_err().code(), 16);
    }
}

#[test]
fn the_curve_is_found_from_the_file_or_checked_against_curve() {
    let bn = file("bn254-committed.vk.bin");
    assert_eq!(read_verifying_key(&bn, Format::Gnark, Some(CurveId::Bn254)).unwrap().curve(), CurveId::Bn254);
    assert!(read_verifying_key(&bn, Format::Gnark, Some(CurveId::Bls12_381)).is_err());
    let bls_proof = file("bls12-381-plain.proof.bin");
    assert!(read_proof(&bls_proof, Format::Gnark, Some(CurveId::Bn254)).is_err());
    assert_eq!(read_proof(&bls_proof, Format::Gnark, None).unwrap().curve, CurveId::Bls12_381);
}

#[test]
fn malformed_gnark_bytes_are_refused_naming_the_field() {
    for (curve_name, curve) in CURVES {
        let g1 = if curve == CurveId::Bn254 { 32 } else { 48 };
        for name in ["plain.vk.bin", "committed.vk.raw", "multicommit.vk.bin"] {
            let vk = file(&format!("{curve_name}-{name}"));
            for cut in 0..vk.len() {
                assert!(read_verifying_key(&vk[..cut], Format::Gnark, None).is_err(), "{name} cut at {cut}");
            }
        }
        for name in ["plain.proof.raw", "committed.proof.bin"] {
            let proof = file(&format!("{curve_name}-{name}"));
            for cut in 0..proof.len() {
                assert!(read_proof(&proof[..cut], Format::Gnark, None).is_err(), "{name} cut at {cut}");
            }
        }
        let public = file(&format!("{curve_name}-plain.public.bin"));
        for cut in 0..public.len() {
            assert!(read_public_inputs(&public[..cut], Format::Gnark, curve).is_err(), "witness cut at {cut}");
        }
        let err = |r: Result<AnyKey, FormatError>| r.unwrap_err().to_string();
        let vk = file(&format!("{curve_name}-plain.vk.bin"));
        let mut trailing = vk.clone();
        trailing.push(0);
        assert!(err(read_verifying_key(&trailing, Format::Gnark, Some(curve))).contains("after the last field"));
        // K's length (after 3 G1 and 3 G2 compressed points) claiming far more points than follow.
        let mut huge = vk.clone();
        huge[3 * g1 + 6 * g1..3 * g1 + 6 * g1 + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(err(read_verifying_key(&huge, Format::Gnark, Some(curve))).contains("G1.K length"));
        // α's x at or above the base field modulus (compressed flag kept).
        let mut too_large = vk.clone();
        too_large[..g1].fill(0xff);
        too_large[0] = if curve == CurveId::Bn254 { 0xbf } else { 0x9f };
        assert!(err(read_verifying_key(&too_large, Format::Gnark, Some(curve))).contains("G1.Alpha"));
        // A committed index pointing past the inputs.
        let committed = file(&format!("{curve_name}-committed.vk.raw"));
        let at = committed.len() - 4 - 4 * (2 * g1) - 8;
        let mut bad_index = committed.clone();
        bad_index[at..at + 8].copy_from_slice(&9u64.to_be_bytes());
        let message = err(read_verifying_key(&bad_index, Format::Gnark, Some(curve)));
        assert!(message.contains("committed index 9"), "{message}");

        let inputs_err = |bytes: &[u8]| read_public_inputs(bytes, Format::Gnark, curve).unwrap_err().to_string();
        let mut with_secret = public.clone();
        with_secret[4..8].copy_from_slice(&1u32.to_be_bytes());
        assert!(inputs_err(&with_secret).contains("witness.Public()"));
        let mut above_r = public.clone();
        above_r[12..44].copy_from_slice(&[0xff; 32]);
        assert!(inputs_err(&above_r).contains("modulus"));
        let mut header_mismatch = public.clone();
        header_mismatch[0..4].copy_from_slice(&2u32.to_be_bytes());
        assert!(inputs_err(&header_mismatch).contains("header"));
    }
}
