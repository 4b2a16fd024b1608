//! `veritasd start --with-cometbft`: CometBFT as a supervised child, so an operator, systemd
//! or cosmovisor runs one process.
//!
//! - The child (`cometbft start --home <home>/cometbft`) starts once the ABCI socket is
//!   listening; its output is passed through, or appended to `--cometbft-log`.
//! - If it exits on its own it is started again (1 s, doubling to 30 s between tries; back to
//!   1 s after a minute up), with a logged reason.
//! - SIGTERM or SIGINT to veritasd is forwarded; veritasd waits up to [`STOP_GRACE`] for the
//!   child (then SIGKILLs it) and exits: the pair stops together. Block execution is idle by
//!   then (CometBFT sends nothing more), and a commit is one atomic write in any case.
//! - If veritasd itself dies, the kernel SIGKILLs the child (`PR_SET_PDEATHSIG`): CometBFT
//!   would try to stop on its own when its ABCI connection fails, but v0.38 can hang in that
//!   shutdown (a consensus Commit waiting on a flush the dead socket client never answers).
//!   Its stores are crash-safe; the next `veritasd start --with-cometbft` starts a new child.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// How long a stopping child gets before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(30);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(30);
/// A child up this long is healthy again: the next retry waits [`FIRST_RETRY`].
const HEALTHY_AFTER: Duration = Duration::from_secs(60);

/// How to run the child.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// The `cometbft` binary.
    pub binary: PathBuf,
    /// Its home (`<veritas home>/cometbft`).
    pub home: PathBuf,
    /// Append its output here instead of passing it through.
    pub log: Option<PathBuf>,
}

impl ChildSpec {
    // The one unsafe block of the workspace: std's pre_exec is how a child gets a parent-death signal.
    #[allow(unsafe_code)]
    fn spawn(&self) -> anyhow::Result<Child> {
        let mut command = Command::new(&self.binary);
        command.arg("start").arg("--home").arg(&self.home).stdin(Stdio::null());
        if let Some(path) = &self.log {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open the CometBFT log {}", path.display()))?;
            command.stdout(file.try_clone()?).stderr(file);
        }
        // The death signal follows the thread that forks: the first child is spawned from the
        // main thread (which then serves ABCI for good), restarts from the supervisor thread
        // (which lives as long as the child it waits on). Spawn from nowhere shorter-lived.
        let parent = nix::unistd::getpid();
        // SAFETY: the closure runs between fork and exec and only makes syscalls.
        unsafe {
            command.pre_exec(move || {
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(std::io::Error::from)?;
                // veritasd died between fork and prctl: do not outlive it.
                if nix::unistd::getppid() != parent {
                    return Err(std::io::Error::other("veritasd exited while starting cometbft"));
                }
                Ok(())
            });
        }
        command.spawn().with_context(|| format!("cannot start {}", self.binary.display()))
    }
}

/// Starts the child and its supervisor, and takes over SIGTERM and SIGINT (see the
/// module docs). Returns once the first child is running.
pub fn supervise(spec: ChildSpec) -> anyhow::Result<()> {
    let stopping = Arc::new(AtomicBool::new(false));
    let running: Arc<Mutex<Option<u32>>> = Arc::new(Mutex::new(None));
    let first = spec.spawn()?;
    tracing::info!(pid = first.id(), home = %spec.home.display(), "cometbft started as a child");
    let (stopped_tx, stopped_rx) = mpsc::channel();
    let mut signals = Signals::new([SIGTERM, SIGINT]).context("cannot install signal handlers")?;
    {
        let (stopping, running) = (stopping.clone(), running.clone());
        *running.lock().unwrap_or_else(|p| p.into_inner()) = Some(first.id());
        std::thread::Builder::new()
            .name("cometbft-supervisor".into())
            .spawn(move || keep_running(spec, first, &stopping, &running, stopped_tx))?;
    }
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            tracing::info!(signal, "stopping: cometbft first, then veritasd");
            stopping.store(true, Ordering::SeqCst);
            let child = *running.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(pid) = child {
                send(pid, Signal::SIGTERM);
                if stopped_rx.recv_timeout(STOP_GRACE).is_err() {
                    tracing::warn!(pid, "cometbft did not stop within {STOP_GRACE:?}; killing it");
                    send(pid, Signal::SIGKILL);
                    let _ = stopped_rx.recv_timeout(Duration::from_secs(5));
                }
            }
            tracing::info!("stopped");
            std::process::exit(0);
        }
    })?;
    Ok(())
}

/// Waits on the child and starts it again whenever it exits without being asked to.
fn keep_running(
    spec: ChildSpec,
    mut child: Child,
    stopping: &AtomicBool,
    running: &Mutex<Option<u32>>,
    stopped: mpsc::Sender<()>,
) {
    let mut retry = FIRST_RETRY;
    loop {
        let started = Instant::now();
        let status = child.wait();
        *running.lock().unwrap_or_else(|p| p.into_inner()) = None;
        if stopping.load(Ordering::SeqCst) {
            tracing::info!(?status, "cometbft stopped");
            let _ = stopped.send(());
            return;
        }
        if started.elapsed() >= HEALTHY_AFTER {
            retry = FIRST_RETRY;
        }
        tracing::error!(?status, "cometbft exited unexpectedly; starting it again in {retry:?}");
        loop {
            std::thread::sleep(retry);
            retry = (retry * 2).min(LAST_RETRY);
            // Holding the lock from spawn to record, so a signal sees either no child or this one.
            let mut slot = running.lock().unwrap_or_else(|p| p.into_inner());
            if stopping.load(Ordering::SeqCst) {
                let _ = stopped.send(());
                return;
            }
            match spec.spawn() {
                Ok(next) => {
                    tracing::info!(pid = next.id(), "cometbft started again");
                    *slot = Some(next.id());
                    child = next;
                    break;
                }
                Err(e) => tracing::error!("cannot start cometbft: {e:#}; trying again in {retry:?}"),
            }
        }
    }
}

fn send(pid: u32, signal: Signal) {
    if let Ok(raw) = i32::try_from(pid) {
        if let Err(e) = kill(Pid::from_raw(raw), signal) {
            tracing::warn!(pid, %signal, "cannot signal cometbft: {e}");
        }
    }
}
