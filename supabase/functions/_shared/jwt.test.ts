import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { bearerToken, signJwt, verifyJwt } from "./jwt.ts";

const secret = "test-secret-with-at-least-32-characters!!";

Deno.test("verifyJwt returns the claims of a token signed with the secret", async () => {
  const token = await signJwt({ role: "authenticated", sub: "u1" }, secret);
  assertEquals(await verifyJwt(token, secret), { role: "authenticated", sub: "u1" });
});

Deno.test("verifyJwt rejects a token signed with another secret", async () => {
  const token = await signJwt({ role: "service_role" }, "another-secret-with-at-least-32-characters");
  assertEquals(await verifyJwt(token, secret), null);
});

Deno.test("verifyJwt rejects an expired token", async () => {
  const token = await signJwt({ role: "anon", exp: 1000 }, secret);
  assertEquals(await verifyJwt(token, secret, 2000), null);
});

Deno.test("verifyJwt rejects alg none and tampered payloads", async () => {
  const token = await signJwt({ role: "anon" }, secret);
  const [, body, sig] = token.split(".");
  const none = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
  assertEquals(await verifyJwt(`${none}.${body}.`, secret), null);
  const forged = btoa(JSON.stringify({ role: "service_role" })).replace(/=+$/, "");
  assertEquals(await verifyJwt(`${token.split(".")[0]}.${forged}.${sig}`, secret), null);
});

Deno.test("verifyJwt returns null for garbage", async () => {
  assertEquals(await verifyJwt("not-a-jwt", secret), null);
  assertEquals(await verifyJwt("a.b.c", secret), null);
});

Deno.test("bearerToken reads the Authorization header", () => {
  assertEquals(bearerToken(new Request("http://x", { headers: { Authorization: "Bearer abc.def.ghi" } })), "abc.def.ghi");
  assertEquals(bearerToken(new Request("http://x", { headers: { Authorization: "Basic abc" } })), null);
  assertEquals(bearerToken(new Request("http://x")), null);
});
