//! `veritasd tx upgrade software-upgrade|cancel` (signed by the chain's authority,
//! `--from`) and `veritasd query upgrade plan|applied`.

use anyhow::Context as _;
use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};

use crate::{Plan, MSG_CANCEL_UPGRADE, MSG_SOFTWARE_UPGRADE, QUERY_APPLIED_PLAN, QUERY_CURRENT_PLAN};

const GROUP: &str = crate::NAME;

#[derive(Debug, Subcommand)]
enum UpgradeTx {
    /// Schedule an upgrade (signed by the chain's authority, `--from`), replacing any
    /// scheduled one. At the start of block <height>, nodes whose binary cannot apply it
    /// stop and write data/upgrade-info.json, for cosmovisor to switch to
    /// upgrades/<name>/bin.
    SoftwareUpgrade {
        /// The plan's name (cosmovisor's directory upgrades/<name>).
        name: String,
        /// The block height at which the upgrade happens (after the current one).
        #[arg(long)]
        height: u64,
        /// Free text for operators and cosmovisor (e.g. its binaries JSON), or @path to
        /// read it from a file.
        #[arg(long, default_value = "")]
        info: String,
    },
    /// Cancel the scheduled upgrade (signed by the chain's authority, `--from`).
    #[command(alias = "cancel-software-upgrade")]
    Cancel,
}

#[derive(Debug, Subcommand)]
enum UpgradeQuery {
    /// The scheduled upgrade plan (null if none).
    Plan,
    /// The block height at which an upgrade was applied (0 if it was not).
    Applied {
        /// The plan's name.
        name: String,
    },
}

/// The upgrade module's command line.
pub struct UpgradeCli;

impl ModuleCli for UpgradeCli {
    fn tx_commands(&self) -> Vec<Command> {
        vec![UpgradeTx::augment_subcommands(Command::new(GROUP).about("Software upgrade plans"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        match UpgradeTx::from_arg_matches(matches)? {
            UpgradeTx::SoftwareUpgrade { name, height, info } => {
                let info = match info.strip_prefix('@') {
                    Some(path) => std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?,
                    None => info,
                };
                let plan = Plan { name, height, info };
                plan.validate().map_err(|e| anyhow::anyhow!("{}", e.log()))?;
                let authority = sender.sender(None)?.to_bech32();
                let msg = pb::MsgSoftwareUpgrade { authority, plan: Some(plan.to_proto()) };
                let mut tx = TxPlan::single(MSG_SOFTWARE_UPGRADE, &msg);
                tx.extra.insert("name".into(), json!(plan.name));
                tx.extra.insert("upgrade_height".into(), json!(plan.height.to_string()));
                Ok(tx)
            }
            UpgradeTx::Cancel => {
                let authority = sender.sender(None)?.to_bech32();
                Ok(TxPlan::single(MSG_CANCEL_UPGRADE, &pb::MsgCancelUpgrade { authority }))
            }
        }
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![UpgradeQuery::augment_subcommands(Command::new(GROUP).about("Software upgrade plans"))]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        Ok(match UpgradeQuery::from_arg_matches(matches)? {
            UpgradeQuery::Plan => {
                let (r, height): (pb::QueryCurrentPlanResponse, _) =
                    query(client, QUERY_CURRENT_PLAN, &pb::QueryCurrentPlanRequest {})?;
                json!({ "plan": r.plan.as_ref().map(plan_json), "height": height.to_string() })
            }
            UpgradeQuery::Applied { name } => {
                let (r, height): (pb::QueryAppliedPlanResponse, _) =
                    query(client, QUERY_APPLIED_PLAN, &pb::QueryAppliedPlanRequest { name: name.clone() })?;
                json!({
                    "name": name,
                    "applied": r.height != 0,
                    "height": r.height.to_string(),
                    "query_height": height.to_string(),
                })
            }
        })
    }
}

/// A plan as the CLI prints it (int64 as a string, as protobuf JSON prints it).
fn plan_json(p: &pb::Plan) -> Value {
    json!({ "name": p.name, "height": p.height.to_string(), "info": p.info })
}
