//! One message straight to its module (no signature needed): the first byte picks the
//! type URL (bank, zkverify, ibc client / connection / channel / packet messages,
//! ICS-20), the rest is its protobuf value. Decodes it (stateless checks, signers) and runs
//! execution on the fixture state, as FinalizeBlock would after a passing ante.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veritas_framework::store::Overlay;
use veritas_framework::{Context, ExecMode, GasMeter, Msg};
use veritas_fuzz::{fixture, msg_type_urls};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, value)) = data.split_first() else { return };
    let urls = msg_type_urls();
    let msg = Msg { type_url: urls[selector as usize % urls.len()], value };
    let f = fixture();
    let Ok(msg) = f.env.modules.decode_msg(&msg) else { return };
    let mut state = Overlay::new(&f.state);
    let mut gas = GasMeter::new(50_000_000);
    let mut events = Vec::new();
    for mode in [ExecMode::CheckTx, ExecMode::Finalize] {
        let mut ctx = Context::new(&f.block, mode, &mut gas, &mut events, &mut state);
        let _ = f.env.modules.deliver_msg(&mut ctx, &msg);
    }
});
