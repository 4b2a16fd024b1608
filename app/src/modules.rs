//! The modules this app is composed of, in genesis and block-hook order.
//!
//! bank, zkverify and ibc register here as their issues land; until then the
//! set is empty and `app_state` is `{}`.

use std::sync::Arc;

use veritas_framework::{Module, ModuleSet};

pub fn module_set() -> ModuleSet {
    let modules: Vec<Arc<dyn Module>> = Vec::new();
    ModuleSet::new(modules).expect("the app's modules have distinct names and routes")
}
