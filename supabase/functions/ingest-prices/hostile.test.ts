/**
 * A property-based test of the webhook against hostile values: seeded random batches, in JSON and in
 * CSV, mix good rows with rows whose fields hold values a retailer's feed should never send (and
 * some it may, in odd forms). Whatever comes, over HTTP through the function server:
 * - the answer is 200, or the documented 400 for a batch without a single offer; never a 5xx;
 * - every row is accepted or rejected (accepted + rejected = rows), a rejected row has a field and a reason;
 * - an accepted row is observed once under its batch and row number, a rejected one never;
 * - every row made only of good values is accepted;
 * - nothing outside the fuzzing retailer's own listings and prices changes.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { callFunction, env } from "../_shared/testing.ts";
import { sign } from "../_shared/signature.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const BATCHES = 80;

/** mulberry32: a small seeded generator, so a failure replays with its seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = ["Dior Sauvage Eau de Parfum 100 ml", "CHANEL N°5 EDP 50ml", "Light Blue by Dolce & Gabbana 4.2 oz Cologne Tester",
  "Terre d'Hermès Eau de Toilette 100 ml", "Prada Paradoxe EDP 90ml"];
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Values a feed may send for each field, good or hostile; `good` values are always acceptable. */
const HOSTILE: Record<string, unknown[]> = {
  sku: ["", "   ", "x".repeat(256), { a: 1 }, [1], true, "nul\u0000sku", "half\ud800", 12345, "sku with spaces ✓"],
  title: ["", " \t ", "t".repeat(501), "nul\u0000title", "\udfff lone", "🌹 Rose – 玫瑰 – عطر", "x".repeat(10_000), null],
  url: ["HTTPS://shop.example/a", "ftp://shop.example/a", "https://shop.example/a b", "javascript:alert(1)",
    `https://shop.example/${"p".repeat(2050)}`, "", "https://", "https://shop.example/\u0000"],
  gtin: ["123", "3348901419612", 3348901419611, "abc", true, "00000000000000"],
  price: [0, -1, 0.001, 1e-300, 1e300, 999999999, "12,34", "12.34 USD", "[1]", [1], "NaN", "Infinity", "1e5", true, null, "",
    "9999999999.999", 9999999999.99, "0.004"],
  currency: ["XYZ", "usd", "", "EURO", 5, "E\u0000R", ["EUR"]],
  in_stock: ["maybe", 2, null, "yes", "Out of Stock", {}],
  observed_at: ["0000-01-01", "2026-12-01 junk", "9999-12-31T00:00:00Z", "1970-01-01", new Date(Date.now() + 3 * 86_400_000).toISOString(),
    "", 12345, "2026-02-30", "yesterday"],
  shipping: [-1, "-0.01", 0, "0", "free", "4.95 USD", "4,95", 1e300, "9999999999.999", "NaN", [1], {}, true, "", null],
};

type Row = Record<string, unknown>;

function goodRow(rnd: () => number, n: number, run: string): Row {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  return {
    sku: `fuzz-${run}-${n}`, title: pick(TITLES), price: Math.round((10 + rnd() * 490) * 100) / 100, currency: "EUR",
    url: `https://fuzz.example/p/${run}-${n}`, in_stock: rnd() < 0.8, observed_at: minutesAgo(1 + Math.floor(rnd() * 600)),
  };
}

/** CSV of the rows (every value as text; a value CSV cannot carry is written as its JSON). */
function csv(rows: Row[]): string {
  const cols = ["sku", "title", "price", "currency", "url", "gtin", "in_stock", "observed_at", "shipping"];
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n");
}

async function post(slug: string, body: string, type: string) {
  const res = await callFunction("ingest-prices", {
    method: "POST",
    headers: { "Content-Type": type, "X-Retailer": slug, "X-Signature": await sign(body, `whsec_fuzz_${slug}`) },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** What the batch must not touch: every other retailer's listings and prices, and the catalog. */
async function everythingElse(retailer: string) {
  const [r] = await sql`
    select md5(concat_ws('|',
      (select string_agg(t::text, ',' order by t.id) from public.retailer_listings t where t.retailer_id <> ${retailer}),
      (select string_agg(t::text, ',' order by t.listing_id) from public.current_offers t where t.retailer_id <> ${retailer}),
      (select count(*) from public.price_history h join public.retailer_listings l on l.id = h.listing_id where l.retailer_id <> ${retailer}),
      (select count(*) from public.fragrances), (select count(*) from public.variants), (select count(*) from public.brands))) as f`;
  return r.f as string;
}

Deno.test("hostile values in any field, in JSON and CSV: 200 or a documented 400, good rows kept, bad rows rejected with reasons, nothing else changed", async () => {
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20261202);
  const rnd = random(seed);
  const run = `${seed.toString(36)}${Date.now().toString(36)}`;
  const slug = `fuzz-${run}`;
  const [{ id: retailer }] = await sql`
    insert into public.retailers (slug, name, country, currency, website) values (${slug}, 'Fuzz', 'DE', 'EUR', 'https://fuzz.example')
    returning id`;
  await sql`insert into private.retailer_webhooks (retailer_id, secret, rate_limit_per_minute) values (${retailer}, ${`whsec_fuzz_${slug}`}, 100000)`;
  const before = await everythingElse(retailer);
  try {
    let n = 0;
    const tally = { rows: 0, accepted: 0, csv: 0, rejectsByField: {} as Record<string, number> };
    for (let b = 0; b < BATCHES; b++) {
      const rows: Row[] = [];
      const goodRows = new Set<number>();
      const size = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < size; i++) {
        const row = goodRow(rnd, n++, run);
        if (rnd() < 0.5) goodRows.add(i + 1);
        else {
          for (let k = 0; k < 1 + Math.floor(rnd() * 2); k++) {
            const field = Object.keys(HOSTILE)[Math.floor(rnd() * Object.keys(HOSTILE).length)];
            const values = HOSTILE[field];
            row[field] = values[Math.floor(rnd() * values.length)];
          }
        }
        rows.push(row);
      }
      const asCsv = rnd() < 0.3;
      const body = asCsv ? csv(rows) : JSON.stringify({ offers: rows });
      const res = await post(slug, body, asCsv ? "text/csv" : "application/json");
      const where = `seed ${seed}, batch ${b} (${asCsv ? "CSV" : "JSON"}): ${body.slice(0, 300)}`;
      ok(res.status === 200, `${where}\n→ ${res.status} ${JSON.stringify(res.body)}`);
      const { batch_id, accepted, rejected, rejects } = res.body;
      assertEquals(accepted + rejected, rows.length, where);
      tally.rows += rows.length;
      tally.accepted += accepted;
      if (asCsv) tally.csv++;
      for (const r of rejects) tally.rejectsByField[r.field] = (tally.rejectsByField[r.field] ?? 0) + 1;
      const rejectedRows = new Set<number>(rejects.map((r: { row: number }) => r.row));
      ok(rejects.every((r: { field: string; reason: string }) => r.field && r.reason), where);
      const observed = new Set((await sql`select row_number from private.price_observations where batch_id = ${batch_id}`)
        .map((o) => o.row_number as number));
      for (let i = 1; i <= rows.length; i++) {
        ok(observed.has(i) !== rejectedRows.has(i), `${where}\nrow ${i} is observed ${observed.has(i)} and rejected ${rejectedRows.has(i)}`);
        if (goodRows.has(i)) ok(observed.has(i), `${where}\na good row ${i} was not kept: ${JSON.stringify(rejects)}`);
      }
    }
    console.log(`report: hostile batches (seed ${seed}): ${JSON.stringify({ batches: BATCHES, ...tally })}`);
    // A batch with no offer at all is the documented 400, in both formats.
    assertEquals((await post(slug, '{"offers": []}', "application/json")).status, 400);
    assertEquals((await post(slug, "sku,title,price,url\n", "text/csv")).status, 400);
    assertEquals(await everythingElse(retailer), before, "nothing outside the fuzzing retailer changed");
  } finally {
    // Leave nothing behind (later suites run data-quality checks over the whole database).
    await sql`delete from public.retailer_listings where retailer_id = ${retailer}`;
    await sql`delete from private.ingest_batches where retailer_id = ${retailer}`;
    await sql`delete from public.retailers where id = ${retailer}`;
    await sql.end();
  }
});
