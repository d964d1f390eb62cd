import { deepStrictEqual as assertEquals, match } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { handler, healthHandler } from "./index.ts";

Deno.test("health reports database connectivity and versions", async () => {
  const res = await handler(new Request("http://x/functions/v1/health"));
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.status, "ok");
  assertEquals(body.database.connected, true);
  match(body.database.postgres, /^15\./);
  match(body.database.pgvector, /^0\.(8|9)\./);
});

Deno.test("health answers 503 without leaking the connection string when the database is down", async () => {
  const url = env("SUPABASE_DB_URL").replace(/:\d+\//, ":1/"); // nothing listens on port 1
  const sql = connect(url, { connect_timeout: 2 });
  const orig = console.error;
  console.error = () => {};
  try {
    const res = await healthHandler(() => sql)(new Request("http://x/functions/v1/health"));
    assertEquals(res.status, 503);
    const text = await res.text();
    assertEquals(JSON.parse(text).database.connected, false);
    assertEquals(text.includes("postgres:"), false);
  } finally {
    console.error = orig;
    await sql.end();
  }
});

Deno.test("health rejects POST with 405", async () => {
  const res = await handler(new Request("http://x/functions/v1/health", { method: "POST" }));
  assertEquals(res.status, 405);
  await res.body?.cancel();
});

Deno.test("GET /functions/v1/health over HTTP with the anon key", async () => {
  const res = await callFunction("health", { token: await tokenFor("anon") });
  assertEquals(res.status, 200);
  assertEquals((await res.json()).database.connected, true);
});

Deno.test("GET /functions/v1/health over HTTP without a JWT is 401", async () => {
  const res = await callFunction("health");
  assertEquals(res.status, 401);
  assertEquals((await res.json()).error.code, "unauthorized");
});

Deno.test("GET /functions/v1/health over HTTP with an expired JWT is 401", async () => {
  const res = await callFunction("health", { token: await tokenFor("anon", undefined, -60) });
  assertEquals(res.status, 401);
  await res.body?.cancel();
});
