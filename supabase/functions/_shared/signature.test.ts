import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { sha256Hex, sign, verify } from "./signature.ts";

const body = new TextEncoder().encode('{"offers":[]}');
const secret = "whsec_dev_test-shop";
const now = 1_800_000_000;

Deno.test("verify accepts a signature made with the secret", async () => {
  assertEquals(await verify(await sign(body, secret, now), body, [secret], now), { ok: true, timestamp: now });
});

Deno.test("verify rejects another secret, a changed body, and a tampered signature", async () => {
  const header = await sign(body, secret, now);
  assertEquals((await verify(header, body, ["whsec_other_secret_x"], now)).ok, false);
  assertEquals((await verify(header, new TextEncoder().encode('{"offers":[1]}'), [secret], now)).ok, false);
  const tampered = header.replace(/v1=(.)/, (_, c) => `v1=${c === "0" ? "1" : "0"}`);
  assertEquals(await verify(tampered, body, [secret], now), { ok: false, reason: "signature does not match" });
});

Deno.test("verify rejects timestamps more than 5 minutes away (replays)", async () => {
  const old = await sign(body, secret, now - 301);
  assertEquals(await verify(old, body, [secret], now), { ok: false, reason: "signature timestamp is more than 5 minutes from now" });
  const future = await sign(body, secret, now + 301);
  assertEquals((await verify(future, body, [secret], now)).ok, false);
  assertEquals((await verify(await sign(body, secret, now - 299), body, [secret], now)).ok, true);
});

Deno.test("verify rejects missing and malformed headers", async () => {
  assertEquals((await verify(null, body, [secret], now)).ok, false);
  for (const h of ["", "t=1", "v1=abcd", `t=${now},v1=xyz`, `t=abc,v1=abcd`, `t=${now},v1=abc`]) {
    assertEquals((await verify(h, body, [secret], now)).ok, false, h);
  }
});

Deno.test("verify accepts the previous secret during rotation", async () => {
  assertEquals((await verify(await sign(body, "whsec_old_secret_01", now), body, [secret, "whsec_old_secret_01"], now)).ok, true);
});

Deno.test("sha256Hex is the hex digest of the raw bytes", async () => {
  assertEquals(await sha256Hex(new TextEncoder().encode("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});
