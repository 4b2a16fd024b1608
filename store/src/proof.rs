//! ICS-23 proofs of Veritas state and how to check them.

use ics23::{CommitmentProof, HostFunctionsManager, ProofSpec};

use crate::RootHash;

/// The ICS-23 spec of every Veritas tree (substores and the root tree): jmt's.
pub fn proof_spec() -> ProofSpec {
    jmt::ics23_spec()
}

/// The specs a counterparty puts in its light client of Veritas, innermost first:
/// a key in a substore, then the substore's root in the root tree.
pub fn proof_specs() -> Vec<ProofSpec> {
    vec![proof_spec(), proof_spec()]
}

/// A value (or its absence) at one version, with the two chained proofs.
#[derive(Debug, Clone)]
pub struct StateProof {
    pub substore: String,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
    /// Root of the substore tree at this version (the value proven by `root_proof`).
    pub substore_root: RootHash,
    /// The app hash at this version.
    pub app_hash: RootHash,
    /// Existence or non-existence of `key` in the substore tree.
    pub substore_proof: CommitmentProof,
    /// Existence of `substore → substore_root` in the root tree.
    pub root_proof: CommitmentProof,
}

impl StateProof {
    /// Checks both proofs against `self.app_hash`.
    pub fn verify(&self) -> bool {
        let proofs = [self.substore_proof.clone(), self.root_proof.clone()];
        match &self.value {
            Some(value) => verify_existence(&self.app_hash, &self.substore, &self.key, value, &proofs),
            None => verify_nonexistence(&self.app_hash, &self.substore, &self.key, &self.substore_root, &proofs),
        }
    }
}

/// Verifies that `key → value` is in `substore` under `app_hash`.
pub fn verify_existence(
    app_hash: &RootHash,
    substore: &str,
    key: &[u8],
    value: &[u8],
    proofs: &[CommitmentProof; 2],
) -> bool {
    let spec = proof_spec();
    let Some(ics23::commitment_proof::Proof::Exist(exist)) = &proofs[0].proof else { return false };
    let Ok(substore_root) = ics23::calculate_existence_root::<HostFunctionsManager>(exist) else { return false };
    ics23::verify_membership::<HostFunctionsManager>(&proofs[0], &spec, &substore_root, key, value)
        && ics23::verify_membership::<HostFunctionsManager>(
            &proofs[1],
            &spec,
            &app_hash.to_vec(),
            substore.as_bytes(),
            &substore_root,
        )
}

/// Verifies that `key` is absent from `substore` (whose root is `substore_root`) under `app_hash`.
pub fn verify_nonexistence(
    app_hash: &RootHash,
    substore: &str,
    key: &[u8],
    substore_root: &RootHash,
    proofs: &[CommitmentProof; 2],
) -> bool {
    let spec = proof_spec();
    ics23::verify_non_membership::<HostFunctionsManager>(&proofs[0], &spec, &substore_root.to_vec(), key)
        && ics23::verify_membership::<HostFunctionsManager>(
            &proofs[1],
            &spec,
            &app_hash.to_vec(),
            substore.as_bytes(),
            substore_root,
        )
}
