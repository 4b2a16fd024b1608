//! Genesis JSON (`app_state`): validation of every module's section, then, if valid,
//! initialisation into an empty state and export back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veritas_framework::store::Overlay;
use veritas_framework::{Context, ExecMode, GasMeter, QueryContext};
use veritas_fuzz::{block, Empty, CHAIN_ID};

fuzz_target!(|data: &[u8]| {
    let Ok(app_state) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let modules = veritas_app::modules::module_set();
    if modules.validate_genesis(&app_state).is_err() {
        return;
    }
    let block = block();
    let mut state = Overlay::new(Empty);
    let mut gas = GasMeter::infinite();
    let mut events = Vec::new();
    let mut ctx = Context::new(&block, ExecMode::Genesis, &mut gas, &mut events, &mut state);
    // Validated genesis must initialise: a failure here is a validation gap.
    modules.init_genesis(&mut ctx, &app_state).expect("validated genesis initialises");
    let exported = modules.export_genesis(&QueryContext::new(1, CHAIN_ID, &state)).expect("exports");
    modules.validate_genesis(&exported).expect("an export validates");
});
