use std::io::{BufRead, IsTerminal};

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{print, Output};
use super::HomeArg;
use crate::home::Home;
use crate::keyring::{self, Backend, Keyring};

#[derive(Debug, Args)]
pub struct KeyringArgs {
    #[command(flatten)]
    pub home: HomeArg,
    /// Where keys are kept: `test` (plain files) or `file` (passphrase-encrypted).
    #[arg(long, value_enum, default_value = "file", global = true)]
    pub keyring_backend: Backend,
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub output: Output,
}

impl KeyringArgs {
    pub fn keyring(&self) -> anyhow::Result<Keyring> {
        Ok(Keyring::open(Home::resolve(self.home.home.clone())?.root(), self.keyring_backend))
    }
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key (24-word mnemonic), or restore one with --recover.
    Add {
        name: String,
        /// Read a mnemonic from stdin instead of generating one.
        #[arg(long)]
        recover: bool,
    },
    /// List stored keys.
    List,
    /// Show a key.
    Show {
        name: String,
        /// Print only the address.
        #[arg(short = 'a', long)]
        address: bool,
    },
    /// Delete a key.
    Delete {
        name: String,
        /// Skip the confirmation.
        #[arg(short = 'y', long)]
        yes: bool,
    },
}

/// The passphrase of the file keyring: `$VERITAS_KEYRING_PASSPHRASE`, else a line of stdin.
pub fn passphrase(backend: Backend) -> anyhow::Result<Option<String>> {
    if backend == Backend::Test {
        return Ok(None);
    }
    if let Ok(p) = std::env::var("VERITAS_KEYRING_PASSPHRASE") {
        return Ok(Some(p));
    }
    if std::io::stdin().is_terminal() {
        eprint!("Enter keyring passphrase: ");
    }
    Ok(Some(read_line()?))
}

pub fn read_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read stdin")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

pub fn run(cmd: KeysCommand, args: KeyringArgs) -> anyhow::Result<()> {
    let keyring = args.keyring()?;
    match cmd {
        KeysCommand::Add { name, recover } => {
            let mnemonic = if recover {
                if std::io::stdin().is_terminal() {
                    eprint!("Enter your bip39 mnemonic: ");
                }
                read_line()?
            } else {
                keyring::new_mnemonic()
            };
            let key = keyring::key_from_mnemonic(&mnemonic)?;
            let pass = passphrase(keyring.backend())?;
            let info = keyring.add(&name, &key, pass.as_deref())?;
            let mut out = json!({ "name": info.name, "type": "local", "address": info.address, "pubkey": info.pubkey });
            if !recover {
                out["mnemonic"] = mnemonic.clone().into();
            }
            print(args.output, &out);
            if !recover && args.output == Output::Text {
                eprintln!("\n**Important** write this mnemonic phrase in a safe place.\nIt is the only way to recover your account if you ever forget your password.");
            }
        }
        KeysCommand::List => {
            let keys: Vec<_> = keyring
                .list()?
                .into_iter()
                .map(|k| json!({ "name": k.name, "type": "local", "address": k.address, "pubkey": k.pubkey }))
                .collect();
            print(args.output, &serde_json::Value::Array(keys));
        }
        KeysCommand::Show { name, address } => {
            let info = keyring.find(&name)?;
            if address {
                println!("{}", info.address);
            } else {
                print(
                    args.output,
                    &json!({ "name": info.name, "type": "local", "address": info.address, "pubkey": info.pubkey }),
                );
            }
        }
        KeysCommand::Delete { name, yes } => {
            keyring.info(&name)?;
            if !yes {
                eprint!("Key reference will be deleted. Continue? [y/N]: ");
                if !read_line()?.trim().eq_ignore_ascii_case("y") {
                    anyhow::bail!("aborted");
                }
            }
            keyring.delete(&name)?;
            eprintln!("Key deleted forever (uh oh!)");
        }
    }
    Ok(())
}
