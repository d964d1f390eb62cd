#!/usr/bin/env node
// `npm run bench:search [-- --fragrances N --queries Q]`: hybrid search at scale.
// On a throwaway cluster with the seed plus N generated fragrances, writes
// synthetic embeddings clustered like real ones (around the centroids of each
// fragrance's family and main accords, plus noise), then measures: HNSW build
// time and index size; recall@10 of the index against exact search, and the
// latency of both (exact search is the baseline); p50/p95 of
// public.search_fragrances unfiltered and with a selective filter; the `search`
// edge function over HTTP: a cold query (the local model embeds it) and, on
// cached query embeddings, one client against 8 concurrent ones; recommend_for_me
// among --users users' collections (100k); and the local model's throughput on
// real documents. Ends with one JSON line.
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import * as db from "../stack/cluster.mjs";
import { DENO, DENO_CONFIG, startFunctionsFrom, stopFunctions } from "../stack/functions.mjs";
import { ANON_KEY } from "../stack/keys.mjs";
import { pct, r2, timed } from "./measure.mjs";

const { values } = parseArgs({
  options: {
    fragrances: { type: "string", default: "100000" }, queries: { type: "string", default: "200" },
    clients: { type: "string", default: "8" }, users: { type: "string", default: "100000" },
  },
});
const QUERIES = Number(values.queries);
const log = (msg) => console.error(`bench:search: ${msg}`);
const ms = (t0) => performance.now() - t0;

// Words people type, for the keyword half of each query.
const WORDS = ["fresh citrus", "vanilla", "oud", "rose", "leather", "sauvage", "aquatic", "woody amber", "iris", "tobacco",
  "green fig", "musk", "lavender", "cherry", "sandalwood", "incense", "bergamot", "patchouli", "honey", "tea"];

/** Synthetic embeddings: unit vectors near the centroids of the fragrance's family and two strongest accords. */
async function writeEmbeddings(sql) {
  await sql`create temporary table centroid as
    select kind, key, extensions.l2_normalize(array(select (random() * 2 - 1)::real from generate_series(1, 512) where key is not null)::extensions.vector) as v
    from (select 'family' as kind, slug as key from public.olfactive_families
          union all select 'accord', id::text from public.accords) k`;
  await sql`create temporary table noise as
    select n, extensions.l2_normalize(array(select (random() * 2 - 1)::real from generate_series(1, 512) where n is not null)::extensions.vector) as v
    from generate_series(0, 999) n`;
  const scale = (w) => sql.unsafe(`array_fill(${Number(w)}::real, array[512])::extensions.vector`);
  // Triggers off for the bulk write (facets are copied here instead of per row).
  await sql`alter table public.fragrance_embeddings disable trigger user`;
  await sql`
    insert into public.fragrance_embeddings (fragrance_id, model, content_hash, facets, embedding)
    select d.fragrance_id, 'use-lite-512', d.content_hash, d.facets,
           extensions.l2_normalize(fam.v * ${scale(1.0)} + coalesce(a1.v * ${scale(0.7)}, ${scale(0)}) + coalesce(a2.v * ${scale(0.4)}, ${scale(0)})
                                   + n1.v * ${scale(0.45)} + n2.v * ${scale(0.3)})
    from public.fragrance_documents d
    join public.fragrances f on f.id = d.fragrance_id
    join centroid fam on fam.kind = 'family' and fam.key = coalesce(f.family_slug, 'woody')
    left join lateral (select accord_id::text as k from public.fragrance_accords where fragrance_id = f.id order by strength desc, accord_id limit 1) t1 on true
    left join lateral (select accord_id::text as k from public.fragrance_accords where fragrance_id = f.id order by strength desc, accord_id offset 1 limit 1) t2 on true
    left join centroid a1 on a1.kind = 'accord' and a1.key = t1.k
    left join centroid a2 on a2.kind = 'accord' and a2.key = t2.k
    join noise n1 on n1.n = abs(hashtext(f.id::text)) % 1000
    join noise n2 on n2.n = abs(hashtext(f.slug)) % 1000
    on conflict (fragrance_id) do update set embedding = excluded.embedding, content_hash = excluded.content_hash, facets = excluded.facets`;
  await sql`alter table public.fragrance_embeddings enable trigger user`;
  await sql`delete from private.embedding_jobs`;
  // Query vectors: a family centroid plus one accord, plus fresh noise.
  return (await sql`
    select (extensions.l2_normalize(f.v + a.v * ${scale(0.7)} + n.v * ${scale(0.5)}))::text as v
    from generate_series(1, ${QUERIES}) i
    cross join lateral (select v from centroid where kind = 'family' and i > 0 order by random() limit 1) f
    cross join lateral (select v from centroid where kind = 'accord' and i > 0 order by random() limit 1) a
    cross join lateral (select v from noise where i > 0 order by random() limit 1) n`).map((r) => r.v);
}

/**
 * A filtered search's vector list (as search_fragrances builds it: sketches, exact or HNSW) against
 * the exact sort of the filter's rows (the baseline): recall@10 and p50 of each, over the given
 * query vectors. As the owner.
 */
async function filteredVectorList(sql, vectors, filters) {
  await sql`
    create or replace function pg_temp.vector_list(v extensions.vector, filters jsonb) returns uuid[] language plpgsql as $$
    declare
      t private.search_terms := private.search_terms('zzqx', v, 'use-lite-512', filters, 'EUR', 1, 20, 0, 0, 1, 20, 0, 0);
      ids uuid[];
    begin
      execute format('select array_agg(l.fragrance_id order by l.rnk) from (%s) l(fragrance_id, rnk)',
                     private.search_vector_sql(t, private.search_filter_sql(t))) into ids using t;
      return ids[1:10];
    end $$`;
  const [{ facets }] = await sql`select (private.search_terms('zzqx', null, null, ${sql.json(filters)}, 'EUR', 1, 20, 0, 0, 1, 20, 0, 0)).facets`;
  let found = 0;
  const listTimes = [];
  const exactTimes = [];
  for (const v of vectors) {
    let t0 = performance.now();
    const [{ got }] = await sql`select pg_temp.vector_list(${v}::extensions.vector, ${sql.json(filters)}) as got`;
    listTimes.push(ms(t0));
    t0 = performance.now();
    const truth = (await sql`
      select x.fragrance_id from public.fragrance_embeddings x where x.facets @> ${facets}::text[]
      order by extensions.cosine_distance(x.embedding, ${v}::extensions.vector), x.fragrance_id limit 60`).map((r) => r.fragrance_id);
    exactTimes.push(ms(t0));
    found += truth.slice(0, 10).filter((id) => got.includes(id)).length;
  }
  const list = r2(pct(listTimes, 50));
  const exact = r2(pct(exactTimes, 50));
  return { recall_at_10: r2(found / (10 * vectors.length)), list_p50_ms: list, exact_sort_p50_ms: exact, ratio: r2(list / exact) };
}

async function timeQueries(sql, queries, run) {
  const times = [];
  for (const [i, q] of queries.entries()) {
    const t0 = performance.now();
    await run(q, i);
    times.push(ms(t0));
  }
  return { p50_ms: r2(pct(times, 50)), p95_ms: r2(pct(times, 95)) };
}

function modelThroughput(dbUrl) {
  const r = spawnSync(DENO, ["run", "--allow-all", "--config", DENO_CONFIG, path.join(import.meta.dirname, "embed-throughput.ts")],
    { encoding: "utf8", env: { ...process.env, SUPABASE_DB_URL: dbUrl } });
  if (r.status !== 0) throw new Error(`model throughput run failed:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

/**
 * The `search` edge function over HTTP, as a frontend calls it (anon key): the first call (the
 * isolate loads the model), cold queries (texts never embedded: the model's time is in them), then
 * the cached texts by one client and by `clients` concurrent ones, each sending the same number.
 */
async function searchFunction(url, clients) {
  const call = async (q) => {
    const started = performance.now();
    const res = await fetch(url, {
      method: "POST", body: JSON.stringify({ q }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ANON_KEY}`, apikey: ANON_KEY },
    });
    const body = await res.json();
    if (res.status !== 200 || !Array.isArray(body.results)) throw new Error(`search answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    // Server-Timing: "prepare;dur=0.4, embed;dur=0.1, search;dur=25.0, log;dur=1.2"
    const stages = Object.fromEntries((res.headers.get("server-timing") ?? "").split(", ").map((p) => p.split(";dur=")).map(([k, v]) => [k, Number(v)]));
    return { ms: ms(started), cached: body.embedding_cached, stages };
  };
  const meanStages = (calls) => Object.fromEntries(Object.keys(calls[0].stages).map((k) => [k, r2(calls.reduce((a, c) => a + c.stages[k], 0) / calls.length)]));
  const first = await call("first call");
  const cold = [];
  for (const [i, w] of WORDS.entries()) cold.push(await call(`${w} perfume ${i}`));
  if (cold.some((c) => c.cached)) throw new Error("a cold query came from the embedding cache");
  for (const w of WORDS) await call(w);  // (cached from here on)
  const perClient = 50;
  const oneCalls = [];
  for (let i = 0; i < perClient * 2; i++) oneCalls.push(await call(WORDS[i % WORDS.length]));
  const one = oneCalls.map((c) => c.ms);
  const many = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, k) => {
    for (let i = 0; i < perClient; i++) many.push((await call(WORDS[(k * 7 + i) % WORDS.length])).ms);
  }));
  const seconds = ms(started) / 1000;
  const stats = (xs) => ({ p50_ms: r2(pct(xs, 50)), p95_ms: r2(pct(xs, 95)) });
  return {
    first_call_ms: r2(first.ms),
    cold: stats(cold.map((c) => c.ms)),
    cached_one_client: { ...stats(one), stages_mean_ms: meanStages(oneCalls) },
    cached_concurrent: { clients, ...stats(many), requests_per_s: r2(many.length / seconds) },
  };
}

/**
 * recommend_for_me at catalog scale, for four kinds of signed-in user: likes, a dislike and quiz
 * answers; likes only; quiz answers only (a family and notes); nothing yet (the cold start).
 * 10 calls each, as `authenticated` with the user's claims, as PostgREST calls it. First a
 * community of `users` with six collection entries each (two in five owned), written through the
 * triggers that keep the owner counts, and the cold start's baseline: counting the owned entries.
 */
async function recommendations(sql, users) {
  await sql`insert into auth.users (id, email, aud, role)
            select ('c0000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'member-' || i || '@example.com', 'authenticated', 'authenticated'
            from generate_series(1, ${users}::int) i`;
  await sql`insert into public.profiles (id) select ('c0000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid
            from generate_series(1, ${users}::int) i on conflict do nothing`;
  await sql`insert into public.collection_entries (user_id, fragrance_id, status)
            select distinct on (m.id, f.id) m.id, f.id, (array['owned', 'owned', 'wishlist', 'tried', 'disliked'])[1 + (m.i + j) % 5]::public.collection_status
            from (select ('c0000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid as id, i from generate_series(1, ${users}::int) i) m
            cross join generate_series(1, 6) j
            cross join lateral (select e.fragrance_id as id from public.fragrance_embeddings e
                                where e.fragrance_id >= md5(m.i || '-' || j)::uuid order by e.fragrance_id limit 1) f`;
  await sql`analyze public.collection_entries, private.fragrance_owners`;  // (as autovacuum would soon: planned with what they hold)
  const [{ entries }] = await sql`select count(*)::int as entries from public.collection_entries`;
  const counting = await timeQueries(sql, Array(10).fill(0), () => sql`
    select c.fragrance_id, count(*) from public.collection_entries c where c.status = 'owned' group by 1 order by 2 desc limit 10`);

  const kinds = { "likes, a dislike, answers": "b0000000-0000-0000-0000-000000000001", "likes only": "b0000000-0000-0000-0000-000000000002",
    "answers only": "b0000000-0000-0000-0000-000000000003", "cold start": "b0000000-0000-0000-0000-000000000004" };
  const ids = Object.values(kinds);
  await sql`insert into auth.users (id, email, aud, role)
            select id::uuid, 'bench-' || id || '@example.com', 'authenticated', 'authenticated' from unnest(${ids}::text[]) id`;
  await sql`insert into public.profiles (id) select id::uuid from unnest(${ids}::text[]) id on conflict do nothing`;
  await sql`insert into public.collection_entries (user_id, fragrance_id, status, rating)
            select u::uuid, e.fragrance_id, case when u = ${ids[0]} and e.n = 4 then 'disliked' else 'owned' end::public.collection_status, null
            from unnest(${ids.slice(0, 2)}::text[]) u
            cross join lateral (select fragrance_id, row_number() over (order by md5(fragrance_id::text || u)) as n
                                from public.fragrance_embeddings order by md5(fragrance_id::text || u) limit 4) e`;
  await sql`insert into public.onboarding_answers (user_id, step, answer)
            select u::uuid, s.step::public.onboarding_step, s.answer::jsonb from unnest(${[ids[0], ids[2]]}::text[]) u,
            (values ('families', '{"families": ["woody"]}'), ('notes', '{"notes": ["vanilla", "bergamot"]}')) s (step, answer)`;
  const out = {};
  for (const [kind, id] of Object.entries(kinds)) {
    out[kind] = await timeQueries(sql, Array(10).fill(id), (user) => sql.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, true)`;
      return tx`select * from public.recommend_for_me(10)`;
    }));
  }
  return { ...out, community: { users, entries, counting_owned_entries: counting, cold_start_vs_counting: Number((out["cold start"].p50_ms / counting.p50_ms).toPrecision(2)) } };
}

/**
 * Memory and workers for the HNSW build. The graph must fit in maintenance_work_mem, or pgvector
 * writes the rest of it to disk as it goes, many times slower (1M vectors with 1 GB: 2,521 s). A
 * 512-d vector with m 16 takes ~2.7 kB of graph; a quarter more for room, at most half the machine.
 * The leader builds too, so one worker per core besides it.
 */
function hnswBuildSettings(vectors) {
  const needMb = Math.ceil((vectors * 2.7 * 1.25) / 1024);
  return {
    maintenance_work_mem_mb: Math.min(Math.floor(os.totalmem() / 2 / 1048576), Math.max(1024, needMb)),
    parallel_workers: Math.max(0, os.availableParallelism() - 1),
  };
}

/** Issue 22's goals for a catalog of this size: p95 ≤ 10 / 20 ms at 100k, ≤ 25 / 40 ms at 1M. */
function searchGoal(fragrances) {
  const large = fragrances >= 1_000_000;
  return { unfiltered_p95_ms: large ? 25 : 10, filtered_p95_ms: large ? 40 : 20, recall_at_10: 0.95, function_concurrent_p95_ms: 50 };
}

async function main() {
  const { cluster: c, dispose } = await db.throwaway("scentmatch-bench-search", 54380);
  let fnPid;
  const notices = [];
  const sql = postgres(c.dbUrl, { max: 1, onnotice: (n) => notices.push(n.message) });
  try {
    log(`cluster on port ${c.port}; migrating and seeding`);
    db.pushMigrations(c);
    db.seed(c);
    log("local model throughput on the seed's documents");
    const model = modelThroughput(c.dbUrl);

    log(`generating ${Number(values.fragrances).toLocaleString("en")} fragrances (seed:scale)`);
    const gen = spawnSync(process.execPath, [path.join(db.ROOT, "scripts/seed-scale.mjs"), "--fragrances", values.fragrances, "--db-url", c.dbUrl],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (gen.status !== 0) throw new Error("seed:scale failed");

    log("writing clustered synthetic embeddings");
    await sql`drop index public.fragrance_embeddings_hnsw_idx`;
    let t0 = performance.now();
    const queryVectors = await writeEmbeddings(sql);
    const writeSeconds = ms(t0) / 1000;
    await sql`vacuum analyze`;

    log("building the HNSW index");
    const [{ vectors }] = await sql`select count(*)::int as vectors from public.fragrance_embeddings`;
    const build = hnswBuildSettings(vectors);
    await sql.unsafe(`set maintenance_work_mem = '${build.maintenance_work_mem_mb}MB'`);
    await sql.unsafe(`set max_parallel_maintenance_workers = ${build.parallel_workers}`);
    notices.length = 0;
    t0 = performance.now();
    await sql`create index fragrance_embeddings_hnsw_idx on public.fragrance_embeddings
              using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)`;
    const buildSeconds = ms(t0) / 1000;
    build.graph_fit_in_memory = !notices.some((m) => /no longer fits/.test(m));
    log(`built in ${r2(buildSeconds)} s (graph ${build.graph_fit_in_memory ? "fit" : "did not fit"} in ${build.maintenance_work_mem_mb} MB)`);
    const [{ size }] = await sql`select pg_relation_size('public.fragrance_embeddings_hnsw_idx') as size`;

    log("recall@10 of the index against exact search");
    // Two query texts on purpose: postgres-js prepares statements, and a cached
    // plan would ignore enable_indexscan (so "exact" would be the index again).
    const knn = (v, exact) => sql.begin(async (tx) => {
      await tx`set local hnsw.ef_search = 100`;
      if (exact) {
        await tx`set local enable_indexscan = off`;
        return (await tx`select /* exact */ fragrance_id from public.fragrance_embeddings order by embedding <=> ${v}::extensions.vector limit 10`)
          .map((r) => r.fragrance_id);
      }
      return (await tx`select fragrance_id from public.fragrance_embeddings order by embedding <=> ${v}::extensions.vector limit 10`)
        .map((r) => r.fragrance_id);
    });
    let found = 0;
    const exactTimes = [];
    const annTimes = [];
    for (const v of queryVectors.slice(0, 100)) {
      let s = performance.now();
      const truth = await knn(v, true);
      exactTimes.push(ms(s));
      s = performance.now();
      const approx = new Set(await knn(v, false));
      annTimes.push(ms(s));
      found += truth.filter((id) => approx.has(id)).length;
    }
    const recall = found / (10 * Math.min(100, queryVectors.length));

    log(`latency of search_fragrances over ${QUERIES} queries`);
    const search = (filters) => (v, i) => sql`
      select * from public.search_fragrances(q => ${WORDS[i % WORDS.length]}, query_embedding => ${v}::extensions.vector,
        embedding_model => 'use-lite-512', filters => ${sql.json(filters)})`;
    // As the frontend calls it: role anon, under RLS. Caches warmed once, as a running service has them.
    await sql`set role anon`;
    await timeQueries(sql, queryVectors.slice(0, 20), search({}));
    const unfiltered = await timeQueries(sql, queryVectors, search({}));
    const [{ brand, share }] = await sql`
      select b.slug as brand, round(count(*)::numeric / (select count(*) from public.fragrances), 4)::float as share
      from public.fragrances f join public.brands b on b.id = f.brand_id group by b.slug order by count(*) desc limit 1`;
    const [{ gshare }] = await sql`
      select round(count(*) filter (where gender = 'feminine' and family_slug = 'floral')::numeric / count(*), 4)::float as gshare from public.fragrances`;
    const byBrand = await timeQueries(sql, queryVectors, search({ brand }));
    const byGenderFamily = await timeQueries(sql, queryVectors, search({ gender: "feminine", family: "floral" }));
    const pageFull = await sql`
      select count(*)::int as n from public.search_fragrances(q => 'zzqx', query_embedding => ${queryVectors[0]}::extensions.vector,
        embedding_model => 'use-lite-512', filters => ${sql.json({ gender: "feminine", family: "floral" })}, keyword_weight => 0, trigram_weight => 0)`;

    await sql`reset role`;
    log("the filtered vector lists against the exact sort of the filter's rows");
    const filteredLists = {
      brand: await filteredVectorList(sql, queryVectors.slice(0, 30), { brand }),
      gender_family: await filteredVectorList(sql, queryVectors.slice(0, 30), { gender: "feminine", family: "floral" }),
    };
    await sql`set role anon`;

    log("similar_fragrances_live (uncached \"smells like\") and the cache fill the embed pipeline runs");
    const someFragrances = (await sql`select fragrance_id from public.fragrance_embeddings order by md5(fragrance_id::text) limit 30`)
      .map((r) => r.fragrance_id);
    const similarLive = await timeQueries(sql, someFragrances, (id) => sql`select * from public.similar_fragrances_live(${id}::uuid)`);
    await sql`reset role`;
    let filled = 0;
    const cacheFillS = (await timed(async () => {
      [{ filled }] = await sql`select private.refresh_similar_cache(50) as filled`;
    })) / 1000;
    const similar = { live: similarLive, cache_fill_per_s: r2(filled / cacheFillS) };
    log(`recommend_for_me for four kinds of user, among ${Number(values.users).toLocaleString("en")} users' collections`);
    const recommend = await recommendations(sql, Number(values.users));

    log(`the search function over HTTP: cold queries, then cached ones by 1 and by ${values.clients} concurrent clients`);
    let fnPort;
    ({ pid: fnPid, port: fnPort } = await startFunctionsFrom(c, 54391, path.join(c.dir, "functions.log")));
    const fn = await searchFunction(`http://127.0.0.1:${fnPort}/functions/v1/search`, Number(values.clients));

    const summary = {
      fragrances: vectors,
      embeddings_write_s: r2(writeSeconds),
      hnsw_build_s: r2(buildSeconds),
      hnsw_size_mb: r2(size / 1048576),
      hnsw_build: build,
      vector_recall_at_10: r2(recall),
      knn_exact_p50_ms: r2(pct(exactTimes, 50)),
      knn_hnsw_p50_ms: r2(pct(annTimes, 50)),
      knn_speedup_vs_exact: r2(pct(exactTimes, 50) / pct(annTimes, 50)),
      search_unfiltered: unfiltered,
      search_filtered_brand: { ...byBrand, filter_share: share },
      search_filtered_gender_family: { ...byGenderFamily, filter_share: gshare, vector_only_page_rows: pageFull[0].n },
      filtered_vector_lists: filteredLists,
      similar_fragrances: { ...similar, live_p50_vs_knn_p50: r2(similar.live.p50_ms / pct(annTimes, 50)) },
      recommend_for_me: recommend,
      model: model,
      search_function: fn,
      goal: searchGoal(vectors),
    };
    const g = summary.goal;
    summary.goal_met = unfiltered.p95_ms <= g.unfiltered_p95_ms && Math.max(byBrand.p95_ms, byGenderFamily.p95_ms) <= g.filtered_p95_ms &&
      Math.min(recall, filteredLists.brand.recall_at_10, filteredLists.gender_family.recall_at_10) >= g.recall_at_10 && fn.cached_concurrent.p95_ms <= g.function_concurrent_p95_ms;
    console.log(`HNSW over ${vectors.toLocaleString("en")} vectors: built in ${summary.hnsw_build_s} s, ${summary.hnsw_size_mb} MB ` +
      `(maintenance_work_mem ${build.maintenance_work_mem_mb} MB, ${build.parallel_workers} parallel workers, graph ${build.graph_fit_in_memory ? "fit in memory" : "did not fit in memory"})`);
    console.log(`vector recall@10 vs exact: ${summary.vector_recall_at_10}; kNN p50 ${summary.knn_hnsw_p50_ms} ms vs exact ${summary.knn_exact_p50_ms} ms (${summary.knn_speedup_vs_exact}x)`);
    console.log(`search_fragrances p50/p95: unfiltered ${unfiltered.p50_ms}/${unfiltered.p95_ms} ms; brand filter (${share}) ${byBrand.p50_ms}/${byBrand.p95_ms} ms; gender+family filter (${gshare}) ${byGenderFamily.p50_ms}/${byGenderFamily.p95_ms} ms`);
    console.log(`filtered vector list vs the exact sort of the filter's rows: ` + Object.entries(filteredLists).map(([k, f]) =>
      `${k} recall@10 ${f.recall_at_10}, p50 ${f.list_p50_ms} vs ${f.exact_sort_p50_ms} ms (${f.ratio}x)`).join("; "));
    console.log(`similar_fragrances_live p50/p95: ${similar.live.p50_ms}/${similar.live.p95_ms} ms ` +
      `(${summary.similar_fragrances.live_p50_vs_knn_p50}x the kNN alone); cache fill ${similar.cache_fill_per_s} fragrances/s`);
    const { community, ...byUser } = recommend;
    console.log(`recommend_for_me(10) p50/p95: ${Object.entries(byUser).map(([k, v]) => `${k} ${v.p50_ms}/${v.p95_ms} ms`).join("; ")}`);
    console.log(`among ${community.users.toLocaleString("en")} users' ${community.entries.toLocaleString("en")} collection entries: ` +
      `cold start p50 ${byUser["cold start"].p50_ms} ms vs counting the owned entries ${community.counting_owned_entries.p50_ms} ms (${community.cold_start_vs_counting}x)`);
    console.log(`local model: ${model.texts_per_second} texts/s (${model.texts} documents)`);
    console.log(`search function: first call ${fn.first_call_ms} ms; cold query p50/p95 ${fn.cold.p50_ms}/${fn.cold.p95_ms} ms; ` +
      `cached, 1 client ${fn.cached_one_client.p50_ms}/${fn.cached_one_client.p95_ms} ms (stages, mean ms: ${JSON.stringify(fn.cached_one_client.stages_mean_ms)}); ` +
      `${fn.cached_concurrent.clients} clients ${fn.cached_concurrent.p50_ms}/${fn.cached_concurrent.p95_ms} ms, ${fn.cached_concurrent.requests_per_s} requests/s ` +
      `(p95 ${r2(fn.cached_concurrent.p95_ms / fn.cached_one_client.p95_ms)}x one client's)`);
    console.log(`goals at this size (p95 ≤ ${g.unfiltered_p95_ms} ms unfiltered, ≤ ${g.filtered_p95_ms} ms filtered, recall ≥ ${g.recall_at_10}, ` +
      `function with ${fn.cached_concurrent.clients} clients ≤ ${g.function_concurrent_p95_ms} ms): ${summary.goal_met ? "met" : "not met"}`);
    console.log(JSON.stringify(summary));
  } finally {
    await sql.end();
    stopFunctions(fnPid);
    if (!process.env.BENCH_KEEP) dispose();
    else log(`kept cluster at ${c.dbUrl}`);
  }
}

main().catch((err) => {
  console.error(`bench:search: ${err.stack ?? err}`);
  process.exit(1);
});
