//! ICS-20 fungible token transfers: ibc-rs' transfer application over `bank`.
//!
//! Native denoms are escrowed per channel (ADR-028 escrow address of port/channel);
//! foreign ones arrive as vouchers `ibc/<SHA-256 of the trace, upper hex>`, minted on
//! receive and burned on send, with the trace stored so queries and sends can name it.
//! The module reaches bank only through [`Tokens`].

use std::sync::Arc;

use crate::expected_keepers::Tokens;
use ibc::apps::transfer::context::{TokenTransferExecutionContext, TokenTransferValidationContext};
use ibc::apps::transfer::module as ics20;
use ibc::apps::transfer::types::{Memo, PrefixedCoin, PrefixedDenom, VERSION};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::primitives::Signer;
use ibc::core::router::module::Module;
use ibc::core::router::router::Router;
use ibc::core::router::types::module::{ModuleExtras, ModuleId};
use ibc::cosmos_host::utils::cosmos_adr028_escrow_address;
use sha2::{Digest, Sha256};
use veritas_framework::{Address, Coin, Coins, Error};

use crate::host::SharedContext;
use crate::keeper::{denom_trace_key, IbcKeeper};

/// The bank denom of an ICS-20 denom: itself if native, else `ibc/<HASH>`.
pub fn bank_denom(denom: &PrefixedDenom) -> String {
    if denom.trace_path.is_empty() {
        denom.base_denom.to_string()
    } else {
        format!("ibc/{}", denom_hash(&denom.to_string()))
    }
}

/// Upper-case hex SHA-256 of a full denom path, as ibc-go names vouchers.
pub fn denom_hash(full_path: &str) -> String {
    hex::encode_upper(Sha256::digest(full_path.as_bytes()))
}

/// The escrow account of a channel end.
pub fn escrow_address(port: &PortId, channel: &ChannelId) -> Address {
    Address::from_bytes(&cosmos_adr028_escrow_address(port, channel)).expect("20-byte ADR-028 address")
}

/// The ICS-20 application bound to port `transfer`, for one message.
pub(crate) struct TransferModule<'c, 'a> {
    ctx: SharedContext<'c, 'a>,
    tokens: Arc<dyn Tokens>,
}

impl std::fmt::Debug for TransferModule<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransferModule")
    }
}

impl<'c, 'a> TransferModule<'c, 'a> {
    pub(crate) fn new(ctx: SharedContext<'c, 'a>, tokens: Arc<dyn Tokens>) -> Self {
        Self { ctx, tokens }
    }

    fn keep(&self, error: Error) -> HostError {
        invalid(self.ctx.keep(error))
    }

    fn coins(&self, coin: &PrefixedCoin) -> Result<Coins, HostError> {
        let amount: u128 = coin
            .amount
            .to_string()
            .parse()
            .map_err(|_| invalid(format!("amount {} does not fit 128 bits", coin.amount)))?;
        Coins::new(vec![Coin::new(bank_denom(&coin.denom), amount)]).map_err(|e| invalid(e.log()))
    }

    fn address(signer: &Signer) -> Result<Address, HostError> {
        Address::from_bech32(signer.as_ref()).map_err(|e| invalid(format!("{signer}: {}", e.log())))
    }

    fn require_balance(&self, who: &Address, coins: &Coins) -> Result<(), HostError> {
        for coin in coins.iter() {
            let have = self.tokens.balance(&mut self.ctx.context(), who, &coin.denom).map_err(|e| self.keep(e))?;
            if have < coin.amount {
                return Err(invalid(format!(
                    "{who} holds {have}{} and cannot give {coin}: insufficient funds",
                    coin.denom
                )));
            }
        }
        Ok(())
    }
}

impl TokenTransferValidationContext for TransferModule<'_, '_> {
    type AccountId = Address;

    fn sender_account(&self, sender: &Signer) -> Result<Address, HostError> {
        Self::address(sender)
    }

    fn receiver_account(&self, receiver: &Signer) -> Result<Address, HostError> {
        Self::address(receiver)
    }

    fn get_port(&self) -> Result<PortId, HostError> {
        Ok(PortId::transfer())
    }

    fn can_send_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn can_receive_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn escrow_coins_validate(
        &self,
        from: &Address,
        _port: &PortId,
        _channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.require_balance(from, &self.coins(coin)?)
    }

    fn unescrow_coins_validate(
        &self,
        _to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        self.require_balance(&escrow_address(port, channel), &self.coins(coin)?)
    }

    fn mint_coins_validate(&self, _account: &Address, coin: &PrefixedCoin) -> Result<(), HostError> {
        self.coins(coin).map(|_| ())
    }

    fn burn_coins_validate(&self, account: &Address, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        self.require_balance(account, &self.coins(coin)?)
    }
}

impl TokenTransferExecutionContext for TransferModule<'_, '_> {
    fn escrow_coins_execute(
        &mut self,
        from: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        let escrow = escrow_address(port, channel);
        self.tokens.send(&mut self.ctx.context(), from, &escrow, &coins).map_err(|e| self.keep(e))
    }

    fn unescrow_coins_execute(
        &mut self,
        to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        let escrow = escrow_address(port, channel);
        self.tokens.send(&mut self.ctx.context(), &escrow, to, &coins).map_err(|e| self.keep(e))
    }

    fn mint_coins_execute(&mut self, account: &Address, coin: &PrefixedCoin) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        let full_path = coin.denom.to_string();
        let mut ctx = self.ctx.context();
        IbcKeeper::store(&mut ctx)
            .set(denom_trace_key(&denom_hash(&full_path)), full_path.into_bytes())
            .map_err(|e| self.keep(e))?;
        self.tokens.mint(&mut ctx, account, &coins).map_err(|e| self.keep(e))
    }

    fn burn_coins_execute(&mut self, account: &Address, coin: &PrefixedCoin, _memo: &Memo) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        self.tokens.burn(&mut self.ctx.context(), account, &coins).map_err(|e| self.keep(e))
    }
}

/// ibc-rs writes an error acknowledgement as `{"error":"<message>"}` without JSON
/// escaping, so a quote or backslash in the message (a receiver string is chosen by the
/// sender) would make an acknowledgement nobody can parse and strand the tokens. Every
/// message this module gives ibc-rs goes through here.
fn invalid(message: impl std::fmt::Display) -> HostError {
    let safe: String = message
        .to_string()
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    HostError::invalid_state(safe)
}

fn app_error(e: impl ToString) -> ChannelError {
    ChannelError::AppSpecific { description: e.to_string() }
}

impl Module for TransferModule<'_, '_> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_init_validate(self, order, hops, port, channel, counterparty, version)
            .map_err(app_error)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_init_execute(
        &mut self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_init_execute(self, order, hops, port, channel, counterparty, version).map_err(app_error)
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_try_validate(self, order, hops, port, channel, counterparty, counterparty_version)
            .map_err(app_error)?;
        Ok(Version::new(VERSION.to_string()))
    }

    fn on_chan_open_try_execute(
        &mut self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_try_execute(self, order, hops, port, channel, counterparty, counterparty_version)
            .map_err(app_error)
    }

    fn on_chan_open_ack_validate(
        &self,
        port: &PortId,
        channel: &ChannelId,
        counterparty_version: &Version,
    ) -> Result<(), ChannelError> {
        ics20::on_chan_open_ack_validate(self, port, channel, counterparty_version).map_err(app_error)
    }

    fn on_chan_close_init_validate(&self, port: &PortId, channel: &ChannelId) -> Result<(), ChannelError> {
        ics20::on_chan_close_init_validate(self, port, channel).map_err(app_error)
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let (extras, ack) = ics20::on_recv_packet_execute(self, packet);
        (extras, Some(ack))
    }

    fn on_acknowledgement_packet_validate(
        &self,
        packet: &Packet,
        ack: &Acknowledgement,
        relayer: &Signer,
    ) -> Result<(), ChannelError> {
        ics20::on_acknowledgement_packet_validate(self, packet, ack, relayer).map_err(app_error)
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        ack: &Acknowledgement,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) = ics20::on_acknowledgement_packet_execute(self, packet, ack, relayer);
        (extras, result.map_err(app_error))
    }

    fn on_timeout_packet_validate(&self, packet: &Packet, relayer: &Signer) -> Result<(), ChannelError> {
        ics20::on_timeout_packet_validate(self, packet, relayer).map_err(app_error)
    }

    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) = ics20::on_timeout_packet_execute(self, packet, relayer);
        (extras, result.map_err(app_error))
    }
}

/// Routes port `transfer` to ICS-20; no other port is bound.
#[derive(Debug)]
pub(crate) struct IbcRouter<'c, 'a> {
    pub(crate) transfer: TransferModule<'c, 'a>,
}

fn transfer_module_id() -> ModuleId {
    ModuleId::new(ibc::apps::transfer::types::MODULE_ID_STR.to_string())
}

impl Router for IbcRouter<'_, '_> {
    fn get_route(&self, module_id: &ModuleId) -> Option<&dyn Module> {
        (*module_id == transfer_module_id()).then_some(&self.transfer as &dyn Module)
    }

    fn get_route_mut(&mut self, module_id: &ModuleId) -> Option<&mut dyn Module> {
        if *module_id == transfer_module_id() {
            Some(&mut self.transfer)
        } else {
            None
        }
    }

    fn lookup_module(&self, port_id: &PortId) -> Option<ModuleId> {
        (*port_id == PortId::transfer()).then(transfer_module_id)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn voucher_denoms_are_named_as_ibc_go_names_them() {
        // ATOM over Osmosis' channel-0: a voucher name every Cosmos wallet knows.
        let atom = PrefixedDenom::from_str("transfer/channel-0/uatom").unwrap();
        assert_eq!(bank_denom(&atom), "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
        assert_eq!(bank_denom(&PrefixedDenom::from_str("uvrt").unwrap()), "uvrt");
    }

    #[test]
    fn messages_for_ibc_rs_stay_valid_inside_an_error_acknowledgement() {
        let message = invalid("receiver \"x\\\" is bad\n").to_string();
        // What ibc-rs writes for an error acknowledgement, unescaped.
        let ack = format!(r#"{{"error":"{message}"}}"#);
        let parsed: serde_json::Value = serde_json::from_str(&ack).expect("valid JSON");
        assert!(parsed["error"].as_str().unwrap().contains("'x/' is bad"));
    }
}
