use cosmos_sdk_proto::cosmos::bank::v1beta1::{MsgMultiSend, MsgMultiSendResponse, MsgSend, MsgSendResponse};
use prost::{Message, Name};
use veritas_framework::{sdk, Address, Coins, Context, Error, Msg, MsgResponse};

use crate::{errors, events, BankKeeper};

pub const MSG_SEND: &str = "/cosmos.bank.v1beta1.MsgSend";
pub const MSG_MULTI_SEND: &str = "/cosmos.bank.v1beta1.MsgMultiSend";

/// A message after stateless checks.
pub(crate) enum BankMsg {
    Send { from: Address, to: Address, amount: Coins },
    MultiSend { input: (Address, Coins), outputs: Vec<(Address, Coins)> },
}

/// Decodes and checks a bank message without touching state.
pub(crate) fn parse(msg: &Msg<'_>) -> Result<BankMsg, Error> {
    let bad = |e: prost::DecodeError| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url));
    match msg.type_url {
        MSG_SEND => {
            let m = MsgSend::decode(msg.value).map_err(bad)?;
            let from = Address::from_bech32(&m.from_address).map_err(|e| e.context("from_address"))?;
            let to = Address::from_bech32(&m.to_address).map_err(|e| e.context("to_address"))?;
            let amount = Coins::from_proto(&m.amount)?;
            if amount.is_empty() {
                return Err(sdk::invalid_coins("amount must not be empty"));
            }
            Ok(BankMsg::Send { from, to, amount })
        }
        MSG_MULTI_SEND => {
            let m = MsgMultiSend::decode(msg.value).map_err(bad)?;
            if m.inputs.is_empty() {
                return Err(errors::no_inputs("no inputs to send transaction"));
            }
            if m.inputs.len() > 1 {
                return Err(errors::multiple_senders("multiple senders not allowed"));
            }
            if m.outputs.is_empty() {
                return Err(errors::no_outputs("no outputs to send transaction"));
            }
            let parse_side = |address: &str, coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]| {
                let address = Address::from_bech32(address)?;
                let coins = Coins::from_proto(coins)?;
                if coins.is_empty() {
                    return Err(sdk::invalid_coins(format!("empty amount for {address}")));
                }
                Ok((address, coins))
            };
            let input = parse_side(&m.inputs[0].address, &m.inputs[0].coins)?;
            let outputs =
                m.outputs.iter().map(|o| parse_side(&o.address, &o.coins)).collect::<Result<Vec<_>, Error>>()?;
            let mut total = Coins::empty();
            for (_, coins) in &outputs {
                total = total.checked_add(coins)?;
            }
            if total != input.1 {
                return Err(errors::input_output_mismatch(format!(
                    "sum inputs != sum outputs: {} vs {total}",
                    input.1
                )));
            }
            Ok(BankMsg::MultiSend { input, outputs })
        }
        other => Err(sdk::unknown_request(format!("bank handles no message {other}"))),
    }
}

pub(crate) fn signers(msg: &BankMsg) -> Vec<Address> {
    match msg {
        BankMsg::Send { from, .. } => vec![from.clone()],
        BankMsg::MultiSend { input, .. } => vec![input.0.clone()],
    }
}

pub(crate) fn deliver(keeper: &BankKeeper, ctx: &mut Context<'_>, msg: &BankMsg) -> Result<MsgResponse, Error> {
    match msg {
        BankMsg::Send { from, to, amount } => {
            keeper.ensure_send_enabled(ctx, amount)?;
            keeper.send(ctx, from, to, amount)?;
            Ok(MsgResponse {
                type_url: format!("/{}", MsgSendResponse::full_name()),
                value: MsgSendResponse {}.encode_to_vec(),
            })
        }
        BankMsg::MultiSend { input: (from, total), outputs } => {
            keeper.ensure_send_enabled(ctx, total)?;
            keeper.subtract(ctx, from, total)?;
            ctx.emit(events::message_sender(from));
            for (to, coins) in outputs {
                keeper.add(ctx, to, coins)?;
                keeper.ensure_account(ctx, to)?;
                ctx.emit(events::transfer(to, from, coins));
            }
            Ok(MsgResponse {
                type_url: format!("/{}", MsgMultiSendResponse::full_name()),
                value: MsgMultiSendResponse {}.encode_to_vec(),
            })
        }
    }
}
