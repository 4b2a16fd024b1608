use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::{sdk, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext};

/// The modules of an app, in a fixed order, with their message and query routes.
///
/// The order is the order of genesis and of begin/end block hooks; routes are
/// resolved through BTreeMaps so nothing depends on hash order.
#[derive(Clone)]
pub struct ModuleSet {
    modules: Vec<Arc<dyn Module>>,
    msg_routes: BTreeMap<&'static str, usize>,
    query_routes: BTreeMap<&'static str, usize>,
}

impl ModuleSet {
    /// Fails if two modules share a name, a message type URL or a query path.
    pub fn new(modules: Vec<Arc<dyn Module>>) -> Result<Self, Error> {
        let mut names = BTreeMap::new();
        let mut msg_routes = BTreeMap::new();
        let mut query_routes = BTreeMap::new();
        for (index, module) in modules.iter().enumerate() {
            let name = module.name();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(sdk::internal(format!("module name {name:?} must be [a-z0-9_]+")));
            }
            if names.insert(name, index).is_some() {
                return Err(sdk::internal(format!("two modules are named {name}")));
            }
            for url in module.msg_type_urls() {
                if let Some(other) = msg_routes.insert(*url, index) {
                    return Err(sdk::internal(format!(
                        "message {url} is claimed by {} and {name}",
                        modules[other].name()
                    )));
                }
            }
            for path in module.query_paths() {
                if let Some(other) = query_routes.insert(*path, index) {
                    return Err(sdk::internal(format!(
                        "query {path} is claimed by {} and {name}",
                        modules[other].name()
                    )));
                }
            }
        }
        Ok(Self { modules, msg_routes, query_routes })
    }

    pub fn modules(&self) -> impl Iterator<Item = &dyn Module> {
        self.modules.iter().map(|m| m.as_ref())
    }

    /// Substore names, one per module.
    pub fn substores(&self) -> Vec<String> {
        self.modules.iter().map(|m| m.name().to_owned()).collect()
    }

    /// The `app_state` of a new chain: every module's default section.
    pub fn default_genesis(&self) -> Value {
        Value::Object(self.modules.iter().map(|m| (m.name().to_owned(), m.default_genesis())).collect())
    }

    /// Checks an `app_state`: an object with one section per module and nothing else.
    /// A missing section is invalid rather than silently defaulted, except for modules
    /// that allow it ([`Module::genesis_section_required`]).
    pub fn validate_genesis(&self, app_state: &Value) -> Result<(), Error> {
        let sections = genesis_object(app_state)?;
        if let Some(unknown) = sections.keys().find(|k| !self.modules.iter().any(|m| m.name() == k.as_str())) {
            return Err(sdk::invalid_request(format!("app_state has a section for unknown module {unknown:?}")));
        }
        for module in &self.modules {
            let section = section_of(sections, module.as_ref())?;
            module.validate_genesis(&section).map_err(|e| e.context(format!("genesis of module {}", module.name())))?;
        }
        Ok(())
    }

    /// Validates, then initialises every module from its section, in module order.
    pub fn init_genesis(&self, ctx: &mut Context<'_>, app_state: &Value) -> Result<(), Error> {
        self.validate_genesis(app_state)?;
        let sections = genesis_object(app_state)?;
        for module in &self.modules {
            module
                .init_genesis(ctx, &section_of(sections, module.as_ref())?)
                .map_err(|e| e.context(format!("genesis of module {}", module.name())))?;
        }
        Ok(())
    }

    pub fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut out = Map::new();
        for module in &self.modules {
            out.insert(module.name().to_owned(), module.export_genesis(ctx)?);
        }
        Ok(Value::Object(out))
    }

    /// The module handling `type_url`, if any.
    pub fn msg_handler(&self, type_url: &str) -> Option<&dyn Module> {
        self.msg_routes.get(type_url).map(|&i| self.modules[i].as_ref())
    }

    /// Decodes and checks `msg` in the module that handles it.
    pub fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        let decoded = self.route_msg(msg.type_url)?.decode_msg(msg)?;
        if decoded.type_url() != msg.type_url {
            return Err(sdk::internal(format!("message {} was decoded as {}", msg.type_url, decoded.type_url())));
        }
        Ok(decoded)
    }

    pub fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        self.route_msg(msg.type_url())?.deliver_msg(ctx, msg)
    }

    /// Hands each module the block's messages it handles (see [`Module::prepare_block`]).
    pub fn prepare_block(&self, committed: &QueryContext<'_>, msgs: &[&DecodedMsg]) {
        for (index, module) in self.modules.iter().enumerate() {
            let own: Vec<&DecodedMsg> =
                msgs.iter().filter(|m| self.msg_routes.get(m.type_url()) == Some(&index)).copied().collect();
            if !own.is_empty() {
                module.prepare_block(committed, &own);
            }
        }
    }

    /// Whether some module answers the gRPC method `path`.
    pub fn has_query(&self, path: &str) -> bool {
        self.query_routes.contains_key(path)
    }

    pub fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        let index =
            self.query_routes.get(path).ok_or_else(|| sdk::unknown_request(format!("unknown query path {path}")))?;
        self.modules[*index].query(ctx, path, data)
    }

    fn route_msg(&self, type_url: &str) -> Result<&dyn Module, Error> {
        self.msg_handler(type_url).ok_or_else(|| sdk::unknown_request(format!("unrecognized message type: {type_url}")))
    }
}

/// `module`'s section, or its default where the module allows a missing one.
fn section_of(sections: &Map<String, Value>, module: &dyn Module) -> Result<Value, Error> {
    match sections.get(module.name()) {
        Some(section) => Ok(section.clone()),
        None if !module.genesis_section_required() => Ok(module.default_genesis()),
        None => Err(sdk::invalid_request(format!("app_state has no section for module {}", module.name()))),
    }
}

fn genesis_object(app_state: &Value) -> Result<&Map<String, Value>, Error> {
    app_state.as_object().ok_or_else(|| sdk::invalid_request("app_state must be a JSON object"))
}
