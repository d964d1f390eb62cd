import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { type EmbeddingProvider, LocalProvider } from "../_shared/embeddings/mod.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { processQueue } from "./index.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 });
const local = new LocalProvider();
const progress = async () => (await sql`select * from private.embedding_progress()`)[0];

/** Test fragrances (Dior, EDT) whose documents land in the queue; removed by the returned function. */
async function fragrances(n: number): Promise<{ ids: string[]; drop: () => Promise<void> }> {
  const tag = `embed-test-${crypto.randomUUID().slice(0, 8)}`;
  const rows = await sql`
    insert into public.fragrances (brand_id, slug, name, concentration, description)
    select b.id, ${tag} || '-' || i, 'Embed Test ' || ${tag} || ' ' || i, 'edt', 'A test fragrance of vetiver and grapefruit.'
    from public.brands b, generate_series(1, ${n}) i where b.slug = 'dior'
    returning id`;
  const ids = rows.map((r) => r.id as string);
  return { ids, drop: async () => void await sql`delete from public.fragrances where id = any(${ids}::uuid[])` };
}

const failing = (error: () => Promise<number[][]>): EmbeddingProvider => ({ model: local.model, dimension: 512, embed: error });

Deno.test("embed: only the service role may call it", async () => {
  const anon = await callFunction("embed", { method: "POST", body: "{}", token: await tokenFor("anon") });
  assertEquals([anon.status, (await anon.json()).error.code], [403, "forbidden"]);
  const none = await callFunction("embed", { method: "POST", body: "{}" });
  assertEquals(none.status, 401);
  await none.body?.cancel();
});

Deno.test("embed: the function works the queue to empty and fills the similar cache", async () => {
  const res = await callFunction("embed", { method: "POST", body: "{}", token: await tokenFor("service_role") });
  const report = await res.json();
  assertEquals(res.status, 200);
  assertEquals(report.failed, 0);
  const p = await progress();
  assertEquals([p.queued, p.current], [0, p.documents], "every document has a current embedding");
  const [{ missing }] = await sql`
    select count(*)::int as missing from public.fragrance_embeddings e
    where not exists (select 1 from public.similar_fragrances_cache c where c.fragrance_id = e.fragrance_id)`;
  assertEquals(missing, 0, "every embedded fragrance has cached neighbours");
  const again = await (await callFunction("embed", { method: "POST", body: "{}", token: await tokenFor("service_role") })).json();
  assertEquals(again.claimed, 0, "nothing is embedded twice");
});

Deno.test("embed: provider failures (error, timeout, malformed answer) leave the jobs retryable and write nothing", async () => {
  await processQueue(sql, local);
  const { ids, drop } = await fragrances(1);
  try {
    const failures = [
      failing(() => Promise.reject(new Error("provider answered 503"))),
      failing(() => new Promise((_, reject) => setTimeout(() => reject(new Error("provider timed out")), 20))),
      failing(() => Promise.resolve([[1, 2, 3]])), // a vector of the wrong dimension
      failing(() => Promise.resolve([])), // no vectors at all
    ];
    for (const [i, provider] of failures.entries()) {
      await sql`update private.embedding_jobs set visible_at = now() where fragrance_id = ${ids[0]}`;
      const report = await processQueue(sql, provider);
      assertEquals([report.claimed, report.completed, report.failed, report.dead], [1, 0, 1, 0], `failure ${i}`);
      const [job] = await sql`select attempts, status, visible_at > now() as backing_off, last_error from private.embedding_jobs where fragrance_id = ${ids[0]}`;
      assertEquals([job.attempts, job.status, job.backing_off], [i + 1, "queued", true]);
      ok(job.last_error.length > 0);
      const [{ n }] = await sql`select count(*)::int as n from public.fragrance_embeddings where fragrance_id = ${ids[0]}`;
      assertEquals(n, 0, "nothing half-written");
    }
    await sql`update private.embedding_jobs set visible_at = now() where fragrance_id = ${ids[0]}`;
    const report = await processQueue(sql, local);
    assertEquals([report.completed, report.failed], [1, 0], "the job succeeds once the provider recovers");
  } finally {
    await drop();
  }
});

Deno.test("embed: every call that claims jobs records a pipeline run with its counts and error; idle calls record none", async () => {
  await processQueue(sql, local);
  const latest = async () => (await sql`
    select id, status, subject, rows_in::int, rows_out::int, rows_rejected::int, error
    from private.pipeline_runs where pipeline = 'embed' order by id desc limit 1`)[0];
  const idleBefore = (await latest())?.id ?? null;
  await processQueue(sql, local);
  assertEquals((await latest())?.id ?? null, idleBefore, "an idle call records nothing");
  const { ids, drop } = await fragrances(2);
  try {
    await processQueue(sql, failing(() => Promise.reject(new Error("provider answered 503"))));
    const failed = await latest();
    assertEquals([failed.status, failed.subject, failed.rows_in, failed.rows_out, failed.rows_rejected, failed.error],
      ["failed", local.model, 2, 0, 2, "provider answered 503"]);
    await sql`update private.embedding_jobs set visible_at = now() where fragrance_id = any(${ids}::uuid[])`;
    await processQueue(sql, local);
    const done = await latest();
    assertEquals([done.status, done.rows_in, done.rows_out, done.rows_rejected, done.error], ["succeeded", 2, 2, 0, null]);
  } finally {
    await drop();
  }
});

Deno.test("embed: concurrent workers never claim the same job (FOR UPDATE SKIP LOCKED)", async () => {
  await processQueue(sql, local);
  const { drop } = await fragrances(6);
  const a = await sql.reserve();
  try {
    await a`begin`;
    const first = await a`select job_id from private.claim_embedding_jobs(3, ${local.model})`;
    // Worker B must neither wait for A's locked rows nor take them.
    const second = await sql.begin(async (b) => {
      await b`set local lock_timeout = '2s'`;
      return await b`select job_id from private.claim_embedding_jobs(10, ${local.model})`;
    });
    await a`commit`;
    assertEquals([first.length, second.length], [3, 3]);
    const overlap = first.filter((j) => second.some((k) => k.job_id === j.job_id));
    assertEquals(overlap.length, 0);
  } finally {
    a.release();
    await drop();
  }
});

Deno.test("embed: two workers filling the similar cache at once both succeed, and each fragrance is filled once", async () => {
  const { ids, drop } = await fragrances(2);
  const [a, b] = [connect(env("SUPABASE_DB_URL"), { max: 1 }), connect(env("SUPABASE_DB_URL"), { max: 1 })];
  try {
    await processQueue(sql, local, { batchSize: 64 });
    await sql`delete from public.similar_fragrances_cache where fragrance_id = any(${ids}::uuid[])`;
    // the first worker fills and holds its transaction open; the second starts meanwhile and must wait, then skip
    let second: Promise<number> | undefined;
    await a.begin(async (tx) => {
      const [{ filled }] = await tx`select private.refresh_similar_cache(1000) as filled`;
      ok(filled >= 2, `the first worker filled ${filled}`);
      second = b`select private.refresh_similar_cache(1000) as filled`.then((r) => r[0].filled as number);
      await new Promise((r) => setTimeout(r, 300));  // (the second is now waiting on the first's rows)
    });
    assertEquals(await second, 0, "the second worker found them filled");
    const [{ n }] = await sql`
      select count(*)::int as n from (select fragrance_id, rank from public.similar_fragrances_cache
                                      where fragrance_id = any(${ids}::uuid[]) group by 1, 2 having count(*) > 1) d`;
    assertEquals(n, 0);
  } finally {
    await Promise.all([a.end(), b.end()]);
    await drop();
  }
});
