//! Checks shared by messages, genesis, InitChain and the CLI: consensus keys, voting
//! powers, monikers, and the CometBFT address of a key.

use curve25519_dalek_ng::edwards::CompressedEdwardsY;
use sha2::{Digest, Sha256};
use veritas_framework::{Error, MAX_TOTAL_VOTING_POWER};

use crate::errors;

/// Bytes in an ed25519 public key.
pub const PUB_KEY_LEN: usize = 32;
/// Bytes in a CometBFT validator address.
pub const ADDRESS_LEN: usize = 20;
/// The longest moniker, in bytes (the Cosmos SDK's `MaxMonikerLength`).
pub const MAX_MONIKER_LEN: usize = 70;

/// `bytes` as a consensus key CometBFT can use: 32 bytes, the canonical encoding of an
/// ed25519 point, in the prime-order subgroup and not of small order. CometBFT itself
/// only checks the length, and a validator set with a key no one can sign for (or a
/// torsion point, for which forged signatures verify) would stall or weaken the chain;
/// every honestly generated key passes.
pub fn check_pub_key(bytes: &[u8]) -> Result<[u8; PUB_KEY_LEN], Error> {
    let key: [u8; PUB_KEY_LEN] = bytes.try_into().map_err(|_| {
        errors::invalid_pub_key(format!("an ed25519 public key is {PUB_KEY_LEN} bytes, not {}", bytes.len()))
    })?;
    let compressed = CompressedEdwardsY(key);
    let point = compressed
        .decompress()
        .ok_or_else(|| errors::invalid_pub_key(format!("{} is not an ed25519 point", hex::encode(key))))?;
    if point.compress() != compressed {
        return Err(errors::invalid_pub_key(format!("{} is not a canonical ed25519 encoding", hex::encode(key))));
    }
    if point.is_small_order() || !point.is_torsion_free() {
        return Err(errors::invalid_pub_key(format!(
            "{} is not in ed25519's prime-order subgroup (no real key is)",
            hex::encode(key)
        )));
    }
    Ok(key)
}

/// A validator's voting power: 1 to [`MAX_TOTAL_VOTING_POWER`].
pub fn check_power(power: i64) -> Result<(), Error> {
    if !(1..=MAX_TOTAL_VOTING_POWER).contains(&power) {
        return Err(errors::invalid_power(format!(
            "voting power {power} must be 1 to {MAX_TOTAL_VOTING_POWER} (remove a validator with MsgRemoveValidator)"
        )));
    }
    Ok(())
}

/// A moniker: at most [`MAX_MONIKER_LEN`] bytes, no control characters (it is printed
/// in logs and events).
pub fn check_moniker(moniker: &str) -> Result<(), Error> {
    if moniker.len() > MAX_MONIKER_LEN {
        return Err(errors::invalid_moniker(format!("moniker is {} bytes, at most {MAX_MONIKER_LEN}", moniker.len())));
    }
    if moniker.chars().any(char::is_control) {
        return Err(errors::invalid_moniker(format!("moniker {moniker:?} holds control characters")));
    }
    Ok(())
}

/// The CometBFT address of a consensus key: the first 20 bytes of SHA-256(key).
pub fn address(pub_key: &[u8; PUB_KEY_LEN]) -> [u8; ADDRESS_LEN] {
    Sha256::digest(pub_key)[..ADDRESS_LEN].try_into().expect("20 of 32 bytes")
}

/// [`address`] as CometBFT prints it: upper-case hex.
pub fn address_hex(pub_key: &[u8; PUB_KEY_LEN]) -> String {
    hex::encode_upper(address(pub_key))
}
