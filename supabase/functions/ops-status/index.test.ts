import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { type OpsItem, worst } from "./index.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const get = async (token?: string) => await callFunction("ops-status", { token });
const item = (items: OpsItem[], name: string) => items.find((i) => i.item === name)!;

Deno.test("ops-status: only the service role may call it", async () => {
  const none = await get();
  assertEquals(none.status, 401);
  await none.body?.cancel();
  for (const role of ["anon", "authenticated"] as const) {
    const res = await get(await tokenFor(role, role === "authenticated" ? crypto.randomUUID() : undefined));
    assertEquals([res.status, (await res.json()).error.code], [403, "forbidden"], role);
  }
});

Deno.test("ops-status: every item with its status, and the worst as the overall status", async () => {
  const res = await get(await tokenFor("service_role"));
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.items.map((i: OpsItem) => i.item), [
    "embedding_queue", "dead_letter", "freshness", "cron", "pipelines", "materialized_views", "data_quality",
    "slow_queries", "connections", "database_size", "embeddings", "price_anomalies", "notifications",
  ]);
  ok(body.items.every((i: OpsItem) => ["ok", "warn", "critical"].includes(i.status) && i.summary.length > 0));
  assertEquals(body.status, worst(body.items));
  ok(item(body.items, "connections").details.in_use as number >= 1, "figures come with the status");
});

Deno.test("ops-status: a dead-lettered job turns dead_letter warn over HTTP", async () => {
  const [doc] = await sql`select fragrance_id, content_hash from public.fragrance_documents order by fragrance_id limit 1`;
  const [saved] = await sql`select * from private.embedding_jobs where fragrance_id = ${doc.fragrance_id}`;
  await sql`insert into private.embedding_jobs (fragrance_id, content_hash, status, last_error)
            values (${doc.fragrance_id}, ${doc.content_hash}, 'dead', 'planted by ops-status test')
            on conflict (fragrance_id) do update set status = 'dead', last_error = excluded.last_error`;
  try {
    const body = await (await get(await tokenFor("service_role"))).json();
    const dead = item(body.items, "dead_letter");
    assertEquals(dead.status, "warn");
    ok((dead.details.last_errors as string[]).includes("planted by ops-status test"));
    ok(body.status !== "ok");
  } finally {
    if (saved) {
      await sql`update private.embedding_jobs set status = ${saved.status}, last_error = ${saved.last_error} where fragrance_id = ${doc.fragrance_id}`;
    } else await sql`delete from private.embedding_jobs where fragrance_id = ${doc.fragrance_id}`;
  }
});

Deno.test("worst: critical beats warn beats ok; no items is ok", () => {
  const at = (status: OpsItem["status"]): OpsItem => ({ item: status, status, summary: "", details: {} });
  assertEquals(worst([]), "ok");
  assertEquals(worst([at("ok"), at("warn")]), "warn");
  assertEquals(worst([at("warn"), at("critical"), at("ok")]), "critical");
});
