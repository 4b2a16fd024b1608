// CosmJS 0.39 against a running Veritas chain. The chain is started by the Rust
// test app/tests/e2e_cosmjs.rs, which passes its RPC address and a funded mnemonic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";

const rpc = process.env.VERITAS_RPC;
const mnemonic = process.env.VERITAS_MNEMONIC;
const funds = BigInt(process.env.VERITAS_FUNDS ?? "0");

test("CosmJS reads and writes Veritas state", { timeout: 120_000 }, async () => {
  assert.ok(rpc && mnemonic, "VERITAS_RPC and VERITAS_MNEMONIC must be set");
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "veritas" });
  const [sender] = await wallet.getAccounts();
  const client = await SigningStargateClient.connectWithSigner(rpc, wallet, {
    gasPrice: GasPrice.fromString("0.025uvrt"),
  });

  // Queries.
  const balance = await client.getBalance(sender.address, "uvrt");
  assert.equal(balance.denom, "uvrt");
  assert.equal(BigInt(balance.amount), funds);
  const all = await client.getAllBalances(sender.address);
  assert.deepEqual(all.map((c) => c.denom), ["stake", "uvrt"]);
  const account = await client.getAccount(sender.address);
  assert.equal(account.address, sender.address);
  assert.equal(account.sequence, 0);

  const stranger = (await (await DirectSecp256k1HdWallet.generate(24, { prefix: "veritas" })).getAccounts())[0];
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

  const received = await client.getBalance(stranger.address, "uvrt");
  assert.equal(received.amount, "2234");
  const strangerAccount = await client.getAccount(stranger.address);
  assert.equal(strangerAccount.address, stranger.address);
  assert.equal((await client.getAccount(sender.address)).sequence, 2);

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
  assert.equal(await reader.getChainId(), process.env.VERITAS_CHAIN_ID);
  reader.disconnect();
  client.disconnect();
});
