use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use clap::Args;

use super::HomeArg;
use crate::abci::AbciApp;
use crate::chain_meta::ChainMeta;
use crate::config::AppConfig;
use crate::home::Home;
use crate::mempool::Mempool;
use crate::modules::node_env;
use crate::node::Node;
use crate::proposal::ProposalRules;
use crate::query::QueryService;
use crate::snapshots::SnapshotStore;
use veritas_store::{Storage, StorageConfig};

#[derive(Debug, Args)]
pub struct StartArgs {
    #[command(flatten)]
    home: HomeArg,
    /// Also run CometBFT (`cometbft start --home <home>/cometbft`) as a supervised child:
    /// restarted if it exits, stopped with veritasd on SIGTERM/SIGINT.
    #[arg(long)]
    with_cometbft: bool,
    /// The CometBFT binary for --with-cometbft.
    #[arg(long, env = "COMETBFT_BIN", default_value = "cometbft")]
    cometbft_bin: PathBuf,
    /// Append CometBFT's output to this file instead of passing it through.
    #[arg(long, requires = "with_cometbft")]
    cometbft_log: Option<PathBuf>,
}

pub fn run(args: StartArgs) -> anyhow::Result<()> {
    let home = Home::resolve(args.home.home)?;
    home.ensure_initialised()?;
    let config = AppConfig::load(&home.app_toml())?;
    crate::logging::init(&config.log)?;

    let genesis = crate::genesis_doc::read_genesis(&home.genesis())?;
    crate::genesis_doc::validate(&genesis).with_context(|| format!("{} is invalid", home.genesis().display()))?;
    let genesis_chain_id = crate::genesis_doc::chain_id(&genesis)?.to_owned();

    let min_gas_prices = crate::tx::MinGasPrices::parse(&config.minimum_gas_prices)?;
    let env = Arc::new(node_env(min_gas_prices, home.data_dir()));
    let storage = open_storage(&home, &env.modules, config.pruning.keep_recent)?;
    let meta = Arc::new(OnceLock::new());
    if let Some(stored) = ChainMeta::load(&storage)? {
        if stored.chain_id != genesis_chain_id {
            anyhow::bail!(
                "the state in {} belongs to chain {:?} but {} is for chain {:?}; use another home or remove its data directory",
                home.state_db().display(),
                stored.chain_id,
                home.genesis().display(),
                genesis_chain_id
            );
        }
        let _ = meta.set(stored);
    }

    // Bound before anything else starts, so a second node on the same port fails clearly.
    let listener = crate::listen::bind(config.abci_address.as_str(), "ABCI", "abci_address")?;

    let proposals = Arc::new(ProposalRules::new(storage.clone(), env.clone(), meta.clone()));
    let event_index = crate::event_index::EventIndex::parse(&config.index_events)
        .with_context(|| format!("invalid index_events in {}", home.app_toml().display()))?;
    let snapshots = Arc::new(SnapshotStore::new(home.snapshots()));
    let snapshotter = crate::snapshots::Snapshotter::new(
        snapshots.clone(),
        config.state_sync.snapshot_interval,
        config.state_sync.snapshot_keep_recent as usize,
    );
    let node = Node::new(storage.clone(), env.clone(), meta.clone())
        .with_event_index(event_index)
        .with_snapshotter(snapshotter)
        .with_halt_height(config.halt_height);
    let mempool = Arc::new(Mempool::new(storage.clone(), env.clone(), meta.clone()));
    let limits = crate::query::QueryLimits {
        simulate_gas_cap: config.query_gas_limit,
        concurrency: config.query_concurrency,
        wait: crate::query::QUERY_WAIT,
    };
    let queries = Arc::new(QueryService::new(storage.clone(), env, meta.clone()).with_limits(limits));
    if config.grpc.enable {
        let address = config.grpc.address.parse().context("grpc.address")?;
        let cometbft_rpc = match crate::config::cometbft_rpc_url(&home.cometbft_config()) {
            Ok(url) => Some(url),
            Err(e) => {
                tracing::warn!("gRPC BroadcastTx and GetTx are unavailable: {e:#}");
                None
            }
        };
        crate::grpc::spawn(address, queries.clone(), cometbft_rpc)?;
    }
    crate::telemetry::install_module_sink();
    if config.telemetry.enable {
        let address = config.telemetry.address.parse().context("telemetry.address")?;
        crate::telemetry::serve(address)?;
    }
    let app = AbciApp::new(node, mempool, queries, proposals)
        .with_snapshots(snapshots)
        .with_state_sync(ChainMeta::from_genesis(&genesis)?);

    tracing::info!(
        abci = %config.abci_address,
        home = %home.root().display(),
        chain_id = %genesis_chain_id,
        last_version = ?storage.latest_version(),
        "veritasd started; waiting for CometBFT"
    );
    if args.with_cometbft {
        super::init::require_cometbft(&args.cometbft_bin)?;
        crate::cometbft_child::supervise(crate::cometbft_child::ChildSpec {
            binary: args.cometbft_bin,
            home: home.cometbft(),
            log: args.cometbft_log,
        })?;
    }
    crate::abci_socket::serve(listener, app).map_err(|e| anyhow::anyhow!("ABCI server stopped: {e}"))
}

pub(super) fn open_storage(
    home: &Home,
    modules: &veritas_framework::ModuleSet,
    keep_recent: u64,
) -> anyhow::Result<Storage> {
    let path = home.state_db();
    std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Storage::open(&path, StorageConfig { substores: modules.substores(), keep_recent }).map_err(|e| {
        let text = e.to_string();
        if text.contains("lock") || text.contains("LOCK") {
            anyhow::anyhow!(
                "the state database {} is in use by another process (is veritasd already running?)",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot open the state database {}: {text}", path.display())
        }
    })
}
