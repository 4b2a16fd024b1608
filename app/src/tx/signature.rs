//! secp256k1 signature checks (SIGN_MODE_DIRECT), and a cache of signatures verified
//! ahead of execution, in parallel.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Mutex, OnceLock};

use secp256k1::{ecdsa, Message, PublicKey, Secp256k1, VerifyOnly};
use sha2::{Digest, Sha256};
use veritas_framework::{sdk, Error};

/// A transaction's SIGN_MODE_DIRECT document (`SignDoc{body_bytes, auth_info_bytes,
/// chain_id, account_number}`, protobuf-encoded) hashed up to its account number: built
/// once per transaction, so each signer costs a hash of a few bytes, not a copy and a
/// hash of the whole body.
#[derive(Clone)]
pub struct SignDocHasher(Sha256);

impl SignDocHasher {
    /// Feeds fields 1 to 3 exactly as prost encodes them (empty fields are omitted).
    pub fn new(body_bytes: &[u8], auth_info_bytes: &[u8], chain_id: &str) -> Self {
        let mut hasher = Sha256::new();
        for (tag, field) in [(0x0a_u8, body_bytes), (0x12, auth_info_bytes), (0x1a, chain_id.as_bytes())] {
            if !field.is_empty() {
                hasher.update([tag]);
                hasher.update(varint(field.len() as u64));
                hasher.update(field);
            }
        }
        Self(hasher)
    }

    /// SHA-256 of the whole sign document for one signer's account number.
    pub fn digest(&self, account_number: u64) -> [u8; 32] {
        let mut hasher = self.0.clone();
        if account_number != 0 {
            hasher.update([0x20]);
            hasher.update(varint(account_number));
        }
        hasher.finalize().into()
    }
}

fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// One signature to check: a compressed public key, the digest of the signed bytes, the signature.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    pub pubkey: Vec<u8>,
    pub digest: [u8; 32],
    pub signature: Vec<u8>,
}

impl SignatureCheck {
    fn fingerprint(&self) -> [u8; 32] {
        fingerprint(&self.pubkey, &self.digest, &self.signature)
    }

    /// This check's fingerprint and verdict.
    pub fn check(&self) -> ([u8; 32], Result<(), Error>) {
        (self.fingerprint(), verify_secp256k1(&self.pubkey, &self.digest, &self.signature))
    }
}

/// Signatures this node has already found valid, by fingerprint: CheckTx verifies a
/// transaction's signatures once, and its recheck after every block and the block that
/// carries it skip the work (secp256k1 was most of the app's CPU per transaction).
///
/// Only valid verdicts are kept, and a verdict is a pure function of the fingerprinted
/// key, digest and signature, so results never depend on what is remembered. Bounded:
/// two generations of at most [`Self::GENERATION`] entries; the older is dropped when
/// the newer fills.
#[derive(Debug, Default)]
pub struct VerifiedSignatures {
    generations: Mutex<[HashSet<[u8; 32]>; 2]>,
}

impl VerifiedSignatures {
    /// Entries per generation (32 bytes each): about two blocks' worth at full load.
    pub const GENERATION: usize = 100_000;

    fn contains(&self, fingerprint: &[u8; 32]) -> bool {
        let generations = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        generations.iter().any(|g| g.contains(fingerprint))
    }

    fn remember(&self, fingerprint: [u8; 32]) {
        let mut generations = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        if generations[0].len() >= Self::GENERATION {
            generations[1] = std::mem::take(&mut generations[0]);
        }
        generations[0].insert(fingerprint);
    }

    /// Verifies unless this exact signature was found valid before.
    pub fn verify(&self, pubkey: &[u8], digest: &[u8; 32], signature: &[u8]) -> Result<(), Error> {
        self.verify_fingerprinted(fingerprint(pubkey, digest, signature), pubkey, digest, signature)
    }

    /// [`SignatureCheck::check`], remembered.
    pub fn check(&self, check: &SignatureCheck) -> ([u8; 32], Result<(), Error>) {
        let fingerprint = check.fingerprint();
        (fingerprint, self.verify_fingerprinted(fingerprint, &check.pubkey, &check.digest, &check.signature))
    }

    fn verify_fingerprinted(
        &self,
        fingerprint: [u8; 32],
        pubkey: &[u8],
        digest: &[u8; 32],
        signature: &[u8],
    ) -> Result<(), Error> {
        if self.contains(&fingerprint) {
            return Ok(());
        }
        let verdict = verify_secp256k1(pubkey, digest, signature);
        if verdict.is_ok() {
            self.remember(fingerprint);
        }
        verdict
    }

    /// How many signatures are remembered.
    pub fn len(&self) -> usize {
        self.generations.lock().unwrap_or_else(|p| p.into_inner()).iter().map(HashSet::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn fingerprint(pubkey: &[u8], digest: &[u8; 32], signature: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [pubkey, &digest[..], signature] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

fn context() -> &'static Secp256k1<VerifyOnly> {
    static CONTEXT: OnceLock<Secp256k1<VerifyOnly>> = OnceLock::new();
    CONTEXT.get_or_init(Secp256k1::verification_only)
}

/// Verifies a 64-byte `r ‖ s` ECDSA signature over `digest` (SHA-256 of the signed
/// bytes) with libsecp256k1 (several times faster than pure-Rust verification). High-S
/// signatures are refused, as in the Cosmos SDK, so signatures are not malleable.
pub fn verify_secp256k1(pubkey: &[u8], digest: &[u8; 32], signature: &[u8]) -> Result<(), Error> {
    if pubkey.len() != 33 {
        return Err(sdk::invalid_pubkey("secp256k1 public key must be 33 bytes (compressed)"));
    }
    let key = PublicKey::from_slice(pubkey).map_err(|_| sdk::invalid_pubkey("invalid secp256k1 public key"))?;
    let sig = ecdsa::Signature::from_compact(signature).map_err(|_| {
        sdk::unauthorized(format!("malformed signature: expected 64 bytes (r ‖ s), got {}", signature.len()))
    })?;
    let mut normalized = sig;
    normalized.normalize_s();
    if normalized != sig {
        return Err(sdk::unauthorized("signature is not in low-S form"));
    }
    context()
        .verify_ecdsa(Message::from_digest(*digest), &sig, &key)
        .map_err(|_| sdk::unauthorized("signature verification failed"))
}

/// Signature verdicts reached ahead of execution (valid, or the exact error). A hit
/// skips re-verification; a miss just verifies inline, so execution results never depend
/// on what is cached (a cached error is the one verification returns).
#[derive(Debug, Default)]
pub struct PreverifiedSignatures {
    valid: BTreeSet<[u8; 32]>,
    invalid: std::collections::BTreeMap<[u8; 32], Error>,
}

impl PreverifiedSignatures {
    pub fn from_fingerprints(valid: Vec<[u8; 32]>) -> Self {
        Self { valid: valid.into_iter().collect(), invalid: Default::default() }
    }

    /// From `(fingerprint, verdict)` pairs, as [`SignatureCheck::check`] gives them.
    pub fn from_verdicts(verdicts: Vec<([u8; 32], Result<(), Error>)>) -> Self {
        let mut cache = Self::default();
        for (fingerprint, verdict) in verdicts {
            match verdict {
                Ok(()) => {
                    cache.valid.insert(fingerprint);
                }
                Err(err) => {
                    cache.invalid.insert(fingerprint, err);
                }
            }
        }
        cache
    }

    /// The cached verdict of this signature, if any.
    pub fn verdict(&self, pubkey: &[u8], digest: &[u8; 32], signature: &[u8]) -> Option<Result<(), Error>> {
        if self.valid.is_empty() && self.invalid.is_empty() {
            return None;
        }
        let fingerprint = fingerprint(pubkey, digest, signature);
        if self.valid.contains(&fingerprint) {
            return Some(Ok(()));
        }
        self.invalid.get(&fingerprint).cloned().map(Err)
    }

    pub fn contains(&self, pubkey: &[u8], digest: &[u8; 32], signature: &[u8]) -> bool {
        !self.valid.is_empty() && self.valid.contains(&fingerprint(pubkey, digest, signature))
    }

    /// Signatures known valid.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// Whether no signature is known valid.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::signature::Signer;
    use k256::ecdsa::{Signature, SigningKey};

    fn key() -> SigningKey {
        SigningKey::from_slice(&[0x42; 32]).unwrap()
    }

    fn d(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    #[test]
    fn the_sign_doc_hasher_hashes_what_prost_encodes() {
        use prost::Message as _;
        let body = vec![7u8; 300];
        for (body_bytes, auth, chain, number) in [
            (body.clone(), vec![1u8, 2, 3], "veritas-local-1", 0u64),
            (body.clone(), vec![9u8; 200], "c", 1),
            (Vec::new(), Vec::new(), "", 127),
            (vec![1], Vec::new(), "x".repeat(130).as_str(), 128),
            (body, vec![4u8], "chain", u64::MAX),
        ] {
            let doc = cosmos_sdk_proto::cosmos::tx::v1beta1::SignDoc {
                body_bytes: body_bytes.clone(),
                auth_info_bytes: auth.clone(),
                chain_id: chain.to_owned(),
                account_number: number,
            };
            let hasher = SignDocHasher::new(&body_bytes, &auth, chain);
            assert_eq!(hasher.digest(number), d(&doc.encode_to_vec()), "account number {number}");
        }
    }

    #[test]
    fn valid_low_s_signatures_pass_and_high_s_ones_do_not() {
        let key = key();
        let pubkey = key.verifying_key().to_sec1_bytes().to_vec();
        assert_eq!(pubkey.len(), 33);
        let sig: Signature = key.sign(b"doc");
        let sig = sig.normalize_s().unwrap_or(sig);
        verify_secp256k1(&pubkey, &d(b"doc"), &sig.to_bytes()).unwrap();
        assert_eq!(verify_secp256k1(&pubkey, &d(b"other"), &sig.to_bytes()).unwrap_err().code(), 4);

        // The same signature with s replaced by n - s is valid ECDSA but high-S.
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        let err = verify_secp256k1(&pubkey, &d(b"doc"), &high.to_bytes()).unwrap_err();
        assert!(err.log().contains("low-S"), "{}", err.log());
        assert!(verify_secp256k1(&pubkey, &d(b"doc"), &[0u8; 10]).is_err());
        assert_eq!(verify_secp256k1(&[5u8; 33], &d(b"doc"), &sig.to_bytes()).unwrap_err().code(), 8);
    }

    #[test]
    fn remembered_signatures_are_only_valid_ones_and_the_memory_is_bounded() {
        let key = key();
        let pubkey = key.verifying_key().to_sec1_bytes().to_vec();
        let good: Signature = key.sign(b"a");
        let good = good.normalize_s().unwrap_or(good).to_bytes().to_vec();
        let memo = VerifiedSignatures::default();
        memo.verify(&pubkey, &d(b"a"), &good).unwrap();
        assert_eq!(memo.len(), 1);
        memo.verify(&pubkey, &d(b"a"), &good).unwrap();
        assert_eq!(memo.len(), 1, "a hit adds nothing");
        // A bad signature is refused every time with verification's own error, and never kept.
        for _ in 0..2 {
            assert_eq!(memo.verify(&pubkey, &d(b"b"), &good), verify_secp256k1(&pubkey, &d(b"b"), &good));
        }
        assert_eq!(memo.len(), 1);

        let memo = VerifiedSignatures::default();
        for i in 0..(2 * VerifiedSignatures::GENERATION + 10) {
            memo.remember(Sha256::digest(i.to_le_bytes()).into());
        }
        assert!(memo.len() <= 2 * VerifiedSignatures::GENERATION, "{}", memo.len());
        assert!(memo.contains(&Sha256::digest((2 * VerifiedSignatures::GENERATION + 9).to_le_bytes()).into()));
        assert!(!memo.contains(&Sha256::digest(0usize.to_le_bytes()).into()), "the oldest are forgotten");
    }

    #[test]
    fn the_cache_holds_each_verdict_with_its_exact_error() {
        let key = key();
        let pubkey = key.verifying_key().to_sec1_bytes().to_vec();
        let good: Signature = key.sign(b"a");
        let good = good.normalize_s().unwrap_or(good).to_bytes().to_vec();
        let checks = [
            SignatureCheck { pubkey: pubkey.clone(), digest: d(b"a"), signature: good.clone() },
            SignatureCheck { pubkey: pubkey.clone(), digest: d(b"b"), signature: good.clone() },
        ];
        let cache = PreverifiedSignatures::from_verdicts(checks.iter().map(SignatureCheck::check).collect());
        assert_eq!(cache.len(), 1);
        assert!(cache.contains(&pubkey, &d(b"a"), &good));
        assert_eq!(cache.verdict(&pubkey, &d(b"a"), &good), Some(Ok(())));
        assert_eq!(
            cache.verdict(&pubkey, &d(b"b"), &good),
            Some(verify_secp256k1(&pubkey, &d(b"b"), &good)),
            "the error verification gives"
        );
        assert_eq!(cache.verdict(&pubkey, &d(b"c"), &good), None, "never checked");
    }
}
