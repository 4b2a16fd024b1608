//! `--format gnark` on files stock gnark v0.14.0 writes, made fresh on every run by
//! fixtures/gnark (`go run .`, pinned in its go.mod): BLS12-381 keys and proofs from
//! `WriteTo` and `WriteRawTo` and public witnesses verify; a changed input does not; keys
//! and proofs with gnark's commitment extension, BN254 files, and malformed bytes are
//! refused with a message, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use veritas_framework::Address;
use veritas_zkverify::encoding::{decode_verifying_key, verifying_key_id};
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use veritas_zkverify::{verdict_alone, VerifyRequest};

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

/// The chain's verdict for gnark files.
fn verdict(vk: &[u8], proof: &[u8], public: &[u8]) -> bool {
    let vk_bytes = read_verifying_key(vk, Format::Gnark).unwrap();
    let key = Arc::new(ark_groth16::prepare_verifying_key(&decode_verifying_key(&vk_bytes).unwrap()));
    let request = VerifyRequest {
        submitter: Address::from_bytes(&[1; 20]).unwrap(),
        vk_id: verifying_key_id(&vk_bytes),
        proof: read_proof(proof, Format::Gnark).unwrap(),
        inputs: read_public_inputs(public, Format::Gnark).unwrap(),
    };
    verdict_alone(&request, &key).unwrap().1
}

#[test]
fn gnark_bls12_381_proofs_verify_from_compressed_and_raw_files() {
    let public = file("bls12-381-plain.public.bin");
    let mut ids = Vec::new();
    for vk in ["vk.bin", "vk.raw"] {
        let vk = file(&format!("bls12-381-plain.{vk}"));
        ids.push(verifying_key_id(&read_verifying_key(&vk, Format::Gnark).unwrap()));
        for proof in ["proof.bin", "proof.raw"] {
            assert!(verdict(&vk, &file(&format!("bls12-381-plain.{proof}")), &public), "{proof}");
        }
    }
    assert_eq!(ids[0], ids[1], "one key, one id, however gnark wrote it");
    assert_eq!(read_public_inputs(&public, Format::Gnark).unwrap().len(), 1);

    // The same proof with its public input changed (still below r) does not verify.
    let mut changed = public.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    assert!(!verdict(&file("bls12-381-plain.vk.bin"), &file("bls12-381-plain.proof.bin"), &changed));
}

#[test]
fn commitments_and_other_curves_are_refused_by_name() {
    for key in ["bls12-381-committed.vk.bin", "bls12-381-multicommit.vk.raw"] {
        let err = read_verifying_key(&file(key), Format::Gnark).unwrap_err().to_string();
        assert!(err.contains("commitment extension"), "{key}: {err}");
    }
    for proof in ["bls12-381-committed.proof.bin", "bls12-381-plain.forged-commitment.proof.bin"] {
        let err = read_proof(&file(proof), Format::Gnark).unwrap_err().to_string();
        assert!(err.contains("Commitments") && err.contains("commitment extension"), "{proof}: {err}");
    }
    for bn254 in ["bn254-plain.vk.bin", "bn254-plain.vk.raw"] {
        assert!(read_verifying_key(&file(bn254), Format::Gnark).is_err(), "{bn254}");
    }
    assert!(read_proof(&file("bn254-plain.proof.bin"), Format::Gnark).is_err());
}

#[test]
fn malformed_gnark_bytes_are_refused_naming_the_field() {
    let vk = file("bls12-381-plain.vk.bin");
    let proof = file("bls12-381-plain.proof.raw");
    let public = file("bls12-381-plain.public.bin");
    for cut in 0..vk.len() {
        assert!(read_verifying_key(&vk[..cut], Format::Gnark).is_err(), "key cut at {cut}");
    }
    for cut in 0..proof.len() {
        assert!(read_proof(&proof[..cut], Format::Gnark).is_err(), "proof cut at {cut}");
    }
    for cut in 0..public.len() {
        assert!(read_public_inputs(&public[..cut], Format::Gnark).is_err(), "witness cut at {cut}");
    }
    let err = |r: Result<Vec<u8>, veritas_zkverify::formats::FormatError>| r.unwrap_err().to_string();
    let mut trailing = vk.clone();
    trailing.push(0);
    assert!(err(read_verifying_key(&trailing, Format::Gnark)).contains("after the last field"));
    // K's length (after 3 G1 and 3 G2 compressed points) claiming far more points than follow.
    let mut huge = vk.clone();
    huge[3 * 48 + 3 * 96..3 * 48 + 3 * 96 + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(err(read_verifying_key(&huge, Format::Gnark)).contains("G1.K length"));
    // α moved off the curve.
    let mut off_curve = vk.clone();
    off_curve[47] ^= 1;
    assert!(err(read_verifying_key(&off_curve, Format::Gnark)).contains("G1.Alpha"));

    let inputs_err = |bytes: &[u8]| read_public_inputs(bytes, Format::Gnark).unwrap_err().to_string();
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
