#!/usr/bin/env node
// `npm run bench:ingest [-- --fragrances N]`: offers per second end to end through the
// signed HTTP webhook (batches of 1,000 and 10,000; new listings, then known ones),
// against a scale catalog, and the raw COPY rate of the same rows into
// private.price_observations measured in the same run. Known listings and COPY are measured
// in three interleaved rounds and reported as medians, so a noisy moment on the machine
// skews neither side alone. Ends with one JSON line.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import * as db from "../stack/cluster.mjs";
import { startFunctions, stopFunctions } from "../stack/functions.mjs";

const { values } = parseArgs({ options: { fragrances: { type: "string", default: "100000" } } });
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

    const port = await db.freePort(54390);
    pid = await startFunctions(c, port, path.join(c.dir, "functions.log"));
    const url = `http://127.0.0.1:${port}/functions/v1/ingest-prices`;

    // Offers titled like the scale catalog's listings, under SKUs the retailer has not sent yet.
    const titles = (await sql`select title from public.retailer_listings where retailer_sku like 'SKU-%' order by id limit 25000`).map((r) => r.title);
    const observedAt = new Date(Date.now() - 3600_000).toISOString();
    const offers = (prefix, n, offset = 0) => Array.from({ length: n }, (_, i) => ({
      sku: `${prefix}-${i}`, title: titles[(i + offset) % titles.length], price: 40 + ((i * 7) % 160), currency: "EUR",
      url: `https://www.notino.de/p/${prefix}-${i}`, in_stock: i % 9 !== 0, observed_at: observedAt,
    }));
    const runs = {};
    const stages = {};
    const a = offers("B1K", 5000);
    const b = offers("B10K", 20000, 5000);
    log("batches of 1,000 (new listings)");
    runs.batch_1000_new = [await sendAll(url, a, 1000, (stages.batch_1000_new = {}))];
    log("batches of 10,000 (new listings)");
    runs.batch_10000_new = [await sendAll(url, b, 10000, (stages.batch_10000_new = {}))];

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
      copyRates.push(copyRate());
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const copy = median(copyRates);
    log(`COPY rounds: ${copyRates.map((r) => round(r)).join(", ")} rows/s`);
    for (const name of ["batch_1000_known", "batch_10000_known"]) log(`${name} rounds: ${runs[name].map((r) => round(r)).join(", ")} offers/s`);

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
