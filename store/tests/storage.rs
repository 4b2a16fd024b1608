//! The store against real RocksDB in a temporary directory.

use veritas_store::*;

fn config(keep_recent: u64) -> StorageConfig {
    StorageConfig { substores: vec!["bank".into(), "ibc".into()], keep_recent }
}

fn commit(storage: &Storage, writes: &[(&str, &str, Option<&str>)]) -> RootHash {
    let mut set = WriteSet::new();
    for (sub, k, v) in writes {
        match v {
            Some(v) => set.put(sub, k.as_bytes().to_vec(), v.as_bytes().to_vec()),
            None => set.delete(sub, k.as_bytes().to_vec()),
        }
    }
    let prepared = storage.prepare_commit(&set, &[]).unwrap();
    storage.commit(prepared).unwrap()
}

fn bytes(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

#[test]
fn commit_reload_and_read_old_versions() {
    let dir = tempfile::tempdir().unwrap();
    let (r0, r1, r2);
    {
        let storage = Storage::open(dir.path(), config(0)).unwrap();
        assert_eq!(storage.latest_version(), None);
        r0 = commit(&storage, &[("bank", "alice", Some("10")), ("ibc", "alice", Some("client"))]);
        r1 = commit(&storage, &[("bank", "alice", Some("7")), ("bank", "bob", Some("3"))]);
        r2 = commit(&storage, &[("bank", "bob", None)]);
        assert_ne!(r0, r1);
        assert_ne!(r1, r2);
    }
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    assert_eq!(storage.latest_version(), Some(2));
    assert_eq!(storage.root_hash(2).unwrap(), r2);
    assert_eq!(storage.root_hash(0).unwrap(), r0);
    assert_eq!(storage.get("bank", b"alice", 0).unwrap(), bytes("10"));
    assert_eq!(storage.get("bank", b"alice", 1).unwrap(), bytes("7"));
    assert_eq!(storage.get("bank", b"bob", 1).unwrap(), bytes("3"));
    assert_eq!(storage.get("bank", b"bob", 2).unwrap(), None);
    // Same key in another substore is another entry.
    assert_eq!(storage.get("ibc", b"alice", 2).unwrap(), bytes("client"));
    assert!(matches!(storage.get("bank", b"alice", 3), Err(StoreError::VersionUnavailable { .. })));
}

#[test]
fn an_unchanged_version_keeps_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    let r0 = commit(&storage, &[("bank", "a", Some("1"))]);
    let r1 = commit(&storage, &[]);
    let r2 = commit(&storage, &[]);
    assert_eq!((r0, r0), (r1, r2));
    assert_eq!(storage.get("bank", b"a", 2).unwrap(), bytes("1"));
    assert!(storage.get_with_proof("bank", b"a", 2).unwrap().verify());
}

#[test]
fn the_same_writes_give_the_same_root_on_every_node() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let sa = Storage::open(a.path(), config(0)).unwrap();
    let sb = Storage::open(b.path(), config(3)).unwrap();
    for i in 0..20 {
        let k = format!("k{}", i % 7);
        let v = format!("v{i}");
        let writes = [("bank", k.as_str(), Some(v.as_str())), ("ibc", "x", if i % 2 == 0 { None } else { Some("y") })];
        assert_eq!(commit(&sa, &writes), commit(&sb, &writes), "version {i}");
    }
}

#[test]
fn existence_and_nonexistence_proofs_verify_with_ics23() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    let mut writes: Vec<(String, String)> = (0..50).map(|i| (format!("key{i:02}"), format!("value{i}"))).collect();
    writes.push(("other".into(), "x".into()));
    let w: Vec<(&str, &str, Option<&str>)> =
        writes.iter().map(|(k, v)| ("bank", k.as_str(), Some(v.as_str()))).collect();
    let root = commit(&storage, &w);
    commit(&storage, &[("ibc", "clients/07-tendermint-0", Some("state"))]);

    let proof = storage.get_with_proof("bank", b"key17", 0).unwrap();
    assert_eq!(proof.value, bytes("value17"));
    assert_eq!(proof.app_hash, root);
    assert!(proof.verify());
    let proofs = [proof.substore_proof.clone(), proof.root_proof.clone()];
    assert!(verify_existence(&root, "bank", b"key17", b"value17", &proofs));
    // A proof must not verify another value, key, substore or root.
    assert!(!verify_existence(&root, "bank", b"key17", b"value18", &proofs));
    assert!(!verify_existence(&root, "bank", b"key18", b"value17", &proofs));
    assert!(!verify_existence(&root, "ibc", b"key17", b"value17", &proofs));
    assert!(!verify_existence(&storage.root_hash(1).unwrap(), "bank", b"key17", b"value17", &proofs));

    // The substore proof alone verifies with the plain ics23 API and the published spec.
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
        &proof.substore_proof,
        &proof_spec(),
        &proof.substore_root.to_vec(),
        b"key17",
        b"value17",
    ));

    let absent = storage.get_with_proof("bank", b"key17x", 0).unwrap();
    assert_eq!(absent.value, None);
    assert!(absent.verify());
    let proofs = [absent.substore_proof.clone(), absent.root_proof.clone()];
    assert!(verify_nonexistence(&root, "bank", b"key17x", &absent.substore_root, &proofs));
    assert!(!verify_nonexistence(&root, "bank", b"key17", &absent.substore_root, &proofs));

    // Version 1: ibc changed, bank did not; proofs at 1 chain to the version-1 app hash.
    let later = storage.get_with_proof("ibc", b"clients/07-tendermint-0", 1).unwrap();
    assert!(later.verify());
    assert_eq!(later.app_hash, storage.root_hash(1).unwrap());
    assert_eq!(proof_specs().len(), 2);
}

#[test]
fn an_uncommitted_delta_is_discarded_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let committed_root;
    {
        let storage = Storage::open(dir.path(), config(0)).unwrap();
        committed_root = commit(&storage, &[("bank", "a", Some("1"))]);
        let mut pending = WriteSet::new();
        pending.put("bank", b"a".to_vec(), b"2".to_vec());
        let prepared = storage.prepare_commit(&pending, &[(b"note".to_vec(), Some(b"x".to_vec()))]).unwrap();
        assert_eq!(prepared.version(), 1);
        // Dropped without commit, as when the process dies between FinalizeBlock and Commit.
    }
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    assert_eq!(storage.latest_version(), Some(0));
    assert_eq!(storage.root_hash(0).unwrap(), committed_root);
    assert_eq!(storage.get("bank", b"a", 0).unwrap(), bytes("1"));
    assert_eq!(storage.aux_get(b"note").unwrap(), None);
    // And the next commit is version 1 again.
    commit(&storage, &[("bank", "a", Some("3"))]);
    assert_eq!(storage.get("bank", b"a", 1).unwrap(), bytes("3"));
}

#[test]
fn pruning_keeps_only_recent_versions_and_reclaims_space() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(3)).unwrap();
    let mut roots = Vec::new();
    for i in 0..40u32 {
        let v = i.to_string();
        roots.push(commit(
            &storage,
            &[("bank", "hot", Some(v.as_str())), ("bank", &format!("cold{}", i % 4), Some("c"))],
        ));
    }
    assert_eq!(storage.latest_version(), Some(39));
    assert_eq!(storage.earliest_version(), 37);
    assert!(matches!(storage.get("bank", b"hot", 36), Err(StoreError::VersionUnavailable { .. })));
    for version in 37..=39u64 {
        assert_eq!(storage.get("bank", b"hot", version).unwrap(), bytes(&version.to_string()));
        assert_eq!(storage.root_hash(version).unwrap(), roots[version as usize]);
        let proof = storage.get_with_proof("bank", b"cold1", version).unwrap();
        assert!(proof.verify(), "proof at kept version {version}");
    }
    // Without pruning the same history keeps far more tree nodes and values.
    let unpruned_dir = tempfile::tempdir().unwrap();
    let unpruned = Storage::open(unpruned_dir.path(), config(0)).unwrap();
    for i in 0..40u32 {
        let v = i.to_string();
        commit(&unpruned, &[("bank", "hot", Some(v.as_str())), ("bank", &format!("cold{}", i % 4), Some("c"))]);
    }
    let pruned = storage.entry_counts().unwrap();
    let full = unpruned.entry_counts().unwrap();
    assert!(pruned.nodes * 3 < full.nodes, "pruned {pruned:?} vs full {full:?}");
    assert!(pruned.values * 3 < full.values, "pruned {pruned:?} vs full {full:?}");
    // Pruning survives a restart.
    drop(storage);
    let storage = Storage::open(dir.path(), config(3)).unwrap();
    assert_eq!(storage.earliest_version(), 37);
}

#[test]
fn scans_merge_overlays_in_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    commit(
        &storage,
        &[
            ("bank", "bal/a", Some("1")),
            ("bank", "bal/b", Some("2")),
            ("bank", "bal/c", Some("3")),
            ("bank", "supply", Some("6")),
            ("ibc", "bal/z", Some("0")),
        ],
    );
    let view = storage.view(None).unwrap();
    let mut block = Overlay::new(&view);
    block.delete("bank", b"bal/a".to_vec());
    block.put("bank", b"bal/bb".to_vec(), b"9".to_vec());
    let keys = |entries: Vec<(Vec<u8>, Vec<u8>)>| -> Vec<String> {
        entries.into_iter().map(|(k, _)| String::from_utf8(k).unwrap()).collect()
    };
    assert_eq!(keys(block.scan("bank", b"bal/", None, 10).unwrap()), ["bal/b", "bal/bb", "bal/c"]);
    assert_eq!(keys(block.scan("bank", b"bal/", None, 2).unwrap()), ["bal/b", "bal/bb"]);
    assert_eq!(keys(block.scan("bank", b"bal/", Some(b"bal/bb"), 10).unwrap()), ["bal/bb", "bal/c"]);
    assert_eq!(keys(block.scan("bank", b"bal/", Some(b"bal/bb\0"), 10).unwrap()), ["bal/c"]);
    assert_eq!(
        keys(storage.view(None).unwrap().scan("bank", b"bal/", Some(b"bal/b"), 10).unwrap()),
        ["bal/b", "bal/c"]
    );
    let mut tx = Overlay::new(&block);
    tx.put("bank", b"bal/a".to_vec(), b"5".to_vec());
    assert_eq!(keys(tx.scan("bank", b"bal/", None, 10).unwrap()), ["bal/a", "bal/b", "bal/bb", "bal/c"]);
}

#[test]
fn unknown_substores_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    let mut set = WriteSet::new();
    set.put("nope", b"k".to_vec(), b"v".to_vec());
    assert!(matches!(storage.prepare_commit(&set, &[]), Err(StoreError::UnknownSubstore(_))));
}

#[test]
fn a_substore_added_later_starts_empty_and_provable() {
    let dir = tempfile::tempdir().unwrap();
    {
        let storage = Storage::open(dir.path(), config(0)).unwrap();
        commit(&storage, &[("bank", "a", Some("1"))]);
        commit(&storage, &[("bank", "a", Some("2"))]);
    }
    let mut cfg = config(0);
    cfg.substores.push("zkverify".into());
    let storage = Storage::open(dir.path(), cfg).unwrap();
    commit(&storage, &[("zkverify", "vk", Some("key"))]);
    let proof = storage.get_with_proof("zkverify", b"vk", 2).unwrap();
    assert!(proof.verify());
    assert_eq!(storage.get("bank", b"a", 2).unwrap(), bytes("2"));
}

#[test]
fn a_view_keeps_reading_its_version_after_newer_commits() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    commit(&storage, &[("bank", "k", Some("old")), ("bank", "gone", Some("x"))]);
    let view = storage.view(None).unwrap();
    assert_eq!(view.get("bank", b"k").unwrap(), bytes("old"));
    commit(&storage, &[("bank", "k", Some("new")), ("bank", "gone", None)]);
    assert_eq!(view.get("bank", b"k").unwrap(), bytes("old"), "the view is pinned to version 0");
    assert_eq!(view.get("bank", b"gone").unwrap(), bytes("x"));
    let latest = storage.view(None).unwrap();
    assert_eq!(latest.get("bank", b"k").unwrap(), bytes("new"));
    assert_eq!(latest.get("bank", b"gone").unwrap(), None);
}

#[test]
fn an_export_view_scans_an_old_version_in_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), config(0)).unwrap();
    commit(&storage, &[("bank", "b/2", Some("two")), ("bank", "b/1", Some("one")), ("bank", "z", Some("zed"))]);
    commit(&storage, &[("bank", "b/1", None), ("bank", "b/3", Some("three")), ("bank", "b/2", Some("TWO"))]);
    // Queries' views scan only the latest version.
    assert!(storage.view(Some(0)).unwrap().scan("bank", b"b/", None, 10).is_err());
    let old = storage.export_view(0).unwrap();
    let pairs = |list: &[(&str, &str)]| -> Vec<(Vec<u8>, Vec<u8>)> {
        list.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())).collect()
    };
    assert_eq!(old.scan("bank", b"b/", None, 10).unwrap(), pairs(&[("b/1", "one"), ("b/2", "two")]));
    assert_eq!(old.scan("bank", b"b/", Some(b"b/2"), 10).unwrap(), pairs(&[("b/2", "two")]));
    assert_eq!(old.scan("bank", b"", None, 2).unwrap(), pairs(&[("b/1", "one"), ("b/2", "two")]));
    assert_eq!(old.scan("ibc", b"", None, 10).unwrap(), vec![], "an empty substore");
    let latest = storage.export_view(1).unwrap();
    assert_eq!(latest.scan("bank", b"b/", None, 10).unwrap(), pairs(&[("b/2", "TWO"), ("b/3", "three")]));
    assert!(storage.export_view(7).is_err(), "a version that does not exist");
    assert!(storage.disk_bytes() > 0);
}

#[test]
fn a_snapshot_of_a_version_rebuilds_its_root_in_an_empty_store() {
    // The restore path of state sync: the entries of one version, written into a fresh
    // store in one commit, give back that version's app hash (a Jellyfish Merkle tree's
    // root depends only on its contents), through the chunk format.
    let dir = tempfile::tempdir().unwrap();
    let source = Storage::open(dir.path(), config(0)).unwrap();
    commit(&source, &[("bank", "a", Some("1")), ("bank", "b", Some("2")), ("ibc", "x", Some("9"))]);
    commit(&source, &[("bank", "a", None), ("bank", "c", Some("3"))]);
    let root = commit(&source, &[("bank", "b", Some("22"))]);
    let entries = source.snapshot_entries(2).unwrap();
    assert_eq!(entries.len(), 3);
    let chunks = veritas_store::snapshot::write_chunks(entries, 24).unwrap();
    assert!(chunks.len() > 1);

    let other = tempfile::tempdir().unwrap();
    let restored = Storage::open(other.path(), config(0)).unwrap();
    let mut writes = WriteSet::new();
    for chunk in &chunks {
        for e in veritas_store::snapshot::read_chunk(chunk).unwrap() {
            writes.put(&e.substore, e.key, e.value);
        }
    }
    let prepared = restored.prepare_commit(&writes, &[]).unwrap();
    assert_eq!(prepared.root(), root, "the restored root is the snapshot version's app hash");
    restored.commit(prepared).unwrap();
    assert_eq!(restored.get("bank", b"b", 0).unwrap(), bytes("22"));
    assert_eq!(restored.get("bank", b"a", 0).unwrap(), None);
}
