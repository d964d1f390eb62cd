#!/usr/bin/env node
// `npm run bench:prices [-- --observations N --days N --fragrances N]`: price history at scale. On a
// throwaway cluster with a scale catalog (seed:scale, default 100k fragrances), generates a year
// (--days, default 365) of daily observations of as many listings as N / days (default N = 10M; the
// issue-22 figure is 100M) in monthly partitions, in time order as feeds arrive, with the validity
// ranges of price_history and the current offers that the same prices give. Then measures, each
// against a baseline in the same run:
//   - price_history (a year, daily buckets) and best_offers, p50/p95 over 50 variants / fragrances,
//     against the same answers computed from the raw observations;
//   - deals (one offer in 25 is one), p50/p95 of the first page unfiltered, by family and by brand,
//     against reading the deals' offers alone;
//   - the price-facts pipeline after a day of new observations, against computing every day (what
//     refreshing the materialized views it replaced cost); dashboard_price_index p50/p95;
//   - the freshness job, and the rollup of the oldest month past the horizon (retention), against a
//     plain scan of what each reads.
// Ends with one JSON line. Goals (issue 22): price_history p95 <= 20 ms, best_offers p95 <= 10 ms,
// price facts <= 10 s, freshness and rollup <= 60 s each.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import * as db from "../stack/cluster.mjs";
import { pct, r2, timed } from "./measure.mjs";

const { values } = parseArgs({
  options: {
    observations: { type: "string", default: "10000000" },
    days: { type: "string", default: "365" },
    fragrances: { type: "string", default: "100000" },
  },
});
const OBSERVATIONS = Number(values.observations);
const DAYS = Number(values.days);
const log = (msg) => console.error(`bench:prices: ${msg}`);

/**
 * The price of listing n on day d is a function of both: each listing changes price every p days
 * (7 to 30, its own phase), to a level between 0.8 and 1.2 of its base price. Observations,
 * price_history ranges and current offers are all derived from it, so they agree.
 */
const PRICE = (n, segment) => `round((20 + (${n}::bigint * 7919) % 180) * (0.8 + ((${n}::bigint * 2654435761 + ${segment} * 40503) % 1000) / 2500.0), 2)`;
const PERIOD = (n) => `(7 + ${n} % 24)`;

/**
 * Loads the observations, history and offers. The rows are consistent by construction, so the load
 * runs as the superuser with foreign-key and other triggers off (session_replication_role = replica):
 * load speed is bench:ingest's subject, not this one's.
 */
async function generate(sql, listings) {
  await sql`set session_replication_role = replica`;
  await sql`set role postgres`; // what it creates (partitions, the bench's listing table) is the owner's, as in production
  // the scale catalog's listings (the seed's own have offers and history already)
  await sql`
    create table bench_listings as
    select l.id, l.retailer_id, l.variant_id, l.volume_ml, row_number() over (order by l.id)::int as n
    from public.retailer_listings l
    where l.status = 'matched' and l.volume_ml > 0 and not exists (select from public.current_offers o where o.listing_id = l.id)
    order by l.id limit ${listings}`;
  await sql`alter table bench_listings add primary key (n)`;
  await sql`analyze bench_listings`;
  const [{ count }] = await sql`select count(*)::int from bench_listings`;
  log(`${count.toLocaleString("en")} listings × ${DAYS} days = ${(count * DAYS).toLocaleString("en")} observations`);
  await sql`select private.ensure_monthly_partitions('private.price_observations', ${Math.ceil(DAYS / 28) + 1}::int, 1)`;
  const [{ retailer }] = await sql`select id as retailer from public.retailers order by slug limit 1`;
  const started = performance.now();
  for (let d = 0; d < DAYS; d++) {
    // one batch per day, observed during day d (d = 0 is DAYS days ago; the last is yesterday)
    const [{ batch }] = await sql`
      insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count, received_at)
      values (${retailer}, encode(sha256(${`bench-${d}`}::bytea), 'hex'), 'json', ${count}, current_date - ${DAYS - d}::int + interval '23 hours')
      returning id as batch`;
    await sql.unsafe(`
      insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock, anomaly)
      select b.id, ${batch}, b.n, current_date - ${DAYS - d} + make_interval(secs => b.n % 86400), p.price, 'EUR', p.price,
             round(p.price * 100 / b.volume_ml, 2), b.n % 50 <> ${d % 50}, case when (b.n + ${d}) % 997 = 0 then 'jump' end
      from bench_listings b, lateral (select ${PRICE("b.n", `(${d} + b.n % ${PERIOD("b.n")}) / ${PERIOD("b.n")}`)} as price) p`);
    if ((d + 1) % 30 === 0 || d === DAYS - 1) {
      const s = (performance.now() - started) / 1000;
      log(`  ${d + 1} days, ${Math.round(((d + 1) * count) / s).toLocaleString("en")} rows/s`);
    }
  }
  log("price_history ranges");
  // Segment s of listing n covers days [s p - phase, (s + 1) p - phase) ∩ [0, DAYS); the last is open.
  await sql.unsafe(`
    insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
    select b.id, p.price, 'EUR', p.price, true,
           tstzrange(current_date - ${DAYS} + greatest(0, s * ${PERIOD("b.n")} - b.n % ${PERIOD("b.n")}),
                     case when (s + 1) * ${PERIOD("b.n")} - b.n % ${PERIOD("b.n")} < ${DAYS}
                          then current_date - ${DAYS} + (s + 1) * ${PERIOD("b.n")} - b.n % ${PERIOD("b.n")} end)
    from bench_listings b,
         generate_series(0, (${DAYS - 1} + b.n % ${PERIOD("b.n")}) / ${PERIOD("b.n")}) s,
         lateral (select ${PRICE("b.n", "s")} as price) p`);
  log("current offers");
  // One offer in 25 is a deal (at its 30-day low, 20 % under its median); one in 25 is at its low but
  // only 5 % under its median (not a deal at 10 %); the rest are above their low.
  await sql.unsafe(`
    insert into public.current_offers (listing_id, retailer_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock,
                                       observed_at, batch_id, low_30d_base, median_30d_base)
    select b.id, b.retailer_id, b.variant_id, p.price, 'EUR', p.price, round(p.price * 100 / b.volume_ml, 2), true,
           current_date - 1 + make_interval(secs => b.n % 86400), (select max(id) from private.ingest_batches),
           case when b.n % 25 in (0, 1) then p.price else round(p.price * 0.9, 2) end,
           case when b.n % 25 = 0 then round(p.price * 1.25, 2) when b.n % 25 = 1 then round(p.price * 1.05, 2) else p.price end
    from bench_listings b, lateral (select ${PRICE("b.n", `(${DAYS - 1} + b.n % ${PERIOD("b.n")}) / ${PERIOD("b.n")}`)} as price) p
`);
  await sql`reset role`;
  await sql`set session_replication_role = origin`;
  await sql`vacuum analyze`;
  return count;
}

/** p50/p95 of a query over parameters, as anon (the RPCs' public role) unless a role is given. */
async function latency(sql, query, params, role = "anon") {
  const times = [];
  for (const p of params) {
    times.push(await timed(() => sql.begin(async (t) => {
      await t.unsafe(`set local role ${role}`);
      await t.unsafe(query, [p]);
    })));
  }
  return { p50: r2(pct(times, 50)), p95: r2(pct(times, 95)) };
}

async function main() {
  const { cluster: c, dispose } = await db.throwaway("scentmatch-bench-prices", 54395);
  const summary = { observations: 0, days: DAYS };
  const sql = postgres(c.dbUrl, { max: 1, onnotice: () => {} });
  try {
    log(`cluster on port ${c.port}; migrating and seeding`);
    db.pushMigrations(c);
    db.seed(c);
    log(`generating ${Number(values.fragrances).toLocaleString("en")} fragrances (seed:scale)`);
    const gen = spawnSync(process.execPath, [path.join(db.ROOT, "scripts/seed-scale.mjs"), "--fragrances", values.fragrances, "--db-url", c.dbUrl],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (gen.status !== 0) throw new Error("seed:scale failed");
    const admin = postgres(c.dbUrl.replace("//postgres:", "//supabase_admin:"), { max: 1, onnotice: () => {} });
    const genMs = await timed(async () => {
      summary.listings = await generate(admin, Math.round(OBSERVATIONS / DAYS)).finally(() => admin.end());
    });
    [{ n: summary.observations }] = await sql`select count(*)::bigint::float8 as n from private.price_observations`;
    [{ n: summary.history_ranges }] = await sql`select count(*)::float8 as n from public.price_history`;
    [{ gb: summary.observations_gb }] = await sql`
      select round(sum(pg_total_relation_size(i.inhrelid)) / 2^30 * 100)::float8 / 100 as gb
      from pg_inherits i where i.inhparent = 'private.price_observations'::regclass`;
    summary.generate_s = r2(genMs / 1000);
    log(`generated ${summary.observations.toLocaleString("en")} observations (${summary.observations_gb} GB with indexes) and ` +
      `${summary.history_ranges.toLocaleString("en")} history ranges in ${summary.generate_s} s`);

    const variants = (await sql`select variant_id from bench_listings group by 1 order by md5(variant_id::text) limit 50`).map((r) => r.variant_id);
    const fragrances = (await sql`select v.fragrance_id from bench_listings b join public.variants v on v.id = b.variant_id
                                  group by 1 order by md5(v.fragrance_id::text) limit 50`).map((r) => r.fragrance_id);

    const history = await latency(sql, `select * from public.price_history($1, now() - interval '365 days', now(), 'day')`, variants);
    const historyRaw = await latency(sql, `
      select o.observed_at::date, min(o.price_base), round(avg(o.price_base), 2), max(o.price_base), count(distinct o.listing_id)
      from public.retailer_listings l join private.price_observations o on o.listing_id = l.id
      where l.variant_id = $1 and l.status = 'matched' and o.anomaly is null and o.observed_at >= now() - interval '365 days'
      group by 1 order by 1`, variants, "service_role");
    summary.price_history_ms = history;
    summary.price_history_raw_ms = historyRaw;
    log(`price_history (a year, daily): p50 ${history.p50} ms, p95 ${history.p95} ms; ` +
      `from raw observations p50 ${historyRaw.p50} ms (${r2(historyRaw.p50 / history.p50)}x)`);

    const best = await latency(sql, `select * from public.best_offers($1, 'EUR')`, fragrances);
    const bestRaw = await latency(sql, `
      select distinct on (l.variant_id) l.variant_id, o.price_base, o.observed_at
      from public.variants v join public.retailer_listings l on l.variant_id = v.id and l.status = 'matched'
      cross join lateral (select * from private.price_observations o where o.listing_id = l.id and o.anomaly is null
                          order by o.observed_at desc limit 1) o
      where v.fragrance_id = $1
      order by l.variant_id, o.in_stock desc, o.price_base`, fragrances, "service_role");
    summary.best_offers_ms = best;
    summary.best_offers_raw_ms = bestRaw;
    log(`best_offers: p50 ${best.p50} ms, p95 ${best.p95} ms; latest observations from raw p50 ${bestRaw.p50} ms (${r2(bestRaw.p50 / best.p50)}x)`);

    // deals: the first page, unfiltered (pages 1-3) and by family and by brand (the ones with most
    // deals); the baseline reads the deals' offers alone, unjoined and unsorted
    const dealFilters = {
      unfiltered: [1, 2, 3].map((page) => ({ page })),
      family: (await sql`select fr.family_slug as family from public.current_offers o join public.variants v on v.id = o.variant_id
                         join public.fragrances fr on fr.id = v.fragrance_id
                         where o.price_base <= o.low_30d_base and o.price_base <= o.median_30d_base * 0.9 and fr.family_slug is not null
                         group by 1 order by count(*) desc limit 10`).map((r) => ({ filters: { family: r.family } })),
      brand: (await sql`select b.slug as brand from public.current_offers o join public.variants v on v.id = o.variant_id
                        join public.fragrances fr on fr.id = v.fragrance_id join public.brands b on b.id = fr.brand_id
                        where o.price_base <= o.low_30d_base and o.price_base <= o.median_30d_base * 0.9
                        group by 1 order by count(*) desc limit 10`).map((r) => ({ filters: { brand: r.brand } })),
    };
    summary.deals_ms = {};
    for (const [kind, calls] of Object.entries(dealFilters)) {
      if (calls.length === 0) continue; // (a tiny run may have no deal in any family)
      const params = Array.from({ length: 30 }, (_, i) => JSON.stringify(calls[i % calls.length]));
      summary.deals_ms[kind] = await latency(sql,
        `select * from public.deals(coalesce($1::jsonb -> 'filters', '{}'), 'EUR', 10, coalesce(($1::jsonb ->> 'page')::int, 1))`, params);
    }
    const [{ deals }] = await sql`select count(*)::int as deals from public.current_offers
                                  where in_stock and not stale and price_base <= low_30d_base and price_base <= median_30d_base * 0.9`;
    const dealsScan = await latency(sql, `select count(*) from public.current_offers
                                          where in_stock and not stale and price_base <= low_30d_base and price_base <= median_30d_base * $1`,
      Array(30).fill(0.9), "service_role");
    summary.deals_offers = deals;
    summary.deals_scan_ms = dealsScan;
    log(`deals (${deals.toLocaleString("en")} of ${summary.listings.toLocaleString("en")} offers), p50 / p95: ` +
      Object.entries(summary.deals_ms).map(([k, v]) => `${k} ${v.p50} / ${v.p95} ms`).join(", ") +
      `; reading the deals' offers alone p50 ${dealsScan.p50} ms (${r2(summary.deals_ms.unfiltered.p50 / Math.max(dealsScan.p50, 0.01))}x)`);

    // price-facts: computing every day (what the migration does, and what a refresh of the
    // materialized views it replaced cost) is the baseline; then a run of the pipeline after a day
    // of observations (today's, every listing) recomputes that day.
    const full = await timed(() => sql`select private.rollup_price_facts('-infinity')`);
    const runFacts = async () => {
      const [{ result }] = await sql`select private.run_pipeline('price-facts', 'private.rollup_price_facts') as result`;
      if (result.status !== "succeeded") throw new Error(`price-facts: ${result.error}`);
      return result.result;
    };
    await sql`vacuum analyze analytics.fact_price_daily, analytics.price_index_daily`; // as autovacuum would after a load this size
    const [{ batch }] = await sql`select max(id) as batch from private.ingest_batches`;
    await sql`
      insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock)
      select b.id, ${batch}, b.n, date_trunc('day', now()) + make_interval(secs => b.n % greatest(1, extract(epoch from now() - date_trunc('day', now()))::int)),
             o.price, 'EUR', o.price_base, o.price_per_100ml_base, true
      from bench_listings b join public.current_offers o on o.listing_id = b.id`;
    let result;
    const incremental = await timed(async () => { result = await runFacts(); });
    summary.price_facts_s = r2(incremental / 1000);
    summary.price_facts_full_s = r2(full / 1000);
    log(`price-facts after a day of new observations: ${summary.price_facts_s} s (${result.rows_out} index rows); every day ` +
      `${summary.price_facts_full_s} s (${r2(full / incremental)}x)`);
    const indexed = (await sql`select fragrance_id from analytics.price_index_daily group by 1 order by md5(fragrance_id::text) limit 50`)
      .map((r) => r.fragrance_id);
    const dashboard = await latency(sql, `select * from public.dashboard_price_index($1, current_date - 365)`, indexed, "service_role");
    const dashboardRaw = await latency(sql, `
      select o.observed_at::date, percentile_cont(0.5) within group (order by o.price_per_100ml_base)
      from public.variants v join public.retailer_listings l on l.variant_id = v.id
      join private.price_observations o on o.listing_id = l.id and o.anomaly is null
      where v.fragrance_id = $1 and o.observed_at >= current_date - 365 group by 1`, indexed.slice(0, 10), "service_role");
    summary.dashboard_price_index_ms = dashboard;
    summary.dashboard_price_index_raw_ms = dashboardRaw;
    log(`dashboard_price_index (a year): p50 ${dashboard.p50} ms, p95 ${dashboard.p95} ms; from raw observations p50 ${dashboardRaw.p50} ms ` +
      `(${r2(dashboardRaw.p50 / dashboard.p50)}x)`);

    // Freshness: every offer confirmed today, so none goes stale; then a scan of the offers it reads.
    let fresh;
    const freshness = await timed(async () => {
      [{ fresh }] = await sql`select private.run_pipeline('price-freshness', 'private.check_freshness') as fresh`;
    });
    if (fresh.status !== "succeeded") throw new Error(`price-freshness: ${fresh.error}`);
    const offersScan = await timed(() => sql`select count(*) from public.current_offers where not stale`);
    summary.freshness_s = r2(freshness / 1000);
    log(`price-freshness: ${summary.freshness_s} s (${JSON.stringify(fresh.result)}); a scan of current offers ${r2(offersScan)} ms`);

    // Retention: the oldest month goes past the horizon; the rollup aggregates and drops it.
    const [{ part, rows }] = await sql`
      select c.relname as part, c.reltuples::float8 as rows from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'private.price_observations'::regclass and c.relname ~ '_[0-9]{4}_[0-9]{2}$' and c.reltuples > 0
      order by c.relname limit 1`;
    const scan = await timed(() => sql.unsafe(`select count(*) from private.${part}`));
    const [{ horizon }] = await sql`
      select (current_date - (to_date(right(${part}, 7), 'YYYY_MM') + interval '1 month')::date)::int as horizon`;
    await sql`update private.settings set value = to_jsonb(${horizon}::int) where key = 'observation_horizon_days'`;
    let rolled;
    const rollup = await timed(async () => {
      [{ rolled }] = await sql`select private.run_pipeline('price-rollup', 'private.rollup_price_observations') as rolled`;
    });
    if (rolled.status !== "succeeded" || rolled.result < 1) throw new Error(`price-rollup: ${JSON.stringify(rolled)}`);
    summary.rollup_s = r2(rollup / 1000);
    summary.rollup_rows = rows;
    log(`price-rollup of ${part} (${Math.round(rows).toLocaleString("en")} rows): ${summary.rollup_s} s; a scan of it ${r2(scan / 1000)} s ` +
      `(${r2(rollup / scan)}x)`);
  } finally {
    await sql.end();
    if (!process.env.BENCH_KEEP) dispose();
    else log(`kept ${c.dbUrl}`);
  }
  summary.goal_met = summary.price_history_ms.p95 <= 20 && summary.best_offers_ms.p95 <= 10 && summary.price_facts_s <= 10 &&
    summary.freshness_s <= 60 && summary.rollup_s <= 60;
  console.log(JSON.stringify(summary));
}

await main();
