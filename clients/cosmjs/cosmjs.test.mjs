// CosmJS 0.39 against a running Veritas chain. The chain is started by the Rust
// test app/tests/e2e_cosmjs.rs, which passes its RPC address and a funded mnemonic.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { DirectSecp256k1HdWallet, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

/// `veritas.zkverify.v1.MsgRegisterVerifyingKey { string creator = 1; bytes vk = 2; }`,
/// as a CosmJS user would register a chain's own message type.
const MsgRegisterVerifyingKey = {
  encode(message, writer = BinaryWriter.create()) {
    if (message.creator) writer.uint32(10).string(message.creator);
    if (message.vk && message.vk.length) writer.uint32(18).bytes(message.vk);
    return writer;
  },
  decode(input) {
    const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
    const message = { creator: "", vk: new Uint8Array() };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) message.creator = reader.string();
      else if (tag >>> 3 === 2) message.vk = reader.bytes();
      else reader.skipType(tag & 7);
    }
    return message;
  },
  fromPartial(object) {
    return { creator: object.creator ?? "", vk: object.vk ?? new Uint8Array() };
  },
};
const REGISTER_VK = "/veritas.zkverify.v1.MsgRegisterVerifyingKey";

// The chain as a wallet learns it: the Keplr document `veritasd chain-info` writes.
const chainInfo = JSON.parse(readFileSync(process.env.VERITAS_CHAIN_INFO, "utf8"));
const rpc = chainInfo.rpc;
const prefix = chainInfo.bech32Config.bech32PrefixAccAddr;
const feeCurrency = chainInfo.feeCurrencies[0];
const denom = feeCurrency.coinMinimalDenom;
const gasPrice = GasPrice.fromString(`${feeCurrency.gasPriceStep.average}${denom}`);
const mnemonic = process.env.VERITAS_MNEMONIC;
const funds = BigInt(process.env.VERITAS_FUNDS ?? "0");

test("CosmJS reads and writes Veritas state", { timeout: 120_000 }, async () => {
  assert.ok(rpc && mnemonic, "VERITAS_CHAIN_INFO and VERITAS_MNEMONIC must be set");
  assert.equal(feeCurrency.coinDecimals, 6);
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix });
  const [sender] = await wallet.getAccounts();
  const registry = new Registry([...defaultRegistryTypes, [REGISTER_VK, MsgRegisterVerifyingKey]]);
  const client = await SigningStargateClient.connectWithSigner(rpc, wallet, {
    gasPrice,
    registry,
  });

  // Queries.
  const balance = await client.getBalance(sender.address, denom);
  assert.equal(balance.denom, denom);
  assert.equal(BigInt(balance.amount), funds);
  const all = await client.getAllBalances(sender.address);
  assert.deepEqual(all.map((c) => c.denom), ["stake", "uvrt"]);
  const account = await client.getAccount(sender.address);
  assert.equal(account.address, sender.address);
  assert.equal(account.sequence, 0);

  const stranger = (await (await DirectSecp256k1HdWallet.generate(24, { prefix })).getAccounts())[0];
  assert.equal(await client.getAccount(stranger.address), null);

  // A send with a fixed fee.
  const fee = { amount: [{ denom: "uvrt", amount: "5000" }], gas: "200000" };
  const fixed = await client.sendTokens(sender.address, stranger.address, [{ denom: "uvrt", amount: "1234" }], fee, "fixed fee");
  assert.equal(fixed.code, 0, fixed.rawLog);
  assert.ok(fixed.height > 0);
  assert.ok(fixed.gasUsed > 0n && fixed.gasUsed <= 200000n);
  assert.ok(fixed.events.some((e) => e.type === "transfer"));

  // A send with "auto" fee: simulation, then gas × 1.4 at the client's gas price.
  const auto = await client.sendTokens(sender.address, stranger.address, [{ denom: "uvrt", amount: "1000" }], "auto");
  assert.equal(auto.code, 0, auto.rawLog);

  const found = await client.getTx(fixed.transactionHash);
  assert.equal(found.code, 0);
  assert.equal(found.height, fixed.height);
  assert.equal(found.hash, fixed.transactionHash);

  // Messages whose CheckTx runs a handler with a response, through CosmJS' own
  // signAndBroadcast (which decodes the CheckTx answer): a MultiSend and a zkverify key.
  const coin = (amount) => [{ denom: "uvrt", amount }];
  const multi = await client.signAndBroadcast(
    sender.address,
    [{
      typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
      value: {
        inputs: [{ address: sender.address, coins: coin("30") }],
        outputs: [{ address: stranger.address, coins: coin("10") }, { address: sender.address, coins: coin("20") }],
      },
    }],
    fee,
  );
  assert.equal(multi.code, 0, multi.rawLog);
  const vk = Uint8Array.from(Buffer.from(process.env.VERITAS_VK_HEX, "hex"));
  const registered = await client.signAndBroadcast(
    sender.address,
    [{ typeUrl: REGISTER_VK, value: { creator: sender.address, vk } }],
    "auto",
  );
  assert.equal(registered.code, 0, registered.rawLog);
  const vkEvent = registered.events.find((e) => e.type === "register_verifying_key");
  assert.ok(vkEvent, JSON.stringify(registered.events));
  assert.equal(vkEvent.attributes.find((a) => a.key === "vk_id").value, process.env.VERITAS_VK_ID);

  // An ICS-20 transfer over a channel this chain does not have: refused at broadcast with
  // ibc's code, as CosmJS reports any refusal.
  await assert.rejects(
    client.signAndBroadcast(
      sender.address,
      [{
        typeUrl: "/ibc.applications.transfer.v1.MsgTransfer",
        value: {
          sourcePort: "transfer",
          sourceChannel: "channel-7",
          token: { denom: "uvrt", amount: "5" },
          sender: sender.address,
          receiver: "cosmos1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du",
          timeoutTimestamp: BigInt(Date.now() + 600_000) * 1_000_000n,
        },
      }],
      fee,
    ),
    /codespace: ibc/,
  );

  const received = await client.getBalance(stranger.address, "uvrt");
  assert.equal(received.amount, "2244");
  const strangerAccount = await client.getAccount(stranger.address);
  assert.equal(strangerAccount.address, stranger.address);
  assert.equal((await client.getAccount(sender.address)).sequence, 4);

  // Spending more than the balance is refused with a non-zero code.
  const tooMuch = [{ denom: "uvrt", amount: (funds * 10n).toString() }];
  let code;
  try {
    const result = await client.sendTokens(sender.address, stranger.address, tooMuch, fee);
    code = result.code;
  } catch (err) {
    const match = /code (\d+)/.exec(String(err.message));
    code = match ? Number(match[1]) : -1;
    assert.match(String(err.message), /insufficient funds/);
  }
  assert.ok(code !== 0 && code !== undefined, `overspend must fail, got code ${code}`);

  const reader = await StargateClient.connect(rpc);
  assert.equal(await reader.getChainId(), chainInfo.chainId);
  reader.disconnect();
  client.disconnect();
});
