#!/usr/bin/env node
// `npm run bench:ingest [-- --fragrances N] [-- --alerts N]`: offers per second end to end through
// the signed HTTP webhook (batches of 1,000 and 10,000; new listings, then known ones),
// against a scale catalog, and the raw COPY rate of the same rows into
// private.price_observations measured in the same run. New listings (SKUs and titles the retailer
// has not sent yet), known listings and COPY are measured in three interleaved rounds and reported
// as medians, so a noisy moment on the machine skews neither side alone. Then 2,000 new listings
// whose titles name no brand (and where matching sent them), once. Then the cost of price
// alerts: the same 10,000-offer batch (every price lower) without alerts and with 1M alerts
// (--alerts; ten per fragrance; 0 skips this part) of which it fires about 1 %, three rounds each.
// Ends with one JSON line.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import * as db from "../stack/cluster.mjs";
import { startFunctionsFrom, stopFunctions } from "../stack/functions.mjs";

const { values } = parseArgs({ options: { fragrances: { type: "string", default: "100000" }, alerts: { type: "string" } } });
/** 1M price alerts at 100k fragrances (ten per fragrance), unless --alerts says otherwise. */
const ALERTS = Number(values.alerts ?? 10 * Number(values.fragrances));
const RETAILER = "notino-de";
const SECRET = `whsec_dev_${RETAILER}`;

const log = (msg) => console.error(`bench:ingest: ${msg}`);

function signature(body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex")}`;
}

/** Sends offers in batches of `size` through the webhook; returns offers per second. */
async function sendAll(url, offers, size, timings) {
  const started = performance.now();
  for (let i = 0; i < offers.length; i += size) {
    const body = JSON.stringify({ offers: offers.slice(i, i + size) });
    const res = await fetch(url, {
      method: "POST", body,
      headers: { "Content-Type": "application/json", "X-Retailer": RETAILER, "X-Signature": signature(body) },
    });
    const out = await res.json();
    // Server-Timing: "read;dur=1.2, auth;dur=3.4, ..." summed per stage
    for (const part of (res.headers.get("server-timing") ?? "").split(",")) {
      const m = /(\w+);dur=([\d.]+)/.exec(part);
      if (m) timings[m[1]] = (timings[m[1]] ?? 0) + Number(m[2]);
    }
    if (res.status !== 200 || out.accepted !== Math.min(size, offers.length - i)) {
      throw new Error(`batch at ${i} answered ${res.status}: ${JSON.stringify(out).slice(0, 300)}`);
    }
  }
  return offers.length / ((performance.now() - started) / 1000);
}

const round = (x) => Math.round(x);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/**
 * The cost of price alerts on a batch: `batch` (10,000 known offers) sent with every price a little
 * lower each round, three rounds before any alert exists, then three with `ALERTS` alerts of users
 * holding 50 each: one alert on the variant of each offer whose target every price meets (each round's
 * new low fires it), and the rest spread over the whole catalog with a target no price meets. Seconds
 * per batch, medians.
 */
async function alertsCost(sql, url, batch) {
  const total = ALERTS;
  const users = Math.max(1, Math.ceil(total / 50));
  const lower = (r) => batch.map((o) => ({ ...o, price: o.price - r * 0.25, observed_at: new Date().toISOString() }));
  const timed = async (offers) => {
    const started = performance.now();
    await sendAll(url, offers, offers.length, {});
    return (performance.now() - started) / 1000;
  };
  const without = [];
  for (let r = 1; r <= 3; r++) {
    await sql`vacuum analyze public.current_offers, public.price_history, private.price_observations`;
    without.push(await timed(lower(r)));
  }
  log(`price alerts: creating ${total.toLocaleString("en")} alerts of ${users.toLocaleString("en")} users`);
  await sql`insert into auth.users (email) select 'bench-' || i || '@example.com' from generate_series(1, ${users}) i`;
  const [{ firing }] = await sql`
    with users as (select id, row_number() over (order by id) as n from public.profiles),
    batch_variants as (
      select distinct l.variant_id from public.retailer_listings l
      where l.retailer_sku = any (${`{${batch.map((o) => `"${o.sku}"`).join(",")}}`}::text[]) and l.variant_id is not null
    ),
    firing as (
      insert into public.price_alerts (user_id, fragrance_id, variant_id, kind, target)
      select u.id, v.fragrance_id, v.id, 'price_below', 100000
      from (select bv.variant_id, row_number() over () as n from batch_variants bv) b
      join public.variants v on v.id = b.variant_id join users u on u.n = 1 + b.n % ${users}
      returning 1
    )
    select count(*)::int as firing from firing`;
  await sql`
    with vs as (select id, fragrance_id, row_number() over (order by id) - 1 as k from public.variants),
    us as (select id, row_number() over (order by id) - 1 as k from public.profiles limit ${users})
    insert into public.price_alerts (user_id, fragrance_id, variant_id, kind, target)
    select u.id, v.fragrance_id, v.id, 'price_below', 0.01
    from generate_series(1, ${Math.max(0, total - firing)}) i
    join vs v on v.k = (i::bigint * 7919) % (select count(*) from public.variants)
    join us u on u.k = i % ${users}`;
  await sql`vacuum analyze public.price_alerts`;
  const withAlerts = [];
  let fired = 0;
  for (let r = 4; r <= 6; r++) {
    await sql`vacuum analyze public.current_offers, public.price_history, private.price_observations, public.alert_notifications`;
    const before = (await sql`select count(*)::int as n from public.alert_notifications`)[0].n;
    withAlerts.push(await timed(lower(r)));
    fired = (await sql`select count(*)::int as n from public.alert_notifications`)[0].n - before;
  }
  log(`price alerts: without ${without.map((s) => s.toFixed(2)).join(", ")} s; with ${withAlerts.map((s) => s.toFixed(2)).join(", ")} s; ${fired} fired per batch`);
  return { alerts: total, fired, without_s: Number(median(without).toFixed(3)), with_s: Number(median(withAlerts).toFixed(3)) };
}

async function main() {
  const { cluster: c, dispose } = await db.throwaway("scentmatch-bench", 54380);
  let pid;
  const sql = postgres(c.dbUrl, { max: 1, onnotice: () => {} });
  try {
    log(`cluster on port ${c.port}; migrating and seeding`);
    db.pushMigrations(c);
    db.seed(c);
    log(`generating ${Number(values.fragrances).toLocaleString("en")} fragrances (seed:scale)`);
    const gen = spawnSync(process.execPath, [path.join(db.ROOT, "scripts/seed-scale.mjs"), "--fragrances", values.fragrances, "--db-url", c.dbUrl],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (gen.status !== 0) throw new Error("seed:scale failed");
    await sql`update private.retailer_webhooks set rate_limit_per_minute = 100000`;
    await sql`vacuum analyze`;

    let port;
    ({ pid, port } = await startFunctionsFrom(c, 54390, path.join(c.dir, "functions.log")));
    const url = `http://127.0.0.1:${port}/functions/v1/ingest-prices`;

    // Offers titled like the scale catalog's listings, under SKUs the retailer has not sent yet: 25,000
    // titles for the listings the known rounds resend, and 25,000 more for each round of new ones
    // (titles the function has not parsed yet).
    const titles = (await sql`select title from public.retailer_listings where retailer_sku like 'SKU-%' order by id limit 100000`).map((r) => r.title);
    const observedAt = new Date(Date.now() - 3600_000).toISOString();
    const offers = (prefix, n, offset = 0) => Array.from({ length: n }, (_, i) => ({
      sku: `${prefix}-${i}`, title: titles[(i + offset) % titles.length], price: 40 + ((i * 7) % 160), currency: "EUR",
      url: `https://www.notino.de/p/${prefix}-${i}`, in_stock: i % 9 !== 0, observed_at: observedAt,
    }));
    const runs = { batch_1000_new: [], batch_10000_new: [] };
    const stages = { batch_1000_new: {}, batch_10000_new: {} };
    const a = offers("B1K", 5000);
    const b = offers("B10K", 20000, 5000);
    log("the listings of the known rounds: 5,000 in batches of 1,000, 20,000 in batches of 10,000 (new listings, not counted)");
    await sendAll(url, a, 1000, {});
    await sendAll(url, b, 10000, {});

    // The same 20,000 rows straight into the observations table with COPY.
    const rows = await sql`
      select o.listing_id, o.batch_id, o.row_number, o.observed_at, o.price, o.currency, o.price_base, o.in_stock
      from private.price_observations o join public.retailer_listings l on l.id = o.listing_id
      where l.retailer_sku like 'B10K-%' order by o.id limit 20000`;
    const lines = rows.map((r) => [r.listing_id, r.batch_id, r.row_number, r.observed_at.toISOString(), r.price, r.currency, r.price_base, r.in_stock].join("\t")).join("\n") + "\n";
    const copyRate = () => {
      const started = performance.now();
      const copy = spawnSync(`${db.PG_BIN}/psql`, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", c.dbUrl, "-c",
        "copy private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock) from stdin"],
        { input: lines, encoding: "utf8" });
      if (copy.status !== 0) throw new Error(`COPY failed: ${copy.stderr}`);
      return rows.length / ((performance.now() - started) / 1000);
    };

    // A feed's next batch: every listing again, about 1 in 10 prices changed since the round
    // before (a busy day for a shop).
    const reprice = (xs, round) => xs.map((o, i) => ({ ...o, price: o.price + (i % 10 < round ? 1 : 0), observed_at: new Date().toISOString() }));
    runs.batch_1000_known = [];
    runs.batch_10000_known = [];
    const copyRates = [];
    for (let round = 1; round <= 3; round++) {
      // Each round is the next day's feed: autovacuum has long caught up with the day before. Left to
      // itself it would start at some random point of some round (25,000 offers rewritten per round).
      await sql`vacuum analyze public.retailer_listings, public.current_offers, public.price_history, private.price_observations`;
      log(`round ${round}: batches of 1,000 and of 10,000 (known listings, new prices), then COPY`);
      runs.batch_1000_known.push(await sendAll(url, reprice(a, round), 1000, (stages.batch_1000_known ??= {})));
      runs.batch_10000_known.push(await sendAll(url, reprice(b, round), 10000, (stages.batch_10000_known ??= {})));
      log(`round ${round}: new listings, 5,000 in batches of 1,000 and 20,000 in batches of 10,000`);
      runs.batch_1000_new.push(await sendAll(url, offers(`N${round}K1`, 5000, 25000 * round), 1000, stages.batch_1000_new));
      runs.batch_10000_new.push(await sendAll(url, offers(`N${round}K10`, 20000, 25000 * round + 5000), 10000, stages.batch_10000_new));
      copyRates.push(copyRate());
    }
    const copy = median(copyRates);
    log(`COPY rounds: ${copyRates.map((r) => round(r)).join(", ")} rows/s`);
    for (const name of Object.keys(runs)) {
      log(`${name} rounds: ${runs[name].map((r, i) => `${round(r)} offers/s (${(100 * r / copyRates[i]).toFixed(1)}% of that round's COPY)`).join(", ")}`);
    }

    // Titles that name no brand (the brand cut off the front of catalog listings' titles): a feed's
    // titles often do not, and at catalog scale many names belong to several brands. 2,000 new
    // listings in batches of 1,000, once, after the rounds; with where matching sent them.
    const branded = await sql`
      select l.title, b.name as brand from public.retailer_listings l join public.variants v on v.id = l.variant_id
      join public.fragrances f on f.id = v.fragrance_id join public.brands b on b.id = f.brand_id
      where l.retailer_sku like 'SKU-%' order by l.id desc limit 2000`;
    const unbranded = offers("NOBRAND", branded.length).map((o, i) => {
      const { title, brand } = branded[i];
      return { ...o, title: title.startsWith(brand) ? title.slice(brand.length).trim() : title };
    });
    log("2,000 new listings whose titles name no brand, in batches of 1,000");
    const brandless = { offers_per_s: round(await sendAll(url, unbranded, 1000, {})) };
    const [decided] = await sql`
      select count(*) filter (where status = 'matched')::int as matched, count(*) filter (where status = 'review')::int as review,
             count(*) filter (where status = 'unmatched')::int as unmatched
      from public.retailer_listings where retailer_sku like 'NOBRAND-%'`;
    Object.assign(brandless, decided);

    const alerts = ALERTS > 0 ? await alertsCost(sql, url, b.slice(0, 10000)) : null;

    const summary = { fragrances: Number(values.fragrances), copy_rows_per_s: round(copy) };
    console.log(`\nraw COPY into private.price_observations: ${round(copy).toLocaleString("en")} rows/s (${rows.length} rows, median of 3)`);
    for (const [name, rates] of Object.entries(runs)) {
      const rate = median(rates);
      const ratio = rate / copy;
      const parts = Object.entries(stages[name]).map(([k, v]) => `${k} ${(v / 1000 / rates.length).toFixed(1)}s`).join(", ");
      console.log(`webhook ${name.padEnd(18)} ${round(rate).toLocaleString("en").padStart(8)} offers/s  = ${(ratio * 100).toFixed(1)}% of raw COPY   (server: ${parts})`);
      summary[`${name}_offers_per_s`] = round(rate);
      summary[`${name}_ratio`] = Number(ratio.toFixed(3));
    }
    console.log(`webhook brandless_1000_new  ${brandless.offers_per_s.toLocaleString("en").padStart(8)} offers/s  = ${(100 * brandless.offers_per_s / copy).toFixed(1)}% of raw COPY   ` +
      `(titles naming no brand; ${brandless.matched} matched, ${brandless.review} to review, ${brandless.unmatched} unmatched)`);
    summary.brandless_1000_new = brandless;
    if (alerts) {
      console.log(`price alerts: a 10,000-offer batch (every price lower) ${alerts.without_s.toFixed(2)} s without alerts, ` +
        `${alerts.with_s.toFixed(2)} s with ${alerts.alerts.toLocaleString("en")} alerts firing ${alerts.fired.toLocaleString("en")} ` +
        `(${(alerts.with_s / alerts.without_s).toFixed(2)}x, +${((alerts.with_s - alerts.without_s) * 1000).toFixed(0)} ms; medians of 3)`);
      summary.alerts = alerts;
    }
    console.log(JSON.stringify(summary));
  } finally {
    await sql.end();
    stopFunctions(pid);
    if (process.env.BENCH_KEEP) log(`kept ${c.dbUrl}`);
    else dispose();
  }
}

main().catch((err) => {
  console.error(`bench:ingest failed: ${err.message}`);
  process.exit(1);
});
