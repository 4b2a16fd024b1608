//! secp256k1 signature checks (SIGN_MODE_DIRECT), and a cache of signatures verified
//! ahead of execution, in parallel.

use std::collections::BTreeSet;

use std::sync::OnceLock;

use secp256k1::{ecdsa, Message, PublicKey, Secp256k1, VerifyOnly};
use sha2::{Digest, Sha256};
use veritas_framework::{sdk, Error};

/// One signature to check: a compressed public key, the exact signed bytes, the signature.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    pub pubkey: Vec<u8>,
    pub sign_bytes: Vec<u8>,
    pub signature: Vec<u8>,
}

impl SignatureCheck {
    fn fingerprint(&self) -> [u8; 32] {
        fingerprint(&self.pubkey, &self.sign_bytes, &self.signature)
    }

    /// The fingerprint of this check if the signature is valid.
    pub fn verify(&self) -> Option<[u8; 32]> {
        verify_secp256k1(&self.pubkey, &self.sign_bytes, &self.signature).ok().map(|_| self.fingerprint())
    }
}

fn fingerprint(pubkey: &[u8], sign_bytes: &[u8], signature: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [pubkey, &Sha256::digest(sign_bytes)[..], signature] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

fn context() -> &'static Secp256k1<VerifyOnly> {
    static CONTEXT: OnceLock<Secp256k1<VerifyOnly>> = OnceLock::new();
    CONTEXT.get_or_init(Secp256k1::verification_only)
}

/// Verifies a 64-byte `r ‖ s` ECDSA signature over SHA-256(`sign_bytes`) with
/// libsecp256k1 (several times faster than pure-Rust verification). High-S
/// signatures are refused, as in the Cosmos SDK, so signatures are not malleable.
pub fn verify_secp256k1(pubkey: &[u8], sign_bytes: &[u8], signature: &[u8]) -> Result<(), Error> {
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
    let digest: [u8; 32] = Sha256::digest(sign_bytes).into();
    context()
        .verify_ecdsa(Message::from_digest(digest), &sig, &key)
        .map_err(|_| sdk::unauthorized("signature verification failed"))
}

/// Signatures known valid. A hit skips re-verification; a miss just verifies inline,
/// so execution results never depend on what is cached.
#[derive(Debug, Default)]
pub struct PreverifiedSignatures(BTreeSet<[u8; 32]>);

impl PreverifiedSignatures {
    pub fn from_fingerprints(valid: Vec<[u8; 32]>) -> Self {
        Self(valid.into_iter().collect())
    }

    pub fn contains(&self, pubkey: &[u8], sign_bytes: &[u8], signature: &[u8]) -> bool {
        !self.0.is_empty() && self.0.contains(&fingerprint(pubkey, sign_bytes, signature))
    }

    pub fn len(&self) -> usize {
        self.0.len()
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

    #[test]
    fn valid_low_s_signatures_pass_and_high_s_ones_do_not() {
        let key = key();
        let pubkey = key.verifying_key().to_sec1_bytes().to_vec();
        assert_eq!(pubkey.len(), 33);
        let sig: Signature = key.sign(b"doc");
        let sig = sig.normalize_s().unwrap_or(sig);
        verify_secp256k1(&pubkey, b"doc", &sig.to_bytes()).unwrap();
        assert_eq!(verify_secp256k1(&pubkey, b"other", &sig.to_bytes()).unwrap_err().code(), 4);

        // The same signature with s replaced by n - s is valid ECDSA but high-S.
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        let err = verify_secp256k1(&pubkey, b"doc", &high.to_bytes()).unwrap_err();
        assert!(err.log().contains("low-S"), "{}", err.log());
        assert!(verify_secp256k1(&pubkey, b"doc", &[0u8; 10]).is_err());
        assert_eq!(verify_secp256k1(&[5u8; 33], b"doc", &sig.to_bytes()).unwrap_err().code(), 8);
    }

    #[test]
    fn the_cache_only_holds_what_verified() {
        let key = key();
        let pubkey = key.verifying_key().to_sec1_bytes().to_vec();
        let good: Signature = key.sign(b"a");
        let good = good.normalize_s().unwrap_or(good).to_bytes().to_vec();
        let checks = vec![
            SignatureCheck { pubkey: pubkey.clone(), sign_bytes: b"a".to_vec(), signature: good.clone() },
            SignatureCheck { pubkey: pubkey.clone(), sign_bytes: b"b".to_vec(), signature: good.clone() },
        ];
        let cache =
            PreverifiedSignatures::from_fingerprints(checks.iter().filter_map(SignatureCheck::verify).collect());
        assert_eq!(cache.len(), 1);
        assert!(cache.contains(&pubkey, b"a", &good));
        assert!(!cache.contains(&pubkey, b"b", &good));
    }
}
