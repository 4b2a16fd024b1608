use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use veritas_framework::{panics, sdk, Authority, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext};

use crate::genesis::{AppliedUpgrade, GenesisState};
use crate::{errors, events, msgs, queries, Plan, UpgradeHandlers, UpgradeKeeper, UPGRADE_INFO_FILE};

/// The `upgrade` module. Put it first in the module order: its `begin_block` must run
/// before every other module's.
pub struct UpgradeModule {
    keeper: UpgradeKeeper,
    /// Who may schedule and cancel plans.
    authority: Arc<dyn Authority>,
    /// The plans this binary can apply.
    handlers: UpgradeHandlers,
    /// `<home>/data`, where `upgrade-info.json` goes (`None`: the file is not written).
    data_dir: Option<PathBuf>,
    /// Whether this process checked that it can run the chain's last applied upgrade
    /// (once, at its first block without a due plan, as the SDK's `downgradeVerified`).
    downgrade_verified: AtomicBool,
}

impl UpgradeModule {
    /// The module, scheduling plans only for messages `authority` accepts, applying the
    /// plans `handlers` names, and writing `upgrade-info.json` into `data_dir`
    /// (`<home>/data`; `None` in tests: the file is not written but the node still stops).
    pub fn new(authority: Arc<dyn Authority>, handlers: UpgradeHandlers, data_dir: Option<PathBuf>) -> Self {
        Self { keeper: UpgradeKeeper, authority, handlers, data_dir, downgrade_verified: AtomicBool::new(false) }
    }

    /// The keeper (reads of the scheduled and applied plans).
    pub fn keeper(&self) -> &UpgradeKeeper {
        &self.keeper
    }

    /// The plans this binary can apply.
    pub fn handlers(&self) -> &UpgradeHandlers {
        &self.handlers
    }

    /// The path cosmovisor reads, if the module has a data directory.
    pub fn upgrade_info_path(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|dir| dir.join(UPGRADE_INFO_FILE))
    }

    /// Runs `plan`'s migration and records it applied at `height`.
    fn apply(&self, ctx: &mut Context<'_>, plan: &Plan, height: u64) -> Result<(), Error> {
        let Some(migration) = self.handlers.get(&plan.name) else {
            return Err(sdk::internal(format!("no upgrade handler for {:?}", plan.name)));
        };
        tracing::info!(
            upgrade = %plan.name,
            height,
            "applying upgrade \"{}\" at height: {}",
            plan.name,
            plan.height
        );
        // A panicking migration must stop the node as a failing one does: contained by the
        // block loop, its writes would be dropped and the chain would go on unupgraded.
        panics::contain(|| migration(ctx)).map_err(|e| {
            errors::migration_failed(format!(
                "upgrade {:?} migration failed at height {height}: {} (codespace {}, code {})",
                plan.name,
                e.log(),
                e.codespace(),
                e.code()
            ))
        })?;
        self.keeper.set_applied(ctx, &plan.name, height)?;
        self.keeper.clear_plan(ctx)?;
        ctx.emit(events::upgrade(&plan.name, height));
        tracing::info!(upgrade = %plan.name, height, "upgrade \"{}\" applied", plan.name);
        Ok(())
    }

    /// Once per process, with no plan due: the last applied upgrade must have a handler
    /// here (otherwise this is an older binary than the chain has moved on to).
    fn verify_not_downgraded(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        if self.downgrade_verified.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let last = self.keeper.last_applied(&mut ctx.kv(&UpgradeKeeper::store_key()))?;
        match last {
            Some((name, at)) if !self.handlers.has(&name) => {
                let message = format!(
                    "wrong app version: upgrade handler is missing for the {name:?} upgrade plan, applied at height \
                     {at}; run the binary that applied it or a later one"
                );
                tracing::error!("{message}");
                Err(errors::wrong_app_version(message))
            }
            _ => Ok(()),
        }
    }
}

/// What cosmovisor reads (`upgradetypes.Plan` as JSON: height a number).
#[derive(Serialize)]
struct UpgradeInfo<'a> {
    name: &'a str,
    height: u64,
    info: &'a str,
}

/// Writes `<dir>/upgrade-info.json` atomically (a temporary file renamed over it),
/// creating `dir`.
fn write_upgrade_info(dir: &Path, plan: &Plan, height: u64) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(UPGRADE_INFO_FILE);
    let tmp = dir.join(format!("{UPGRADE_INFO_FILE}.tmp-{}", std::process::id()));
    let json = serde_json::to_vec(&UpgradeInfo { name: &plan.name, height, info: &plan.info })?;
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // The rename is durable once the directory is (best effort: not every platform can).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

impl Module for UpgradeModule {
    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn indexed_events(&self) -> &'static [&'static str] {
        events::INDEXED
    }

    /// Added after chains existed: a genesis without this section means its default.
    fn genesis_section_required(&self) -> bool {
        false
    }

    fn default_genesis(&self) -> Value {
        serde_json::to_value(GenesisState::default()).expect("serialisable")
    }

    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        GenesisState::validated(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        let state = GenesisState::validated(genesis)?;
        for applied in &state.applied {
            self.keeper.set_applied(ctx, &applied.name, applied.height)?;
        }
        if let Some(plan) = &state.plan {
            self.keeper.set_plan(ctx, plan)?;
        }
        Ok(())
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut kv = ctx.kv(&UpgradeKeeper::store_key());
        let plan = self.keeper.plan(&mut kv)?;
        let applied =
            self.keeper.applied(&mut kv)?.into_iter().map(|(name, height)| AppliedUpgrade { name, height }).collect();
        serde_json::to_value(GenesisState { plan, applied }).map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[crate::MSG_SOFTWARE_UPGRADE, crate::MSG_CANCEL_UPGRADE]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        msgs::decode(msg)
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        msgs::deliver(&self.keeper, self.authority.as_ref(), ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        queries::answer(&self.keeper, ctx, path, data)
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::UpgradeCli)
    }

    /// The SDK's `PreBlocker`: apply a due plan this binary has a handler for; stop the
    /// node at a due plan it has none for (writing `upgrade-info.json` for cosmovisor);
    /// refuse to run a binary that has the handler of a plan not yet due. Every refusal is
    /// an error, which stops the node before the block executes.
    fn begin_block(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        let height = ctx.block().height;
        let plan = self.keeper.plan(&mut ctx.kv(&UpgradeKeeper::store_key()))?;
        let due = plan.as_ref().is_some_and(|p| height >= p.height);
        if !due {
            self.verify_not_downgraded(ctx)?;
        }
        let Some(plan) = plan else { return Ok(()) };
        if due {
            if self.handlers.has(&plan.name) {
                return self.apply(ctx, &plan, height);
            }
            let message = plan.upgrade_needed_message();
            if let Some(dir) = &self.data_dir {
                let path = write_upgrade_info(dir, &plan, height).map_err(|e| {
                    errors::upgrade_info(format!(
                        "{message}; unable to write upgrade info to {}: {e}",
                        dir.join(UPGRADE_INFO_FILE).display()
                    ))
                })?;
                tracing::info!(path = %path.display(), "wrote upgrade info for cosmovisor");
            }
            tracing::error!("{message}");
            return Err(errors::upgrade_needed(message));
        }
        if self.handlers.has(&plan.name) {
            let message = plan.binary_updated_before_trigger_message();
            tracing::error!("{message}");
            return Err(errors::binary_updated_before_trigger(message));
        }
        Ok(())
    }
}
