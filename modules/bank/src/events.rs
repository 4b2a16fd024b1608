//! Events with the Cosmos SDK's types and attribute keys, so indexers and CosmJS read them.
use veritas_framework::{Address, Coins, Event};

/// What wallets and explorers search by: who sent to whom. Amounts and the per-move
/// `coin_spent`/`coin_received` pairs (the same addresses again) are not indexed.
pub const INDEXED: &[&str] = &["transfer.sender", "transfer.recipient"];

pub fn coin_spent(spender: &Address, amount: &Coins) -> Event {
    Event::new("coin_spent").attr("spender", spender.to_bech32()).attr("amount", amount.to_string())
}

pub fn coin_received(receiver: &Address, amount: &Coins) -> Event {
    Event::new("coin_received").attr("receiver", receiver.to_bech32()).attr("amount", amount.to_string())
}

pub fn transfer(recipient: &Address, sender: &Address, amount: &Coins) -> Event {
    Event::new("transfer")
        .attr("recipient", recipient.to_bech32())
        .attr("sender", sender.to_bech32())
        .attr("amount", amount.to_string())
}

pub fn message_sender(sender: &Address) -> Event {
    Event::new("message").attr("sender", sender.to_bech32())
}
