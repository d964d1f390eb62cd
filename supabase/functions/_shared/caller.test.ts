import { deepStrictEqual as assertEquals, rejects as assertRejects, throws as assertThrows } from "node:assert/strict";
import { asCaller, literal, sqlText } from "./caller.ts";
import { connect } from "./db.ts";
import { databaseUnavailable } from "./http.ts";
import { env } from "./testing.ts";

/** A pool of one connection, so each call reuses what the one before it left behind. */
function onePool() {
  return connect(env("SUPABASE_DB_URL"), { max: 1 });
}

Deno.test("asCaller runs the query under the JWT's role, with its claims and the settings given", async () => {
  const sql = onePool();
  try {
    const [row] = await asCaller(sql, { role: "authenticated", sub: "00000000-0000-4000-8000-000000000001" },
      "select current_user as who, auth.uid()::text as uid, current_setting('request.method') as method", { settings: { "request.method": "GET" } });
    assertEquals(row, { who: "authenticated", uid: "00000000-0000-4000-8000-000000000001", method: "GET" });
    const [after] = await sql`select current_user as who, current_setting('request.jwt.claims', true) as claims`;
    assertEquals(after, { who: "postgres", claims: "" }, "role and claims end with the call's transaction");
  } finally {
    await sql.end();
  }
});

Deno.test("asCaller: a failed query rolls back what it did, and the connection is clean for the next call", async () => {
  const sql = onePool();
  try {
    await assertRejects(asCaller(sql, { role: "anon" }, "select set_config('caller_test.kept', 'yes', false), 1 / 0"), { code: "22012" });
    const [row] = await asCaller(sql, { role: "anon" }, "select current_setting('caller_test.kept', true) as kept");
    assertEquals(row, { kept: null }, "even a session-level setting made in the failed call is undone");
  } finally {
    await sql.end();
  }
});

Deno.test("asCaller: readOnly refuses a write (25006)", async () => {
  const sql = onePool();
  try {
    await assertRejects(asCaller(sql, { role: "service_role" }, "create temp table t (x int)", { readOnly: true }), { code: "25006" });
  } finally {
    await sql.end();
  }
});

Deno.test("asCaller refuses a role the API does not know", async () => {
  await assertRejects(asCaller(onePool(), { role: "postgres" }, "select 1"), { status: 403 });
});

Deno.test("sqlText inlines values as literals that read back exactly, whatever they hold", async () => {
  const sql = onePool();
  const values = ["", "it's", "'; drop table public.fragrances; --", "back\\slash \\' \\\\", "E'\\x'", "$1 $$ $tag$", "line\nbreak\ttab",
    "Eau de Parfum N°5 — 香水 🌹", "\u2028\u00a0"];
  try {
    for (const v of values) {
      const [row] = await asCaller(sql, { role: "anon" }, sqlText`select ${v}::text as v, ${v.length}::int as n`);
      assertEquals(row, { v, n: v.length });
    }
    await sql`set standard_conforming_strings = off`; // literals must not depend on it
    const [row] = await sql.unsafe(sqlText`select ${values[3]}::text as v`);
    assertEquals(row.v, values[3]);
  } finally {
    await sql.end();
  }
});

Deno.test("literal: numbers, booleans and null as themselves; NUL, infinities and objects refused", () => {
  assertEquals([literal(null), literal(undefined), literal(true), literal(-2.5), literal(1e21)], ["null", "null", "true", "-2.5", "1e+21"]);
  assertThrows(() => literal("a\0b"), { status: 400 });
  assertThrows(() => literal(Infinity), { status: 400 });
  assertThrows(() => literal(NaN), { status: 400 });
  assertThrows(() => literal({ a: 1 }), TypeError);
});

Deno.test("asCaller: the database ending the connection under a call is an outage; the process and the pool live on", async () => {
  const sql = onePool();
  const admin = connect(env("SUPABASE_DB_URL"), { max: 1 });
  try {
    const tag = `caller-test-${crypto.randomUUID()}`;
    const call = asCaller(sql, { role: "anon" }, `select pg_sleep(5) -- ${tag}`);
    let killed = 0;
    for (let i = 0; i < 50 && !killed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      [{ killed }] = await admin`select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
                                 where query like ${`%${tag}%`} and pid <> pg_backend_pid()`;
    }
    assertEquals(killed, 1, "the call's backend was found and ended");
    const err = await call.then(() => null, (e) => e);
    assertEquals(databaseUnavailable(err), true, `an outage (503), got ${err?.code}: ${err?.message}`);
    // postgres-js 3.4.9 crashed the process, or stranded the pool, after a reserved connection died.
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) answers.push(await asCaller(sql, { role: "anon" }, "select 1 as ok").then(([r]) => r.ok, (e) => e.code));
    assertEquals(answers.slice(-2), [1, 1], `the pool reconnects and answers: ${answers.join(", ")}`);
  } finally {
    await Promise.all([sql.end(), admin.end()]);
  }
});
