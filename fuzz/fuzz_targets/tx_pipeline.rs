//! Raw transaction bytes through decode, the stateless checks, the ante handler and the
//! messages, in CheckTx, FinalizeBlock (with block preparation) and Simulate, on the
//! fixture state. Seeds: signed transactions of every message kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veritas_framework::store::Overlay;
use veritas_framework::ExecMode;
use veritas_fuzz::{fixture, no_contained_panic};

fuzz_target!(|raw: &[u8]| {
    let f = fixture();
    for mode in [ExecMode::CheckTx, ExecMode::Simulate] {
        let out = f.run(mode, raw);
        no_contained_panic(&out.codespace, out.code, &out.log);
    }
    // The block path: preparation on worker threads (signatures, the zk batch), then execution.
    let txs = [raw];
    let (checked, preverified) = f.env.prepare_block(&txs, &f.state, &f.block);
    let mut state = Overlay::new(&f.state);
    for tx in checked {
        let out = f.env.execute(&mut state, &f.block, ExecMode::Finalize, tx, &preverified);
        no_contained_panic(&out.codespace, out.code, &out.log);
    }
});
