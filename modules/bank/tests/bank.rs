//! The bank module alone, through its `Module` impl, on an in-memory store: genesis,
//! messages decoded once and executed, failures that change nothing, and the accounts
//! it expects another module to keep (a recording stand-in here).

use std::sync::{Arc, Mutex};

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use prost::Message;
use serde_json::json;
use veritas_bank::{Accounts, BankModule, GenesisState, MSG_MULTI_SEND, MSG_SEND, MSG_UPDATE_PARAMS};
use veritas_framework::store::{EmptyState, Overlay};
use veritas_framework::*;

/// Records the addresses bank asked to have accounts for.
#[derive(Default)]
struct RecordingAccounts(Mutex<Vec<Address>>);

impl Accounts for RecordingAccounts {
    fn ensure_account(&self, _: &mut Context<'_>, address: &Address) -> Result<(), Error> {
        self.0.lock().unwrap().push(address.clone());
        Ok(())
    }
}

fn address(byte: u8) -> Address {
    Address::from_bytes(&[byte; 20]).unwrap()
}

fn coins(text: &str) -> Coins {
    Coins::parse(text).unwrap()
}

struct Bank {
    module: BankModule,
    accounts: Arc<RecordingAccounts>,
    state: Overlay<EmptyState>,
    block: BlockInfo,
}

impl Bank {
    /// Bank with 1000uvrt at address 1 and 5uvrt at address 2.
    fn new() -> Self {
        let accounts = Arc::new(RecordingAccounts::default());
        let module = BankModule::new(accounts.clone(), Arc::new(OnlyAuthority(address(9))));
        let mut genesis = GenesisState::default();
        genesis.add_balance(&address(1), &coins("1000uvrt")).unwrap();
        genesis.add_balance(&address(2), &coins("5uvrt")).unwrap();
        let mut bank = Self { module, accounts, state: Overlay::new(EmptyState), block: BlockInfo::default() };
        let genesis = serde_json::to_value(genesis).unwrap();
        bank.with_ctx(|module, ctx| module.init_genesis(ctx, &genesis)).unwrap();
        bank
    }

    fn with_ctx<T>(&mut self, f: impl FnOnce(&BankModule, &mut Context<'_>) -> T) -> T {
        let mut gas = GasMeter::new(10_000_000);
        let mut events = Vec::new();
        let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut gas, &mut events, &mut self.state);
        f(&self.module, &mut ctx)
    }

    /// Decodes (once) and delivers a message in its own overlay, kept only on success.
    fn deliver(&mut self, type_url: &str, value: Vec<u8>) -> Result<DecodedMsg, Error> {
        let msg = self.module.decode_msg(&Msg { type_url, value: &value })?;
        let mut gas = GasMeter::new(10_000_000);
        let mut events = Vec::new();
        let mut child = Overlay::new(&self.state);
        let result = {
            let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut gas, &mut events, &mut child);
            self.module.deliver_msg(&mut ctx, &msg)
        };
        let writes = child.into_writes();
        result.map(|_| {
            self.state.apply(writes);
            msg
        })
    }

    fn balance(&self, who: &Address) -> u128 {
        let ctx = QueryContext::new(1, "test-1", &self.state);
        let exported = self.module.export_genesis(&ctx).unwrap();
        let state: GenesisState = serde_json::from_value(exported).unwrap();
        state
            .balances
            .iter()
            .find(|b| b.address == who.to_bech32())
            .map_or(0, |b| b.coins.iter().map(|c| c.amount.parse::<u128>().unwrap()).sum())
    }
}

/// An authority that is `self.0` (the authority module's rule, without its store).
struct OnlyAuthority(Address);

impl Authority for OnlyAuthority {
    fn ensure_authority(&self, _: &mut Context<'_>, claimed: &Address) -> Result<(), Error> {
        if claimed == &self.0 {
            Ok(())
        } else {
            Err(Error::new("authority", 2, format!("invalid authority; expected {}, got {claimed}", self.0)))
        }
    }
}

fn update_params(authority: &Address, default_send_enabled: bool) -> Vec<u8> {
    use cosmos_sdk_proto::cosmos::bank::v1beta1::{MsgUpdateParams, Params};
    #[allow(deprecated)]
    let params = Params { send_enabled: vec![], default_send_enabled };
    MsgUpdateParams { authority: authority.to_bech32(), params: Some(params) }.encode_to_vec()
}

#[test]
fn only_the_authority_changes_params_and_disabled_sends_are_refused() {
    let mut bank = Bank::new();
    let err = bank.deliver(MSG_UPDATE_PARAMS, update_params(&address(1), false)).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("authority", 2), "{err}");
    assert!(bank.deliver(MSG_SEND, send(&address(1), &address(2), "1uvrt")).is_ok());

    let decoded = bank.deliver(MSG_UPDATE_PARAMS, update_params(&address(9), false)).unwrap();
    assert_eq!(decoded.signers(), &[address(9)]);
    let err = bank.deliver(MSG_SEND, send(&address(1), &address(2), "1uvrt")).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("bank", 5), "{err}");
    assert!(err.log().contains("uvrt transfers are currently disabled"), "{err}");
    let ctx = QueryContext::new(1, "test-1", &bank.state);
    let exported = bank.module.export_genesis(&ctx).unwrap();
    assert_eq!(exported["params"], json!({ "default_send_enabled": false }));

    bank.deliver(MSG_UPDATE_PARAMS, update_params(&address(9), true)).unwrap();
    assert!(bank.deliver(MSG_SEND, send(&address(1), &address(2), "1uvrt")).is_ok());
    let ctx = QueryContext::new(1, "test-1", &bank.state);
    assert!(bank.module.export_genesis(&ctx).unwrap().get("params").is_none(), "default params are left out");
}

fn send(from: &Address, to: &Address, amount: &str) -> Vec<u8> {
    MsgSend { from_address: from.to_bech32(), to_address: to.to_bech32(), amount: coins(amount).to_proto() }
        .encode_to_vec()
}

#[test]
fn genesis_round_trips_and_creates_accounts_for_funded_addresses() {
    let bank = Bank::new();
    let ctx = QueryContext::new(1, "test-1", &bank.state);
    let exported = bank.module.export_genesis(&ctx).unwrap();
    assert_eq!(exported["supply"], json!([{ "denom": "uvrt", "amount": "1005" }]));
    assert_eq!(*bank.accounts.0.lock().unwrap(), vec![address(1), address(2)]);
}

#[test]
fn a_send_is_decoded_once_with_its_signer_and_moves_the_coins() {
    let mut bank = Bank::new();
    let msg = bank.deliver(MSG_SEND, send(&address(1), &address(3), "300uvrt")).unwrap();
    assert_eq!(msg.signers(), &[address(1)]);
    assert_eq!((bank.balance(&address(1)), bank.balance(&address(3))), (700, 300));
    assert!(bank.accounts.0.lock().unwrap().contains(&address(3)), "the receiver gets an account");
}

#[test]
fn refused_messages_have_their_codes_and_change_nothing() {
    let mut bank = Bank::new();
    let before = bank.state.writes().clone();
    let err = bank.deliver(MSG_SEND, send(&address(2), &address(1), "6uvrt")).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("sdk", 5), "{}", err.log());
    let empty = MsgSend { from_address: address(1).to_bech32(), to_address: address(2).to_bech32(), amount: vec![] };
    assert_eq!(bank.deliver(MSG_SEND, empty.encode_to_vec()).unwrap_err().code(), 10);
    let mismatch = MsgMultiSend {
        inputs: vec![Input { address: address(1).to_bech32(), coins: coins("10uvrt").to_proto() }],
        outputs: vec![Output { address: address(2).to_bech32(), coins: coins("9uvrt").to_proto() }],
    };
    let err = bank.deliver(MSG_MULTI_SEND, mismatch.encode_to_vec()).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("bank", 4));
    assert_eq!(bank.deliver(MSG_SEND, b"\xff\xff".to_vec()).unwrap_err().code(), 2, "undecodable");
    assert_eq!(bank.state.writes(), &before, "no refused message wrote anything");
}

#[test]
fn genesis_add_balance_merges_and_keeps_a_given_supply_in_step() {
    let mut genesis = GenesisState::default();
    genesis.add_balance(&address(1), &coins("5uvrt")).unwrap();
    genesis.add_balance(&address(1), &coins("2stake,1uvrt")).unwrap();
    assert_eq!(genesis.balances.len(), 1);
    assert_eq!(
        serde_json::to_value(&genesis.balances[0].coins).unwrap(),
        json!([
            { "denom": "stake", "amount": "2" }, { "denom": "uvrt", "amount": "6" }
        ])
    );
    genesis.supply =
        serde_json::from_value(json!([{ "denom": "stake", "amount": "2" }, { "denom": "uvrt", "amount": "6" }]))
            .unwrap();
    genesis.add_balance(&address(2), &coins("4uvrt")).unwrap();
    assert_eq!(
        serde_json::to_value(&genesis.supply).unwrap(),
        json!([
            { "denom": "stake", "amount": "2" }, { "denom": "uvrt", "amount": "10" }
        ])
    );
}
