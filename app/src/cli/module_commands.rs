//! The modules' own command groups (see [`veritas_framework::cli`]) as clap
//! subcommands of `veritasd tx`, `veritasd query` and `veritasd`: each group is routed
//! back to the module that declared it.

use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use veritas_framework::cli::ModuleCli;
use veritas_framework::ModuleSet;

/// Which of a module's command lists a group comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tx,
    Query,
    Offline,
}

fn commands(module: &dyn ModuleCli, kind: Kind) -> Vec<Command> {
    match kind {
        Kind::Tx => module.tx_commands(),
        Kind::Query => module.query_commands(),
        Kind::Offline => module.offline_commands(),
    }
}

fn modules() -> ModuleSet {
    crate::modules::module_set()
}

/// Every group of `kind` the app's modules declare, in module order; offline groups
/// get the `--output` flag the app prints with.
pub fn groups(kind: Kind) -> Vec<Command> {
    let all =
        modules()
            .modules()
            .filter_map(|m| m.cli())
            .flat_map(|cli| commands(cli, kind))
            // A group alone (`veritasd tx bank`) prints its help instead of failing later.
            .map(|group| {
                if group.has_subcommands() {
                    group.subcommand_required(true).arg_required_else_help(true)
                } else {
                    group
                }
            })
            .collect::<Vec<_>>();
    match kind {
        Kind::Offline => all.into_iter().map(with_output_flag).collect(),
        _ => all,
    }
}

fn with_output_flag(cmd: Command) -> Command {
    cmd.arg(
        clap::Arg::new("output")
            .long("output")
            .global(true)
            .value_parser(clap::value_parser!(super::output::Output))
            .default_value("text"),
    )
}

/// Groups the app itself adds beside the modules': `query tx <hash>`.
fn app_groups(kind: Kind) -> Vec<Command> {
    match kind {
        Kind::Query => vec![Command::new(QUERY_TX)
            .about("A transaction by hash")
            .arg(clap::Arg::new("hash").required(true).help("The transaction hash (64 hex digits)"))],
        _ => Vec::new(),
    }
}

/// The name of `veritasd query tx <hash>`.
pub const QUERY_TX: &str = "tx";

/// Runs `f` with the module that declared group `name` of `kind`.
pub fn with_module<T>(kind: Kind, name: &str, f: impl FnOnce(&dyn ModuleCli) -> T) -> Option<T> {
    let set = modules();
    let module =
        set.modules().filter_map(|m| m.cli()).find(|cli| commands(*cli, kind).iter().any(|c| c.get_name() == name))?;
    Some(f(module))
}

/// A parsed module group: its name and its arguments.
#[derive(Debug, Clone)]
pub struct Group<const K: u8> {
    pub name: String,
    pub matches: ArgMatches,
}

/// `veritasd tx <group>`.
pub type TxGroup = Group<0>;
/// `veritasd query <group>`, and the app's own `veritasd query tx <hash>`.
pub type QueryGroup = Group<1>;
/// `veritasd <group>` (offline tools).
pub type OfflineGroup = Group<2>;

const fn kind_of(k: u8) -> Kind {
    match k {
        0 => Kind::Tx,
        1 => Kind::Query,
        _ => Kind::Offline,
    }
}

impl<const K: u8> FromArgMatches for Group<K> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let (name, sub) =
            matches.subcommand().ok_or_else(|| clap::Error::new(clap::error::ErrorKind::MissingSubcommand))?;
        Ok(Self { name: name.to_owned(), matches: sub.clone() })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl<const K: u8> Subcommand for Group<K> {
    fn augment_subcommands(cmd: Command) -> Command {
        cmd.subcommands(groups(kind_of(K))).subcommands(app_groups(kind_of(K)))
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        groups(kind_of(K)).iter().chain(&app_groups(kind_of(K))).any(|c| c.get_name() == name)
    }
}

impl<const K: u8> Group<K> {
    /// Runs the module's handler for this group.
    pub fn dispatch<T>(&self, f: impl FnOnce(&dyn ModuleCli, &str, &ArgMatches) -> T) -> T {
        with_module(kind_of(K), &self.name, |m| f(m, &self.name, &self.matches))
            .expect("clap only parses groups a module declared")
    }
}
