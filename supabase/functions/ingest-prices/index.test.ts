import { deepStrictEqual as assertEquals, notDeepStrictEqual, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { callFunction, env } from "../_shared/testing.ts";
import { handler, ingestPricesHandler, MAX_BODY_BYTES } from "./index.ts";
import { sign } from "../_shared/signature.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 });
let skuSeq = 0;
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${++skuSeq}`;

type Post = { slug?: string; secret?: string; type?: string; key?: string; t?: number; headers?: Record<string, string>; http?: boolean };

/** Signs and sends a body as retailer `slug` (seeded with secret whsec_dev_<slug>), in-process or over HTTP. */
async function post(body: string | Uint8Array, o: Post = {}) {
  const slug = o.slug ?? "notino-de";
  const headers: Record<string, string> = {
    "Content-Type": o.type ?? "application/json",
    "X-Retailer": slug,
    "X-Signature": await sign(body, o.secret ?? `whsec_dev_${slug}`, o.t),
    ...(o.key ? { "Idempotency-Key": o.key } : {}),
    ...o.headers,
  };
  const init = { method: "POST", headers, body: body as BodyInit };
  const res = o.http ? await callFunction("ingest-prices", init) : await handler(new Request("http://x/functions/v1/ingest-prices", init));
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const offer = (sku: string, over: Record<string, unknown> = {}) => ({
  sku, title: "Dior Sauvage Eau de Parfum 100 ml", price: 104.9, currency: "EUR", url: `https://www.notino.de/p/${sku}`,
  in_stock: true, observed_at: new Date(Date.now() - 60_000).toISOString(), ...over,
});
const feed = (...offers: unknown[]) => JSON.stringify({ offers });

/** Calls the SQL behind the webhook directly, as retailer notino-de, under a fresh payload hash. */
async function ingestBatch(offers: unknown[]) {
  const [{ id }] = await sql`select id from public.retailers where slug = 'notino-de'`;
  const hash = (crypto.randomUUID() + crypto.randomUUID()).replaceAll("-", "");
  return sql`select private.ingest_price_batch(${id}, null, ${hash}, 'json', ${sql.json(offers as never)}, '[]') as r`;
}

/**
 * A fingerprint of every table the pipeline writes: equal fingerprints, unchanged database. The
 * freshness job (pg_cron, every 15 minutes) also writes one of them: it marks offers that earlier
 * tests left old as stale. It runs first, so a scheduled run between two fingerprints has nothing
 * left to change (one did, and failed a fresh-clone run).
 */
async function fingerprint() {
  await sql`select private.check_freshness()`;
  const [r] = await sql`
    select md5(concat_ws('|',
      (select string_agg(t::text, ',' order by t.id) from public.retailer_listings t),
      (select string_agg(t::text, ',' order by t.listing_id) from public.current_offers t),
      (select string_agg(t::text, ',' order by t.id) from public.price_history t),
      (select string_agg(t::text, ',' order by t.id) from private.price_observations t),
      (select string_agg(t::text, ',' order by t.id) from private.ingest_batches t),
      (select string_agg(t::text, ',' order by t.id) from private.price_anomalies t),
      (select string_agg(t::text, ',' order by t.listing_id) from private.listing_match_candidates t))) as f`;
  return r.f as string;
}

Deno.test("a signed JSON batch is ingested: listings matched, offers current, every observation traced to its batch and row", async () => {
  const [a, b] = [uniq("NOT"), uniq("NOT")];
  const res = await post(feed(offer(a), offer(b, { title: "Lattafa Khamrah EDP 100ml Unisex", price: 35 })));
  assertEquals(res.status, 200);
  assertEquals([res.body.accepted, res.body.matched, res.body.unmatched, res.body.rejected, res.body.anomalies], [2, 1, 1, 0, 0]);
  const rows = await sql`
    select l.retailer_sku, l.status, f.slug, v.size_ml::int as size, o.price::float, o.price_base::float, o.batch_id, p.row_number, b.payload_hash
    from public.retailer_listings l
    left join public.variants v on v.id = l.variant_id left join public.fragrances f on f.id = v.fragrance_id
    join public.current_offers o on o.listing_id = l.id
    join private.price_observations p on p.listing_id = l.id
    join private.ingest_batches b on b.id = p.batch_id
    where l.retailer_sku in (${a}, ${b}) order by p.row_number`;
  assertEquals(rows.map((r) => [r.retailer_sku, r.status, r.slug, r.size, r.row_number]), [
    [a, "matched", "dior-sauvage-edp", 100, 1],
    [b, "unmatched", null, null, 2],
  ]);
  ok(rows.every((r) => String(r.batch_id) === String(res.body.batch_id) && /^[0-9a-f]{64}$/.test(r.payload_hash)));
  const runs = await sql`select subject, status, rows_in::int, rows_out::int, rows_rejected::int, details
                         from private.pipeline_runs where pipeline = 'price-ingest' and details ->> 'batch_id' = ${String(res.body.batch_id)}`;
  assertEquals(runs.map((r) => [r.subject, r.status, r.rows_in, r.rows_out, r.rows_rejected, r.details.matched, r.details.unmatched]),
    [["notino-de", "succeeded", 2, 2, 0, 1, 1]], "the batch is recorded as one pipeline run");
});

Deno.test("replaying a batch, with or without its key, answers the same counts and changes nothing", async () => {
  const body = feed(offer(uniq("NOT")), offer(uniq("NOT"), { price: "oops" }));
  const key = uniq("key");
  const first = await post(body, { key });
  assertEquals(first.status, 200);
  const before = await fingerprint();
  const runs = async () => (await sql`select count(*)::int as n from private.pipeline_runs where pipeline = 'price-ingest'`)[0].n;
  const runsBefore = await runs();
  const again = await post(body, { key });
  const noKey = await post(body);
  assertEquals(await fingerprint(), before);
  assertEquals(await runs(), runsBefore, "a replay records no run");
  for (const r of [again, noKey]) {
    assertEquals(r.status, 200);
    assertEquals({ ...r.body, replayed: undefined }, { ...first.body, replayed: undefined });
    assertEquals(r.body.replayed, true);
  }
});

Deno.test("the same Idempotency-Key with another body is 409 and changes nothing", async () => {
  const key = uniq("key");
  assertEquals((await post(feed(offer(uniq("NOT"))), { key })).status, 200);
  const before = await fingerprint();
  const res = await post(feed(offer(uniq("NOT"))), { key });
  assertEquals([res.status, res.body.error.code], [409, "idempotency_conflict"]);
  assertEquals(await fingerprint(), before);
});

Deno.test("a key first used on a replayed body is taken by that body: with another body it is 409, with the same a replay", async () => {
  const body = feed(offer(uniq("NOT")));
  assertEquals((await post(body)).status, 200);
  const key = uniq("key");
  const replay = await post(body, { key });
  assertEquals([replay.status, replay.body.replayed], [200, true]);
  const before = await fingerprint();
  const reused = await post(feed(offer(uniq("NOT"))), { key });
  assertEquals([reused.status, reused.body.error?.code], [409, "idempotency_conflict"]);
  assertEquals(await fingerprint(), before);
  assertEquals((await post(body, { key })).body.replayed, true);
});

Deno.test("a handler that has loaded no catalog names yet matches a title by its brand's names, and one naming no brand by the names among its phrases", async () => {
  // Its own parse cache, so every brand is met for the first time, and its own connection, as the
  // function's: the batch's session-lived staging tables are then not the test pool's (a later test
  // there acts as service_role, which may not read tables the postgres role made).
  const own = connect(env("SUPABASE_DB_URL"), { max: 1 });
  const fresh = ingestPricesHandler(() => own);
  const skus = [uniq("FIRST"), uniq("FIRST")];
  const body = feed(offer(skus[0], { title: "Bleu de Chanel Eau de Toilette 100 ml" }), offer(skus[1], { title: "Eau Sauvage EdT 200ml" }));
  const res = await fresh(new Request("http://x/functions/v1/ingest-prices", {
    method: "POST", body, headers: { "Content-Type": "application/json", "X-Retailer": "notino-de", "X-Signature": await sign(body, "whsec_dev_notino-de") },
  }));
  await own.end();
  assertEquals(res.status, 200, await res.text());
  const got = await sql`
    select l.retailer_sku, l.status::text, f.name, f.concentration::text, v.size_ml::int
    from public.retailer_listings l join public.variants v on v.id = l.variant_id join public.fragrances f on f.id = v.fragrance_id
    where l.retailer_sku = any(${skus}) order by l.retailer_sku = ${skus[1]}`;
  assertEquals(got.map((r) => [r.status, r.name, r.concentration, r.size_ml]),
    [["matched", "Bleu de Chanel", "edt", 100], ["matched", "Eau Sauvage", "edt", 200]]);
});

Deno.test("the answer counts matched, review and unmatched listings apart, as their statuses say", async () => {
  const skus = [uniq("CNT"), uniq("CNT"), uniq("CNT")];
  const res = await post(feed(
    offer(skus[0]),
    offer(skus[1], { title: "Dior Sauvage 100ml" }),
    offer(skus[2], { title: "Zyxwq Blorft Nonesuch 50 ml" }),
  ));
  assertEquals(res.status, 200);
  const statuses = await sql`select status::text, count(*)::int as n from public.retailer_listings where retailer_sku = any(${skus}) group by 1`;
  const n = (s: string) => statuses.find((r) => r.status === s)?.n ?? 0;
  assertEquals([res.body.matched, res.body.review, res.body.unmatched], [n("matched"), n("review"), n("unmatched")]);
  assertEquals(res.body.review, 1, "a title that names no concentration goes to review");
  assertEquals(res.body.unmatched, 1, "a title naming nothing known stays unmatched");
});

Deno.test("a SKU at several times is a price series; at one time, the last row counts and the others are rejected", async () => {
  const [series, repeated] = [uniq("SER"), uniq("REP")];
  const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const same = at(10); // once: two calls a millisecond apart would make a series, not a repeat
  const res = await post(feed(
    offer(series, { price: 100, observed_at: at(30) }), offer(series, { price: 90, observed_at: at(20) }),
    offer(repeated, { price: 50, observed_at: same }), offer(repeated, { price: 55, observed_at: same }),
  ));
  assertEquals([res.status, res.body.accepted, res.body.rejected], [200, 3, 1]);
  assertEquals(res.body.rejects, [{ row: 3, field: "sku", reason: "repeated in row 4, at the same observed_at (the last row counts)" }]);
  const current = await sql`select l.retailer_sku, o.price::float8 as price from public.current_offers o
    join public.retailer_listings l on l.id = o.listing_id where l.retailer_sku in (${series}, ${repeated}) order by 1`;
  assertEquals(current.map((r) => [r.retailer_sku, r.price]), [[repeated, 55], [series, 90]]);
});

Deno.test("a CSV feed with the usual affiliate columns is ingested", async () => {
  const sku = uniq("FN");
  const csv = "id,title,gtin,price,availability,link\n" +
    `${sku},"Sauvage by Dior for Men - 3.4 oz EDP Spray (Tester)",,79.99 USD,out of stock,https://www.fragrancenet.com/p/${sku}\n`;
  const res = await post(csv, { slug: "fragrancenet", type: "text/csv" });
  assertEquals([res.status, res.body.accepted, res.body.matched], [200, 1, 1]);
  const [row] = await sql`
    select f.slug, v.packaging, o.in_stock, o.currency from public.retailer_listings l
    join public.variants v on v.id = l.variant_id join public.fragrances f on f.id = v.fragrance_id
    join public.current_offers o on o.listing_id = l.id where l.retailer_sku = ${sku}`;
  assertEquals(row, { slug: "dior-sauvage-edp", packaging: "tester", in_stock: false, currency: "USD" });
});

Deno.test("Google Merchant feeds, RSS XML and TSV, go through the same batch: offers matched, rejects reported, format recorded", async () => {
  const [x1, x2, t1, t2] = [uniq("GMX"), uniq("GMX"), uniq("GMT"), uniq("GMT")];
  const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
    <item><g:id>${x1}</g:id><title>Sauvage Eau de Parfum 100 ml</title><g:brand>Dior</g:brand><link>https://www.notino.de/p/${x1}</link>
      <g:price>104.90 EUR</g:price><g:availability>in_stock</g:availability><g:condition>new</g:condition></item>
    <item><g:id>${x2}</g:id><title>Dior Sauvage Eau de Parfum 100 ml</title><link>https://www.notino.de/p/${x2}</link>
      <g:price>60.00 EUR</g:price><g:condition>refurbished</g:condition></item></channel></rss>`;
  const res = await post(xml, { type: "application/rss+xml" });
  assertEquals([res.status, res.body.accepted, res.body.matched, res.body.rejects],
    [200, 1, 1, [{ row: 2, field: "condition", reason: '"refurbished": only new products are compared' }]]);
  const tsv = "id\ttitle\tlink\tprice\tavailability\n" +
    `${t1}\tDior Sauvage Eau de Parfum 100 ml\thttps://www.notino.de/p/${t1}\t101.00 EUR\tout_of_stock\n` +
    `${t2}\tDior Sauvage Eau de Parfum 100 ml\tftp://www.notino.de/p/${t2}\t101.00 EUR\tin_stock\n`;
  const tres = await post(tsv, { type: "text/tab-separated-values" });
  assertEquals([tres.status, tres.body.accepted, tres.body.rejects.map((r: { row: number; field: string }) => [r.row, r.field])], [200, 1, [[2, "url"]]]);
  const rows = await sql`
    select l.retailer_sku, o.price, o.in_stock, b.content_type from public.retailer_listings l
    join public.current_offers o on o.listing_id = l.id
    join private.price_observations po on po.listing_id = l.id join private.ingest_batches b on b.id = po.batch_id
    where l.retailer_sku in (${x1}, ${x2}, ${t1}, ${t2}) order by l.retailer_sku`;
  assertEquals(rows.map((r) => [r.retailer_sku, r.price, r.in_stock, r.content_type]),
    [[x1, 104.9, true, "xml"], [t1, 101, false, "tsv"]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
});

Deno.test("shipping is kept when sent, with its base value; a change of shipping alone is a new current offer; a bad one is a reject", async () => {
  const [a, b, c, m] = [uniq("SHP"), uniq("SHP"), uniq("SHP"), uniq("SHP")];
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const res = await post(feed(offer(a, { shipping: 3.95, observed_at: at(3) }), offer(b, { shipping: -1 }), offer(c)));
  assertEquals([res.status, res.body.accepted, res.body.rejects], [200, 2, [{ row: 2, field: "shipping", reason: "must be 0 (free) or more" }]]);
  const current = async () =>
    Object.fromEntries((await sql`
      select l.retailer_sku, o.shipping::float, o.shipping_base::float from public.current_offers o
      join public.retailer_listings l on l.id = o.listing_id where l.retailer_sku in (${a}, ${b}, ${c}, ${m})`)
      .map((r) => [r.retailer_sku, [r.shipping, r.shipping_base]]));
  assertEquals(await current(), { [a]: [3.95, 3.95], [c]: [null, null] });
  await post(feed(offer(a, { shipping: "0", observed_at: at(2) })));
  assertEquals((await current())[a], [0, 0], "same price, free shipping now: the current offer says so");
  await post(feed(offer(a, { observed_at: at(1) })));
  assertEquals((await current())[a], [null, null], "a price sent without shipping does not say what shipping costs");
  const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>${m}</g:id>
    <title>Dior Sauvage Eau de Parfum 100 ml</title><link>https://www.notino.de/p/${m}</link><g:price>104.90 EUR</g:price>
    <g:shipping><g:country>DE</g:country><g:service>Standard</g:service><g:price>4.50 EUR</g:price></g:shipping></item></channel></rss>`;
  assertEquals((await post(xml, { type: "application/xml" })).body.accepted, 1);
  assertEquals((await current())[m], [4.5, 4.5], "a Merchant feed's g:shipping is kept");
  const [obs] = await sql`select count(*) filter (where p.shipping = 3.95)::int as with_shipping from private.price_observations p
                          join public.retailer_listings l on l.id = p.listing_id where l.retailer_sku = ${a}`;
  assertEquals(obs.with_shipping, 1, "each observation keeps the shipping sent with it");
});

Deno.test("a batch mixing valid and invalid rows keeps the valid ones and reports each reject", async () => {
  const [good, bad1, bad2, bad3] = [uniq("NOT"), uniq("NOT"), uniq("NOT"), uniq("NOT")];
  const res = await post(feed(offer(good), offer(bad1, { price: -5 }), offer(bad2, { currency: "XYZ" }), offer(bad3, { observed_at: "2001-01-01T00:00:00Z" }), 42));
  assertEquals(res.status, 200);
  assertEquals([res.body.accepted, res.body.rejected], [1, 4]);
  assertEquals(res.body.rejects, [
    { row: 2, field: "price", reason: "must be at least 0.01" },
    { row: 3, field: "currency", reason: 'unknown currency "XYZ"' },
    { row: 4, field: "observed_at", reason: "older than the 400-day horizon" },
    { row: 5, field: "row", reason: "offer must be an object" },
  ]);
  const stored = await sql`select retailer_sku from public.retailer_listings where retailer_sku in (${good}, ${bad1}, ${bad2}, ${bad3})`;
  assertEquals(stored.map((r) => r.retailer_sku), [good]);
});

Deno.test("bad requests get their documented 4xx and change nothing", async () => {
  const before = await fingerprint();
  const body = feed(offer(uniq("NOT")));
  const cases: [string, Promise<{ status: number; body: { error: { code: string } } }>, number][] = [
    ["malformed JSON", post('{"offers": [', {}), 400],
    ["JSON without offers", post('{"items": []}'), 400],
    ["malformed CSV", post('id,title,price,link\n1,"unterminated,9,https://x', { type: "text/csv" }), 400],
    ["CSV without a price column", post("id,title,link\n1,x,https://x", { type: "text/csv" }), 400],
    ["invalid UTF-8", post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400],
    ["bad signature", post(body, { secret: "whsec_wrong_secret_000" }), 401],
    ["expired signature", post(body, { t: Math.floor(Date.now() / 1000) - 600 }), 401],
    ["missing signature", post(body, { headers: { "X-Signature": "" } }), 401],
    ["unknown retailer", post(body, { slug: "no-such-shop" }), 404],
    ["unsupported media type", post(body, { type: "text/plain" }), 415],
    ["too many offers", post(feed(...Array.from({ length: 20001 }, (_, i) => offer(`X${i}`)))), 413],
  ];
  for (const [name, res, status] of cases) {
    const r = await res;
    assertEquals([name, r.status], [name, status]);
    ok(typeof r.body.error.code === "string", name);
  }
  assertEquals(await fingerprint(), before);
});

Deno.test("a body over the size limit is 413 before anything is read into the database", async () => {
  const huge = new Uint8Array(MAX_BODY_BYTES + 1).fill(0x20);
  const res = await post(huge);
  assertEquals([res.status, res.body.error.code], [413, "payload_too_large"]);
});

Deno.test("GET is 405 and a missing X-Retailer is 400", async () => {
  assertEquals((await handler(new Request("http://x/functions/v1/ingest-prices"))).status, 405);
  const res = await handler(new Request("http://x/functions/v1/ingest-prices", { method: "POST", body: "{}" }));
  assertEquals([res.status, (await res.json()).error.code], [400, "missing_retailer"]);
});

Deno.test("a retailer over its rate limit gets 429 with Retry-After", async () => {
  const manor = sql`(select id from public.retailers where slug = 'manor-ch')`;
  // Batches the seed (or another test) sent in the last minute would count: age them out first.
  await sql`update private.ingest_batches set received_at = received_at - interval '1 minute'
            where retailer_id = ${manor} and received_at > now() - interval '1 minute'`;
  await sql`update private.retailer_webhooks set rate_limit_per_minute = 1 where retailer_id = ${manor}`;
  try {
    assertEquals((await post(feed(offer(uniq("MAN"), { currency: "CHF" })), { slug: "manor-ch" })).status, 200);
    const res = await post(feed(offer(uniq("MAN"), { currency: "CHF" })), { slug: "manor-ch" });
    assertEquals([res.status, res.body.error.code], [429, "rate_limited"]);
    const wait = Number(res.headers.get("Retry-After"));
    ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  } finally {
    await sql`update private.retailer_webhooks set rate_limit_per_minute = 120 where retailer_id = (select id from public.retailers where slug = 'manor-ch')`;
  }
});

Deno.test("two concurrent overlapping batches: no overlapping history, the latest price is current", async () => {
  const skus = Array.from({ length: 40 }, () => uniq("NOT"));
  const t0 = Date.now() - 10 * 60_000;
  const older = feed(...skus.map((s) => offer(s, { price: 100, observed_at: new Date(t0).toISOString() })));
  const newer = feed(...skus.map((s) => offer(s, { price: 90, observed_at: new Date(t0 + 60_000).toISOString() })));
  const [a, b] = await Promise.all([post(newer), post(older)]);
  assertEquals([a.status, b.status], [200, 200]);
  const offers = await sql`select o.price::float as price from public.current_offers o join public.retailer_listings l on l.id = o.listing_id where l.retailer_sku in ${sql(skus)}`;
  assertEquals(offers.map((o) => o.price), Array(40).fill(90));
  const [overlaps] = await sql`
    select count(*)::int as n from public.price_history h1 join public.price_history h2
      on h1.listing_id = h2.listing_id and h1.id < h2.id and h1.valid && h2.valid
    join public.retailer_listings l on l.id = h1.listing_id where l.retailer_sku in ${sql(skus)}`;
  assertEquals(overlaps.n, 0);
  const [open] = await sql`select count(*)::int as n, min(price)::float as price from public.price_history h join public.retailer_listings l on l.id = h.listing_id
                           where l.retailer_sku in ${sql(skus)} and upper_inf(h.valid)`;
  assertEquals([open.n, open.price], [40, 90]);
});

Deno.test("a connection killed mid-batch leaves nothing of that batch visible", async () => {
  const skus = Array.from({ length: 15000 }, () => uniq("KILL"));
  const body = feed(...skus.map((s) => offer(s, { title: `Synthetic Kill Test ${s} EDP 50ml` })));
  const before = await fingerprint();
  const pending = post(body, { slug: "douglas-de" });
  let killed = false;
  for (let i = 0; i < 400 && !killed; i++) {
    // Kill it while the server works on the batch (not while the client still streams the query:
    // postgres-js then throws from a socket callback, an uncaught error of the library's own).
    const running = await sql`select pid from pg_stat_activity
      where query like '%private.ingest_price_batch(%' and state = 'active' and now() - query_start > interval '100 ms'
        and pid <> pg_backend_pid()`;
    if (running.length) {
      await sql`select pg_terminate_backend(${running[0].pid})`;
      killed = true;
    } else await new Promise((ok) => setTimeout(ok, 5));
  }
  const res = await pending;
  ok(killed, "the batch was caught running");
  assertEquals([res.status, res.body.error.code], [503, "database_unavailable"]);
  assertEquals(await fingerprint(), before);
  const [run] = await sql`select status, rows_in::int, error from private.pipeline_runs
                          where pipeline = 'price-ingest' and subject = 'douglas-de' order by id desc limit 1`;
  assertEquals([run.status, run.rows_in], ["failed", 15000], "the failed batch is recorded as a failed run");
  ok(run.error.length > 0);
});

Deno.test("a 100x price is held for review, stays out of best offers, and becomes current once approved", async () => {
  const sku = uniq("NOT");
  const day = 24 * 3600_000;
  for (const [i, price] of [[5, 100], [4, 102], [3, 99]] as const) {
    assertEquals((await post(feed(offer(sku, { price, observed_at: new Date(Date.now() - i * day).toISOString() })))).status, 200);
  }
  const res = await post(feed(offer(sku, { price: 10_100 })));
  assertEquals([res.status, res.body.anomalies], [200, 1]);
  const [held] = await sql`select a.id, a.kind, a.reason, o.price::float as current from private.price_anomalies a
                           join public.retailer_listings l on l.id = a.listing_id join public.current_offers o on o.listing_id = l.id
                           where l.retailer_sku = ${sku}`;
  assertEquals([held.kind, held.current], ["currency_error", 99]);
  ok(held.reason.includes("100x"), held.reason);
  const reviewed = await sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true)`;
    return (await tx`select public.review_price_anomaly(${held.id}, true) as s`)[0].s;
  });
  assertEquals(reviewed, "approved");
  const [now] = await sql`select o.price::float as price, o.price_per_100ml_base::float as per_100ml
                          from public.current_offers o join public.retailer_listings l on l.id = o.listing_id where l.retailer_sku = ${sku}`;
  assertEquals([now.price, now.per_100ml], [10100, 10100], "the approved price, per 100 ml of its 100 ml bottle");
  // The next feed resends the approved price: it is the current price, so it is not held again
  // (its flagged observation is still left out of the 30-day median).
  const again = await post(feed(offer(sku, { price: 10_100, observed_at: new Date(Date.now() - 30_000).toISOString() })));
  assertEquals([again.status, again.body.anomalies], [200, 0]);
});

Deno.test("a feed resending a listing unchanged rewrites neither the listing nor its history; a retitle updates the listing", async () => {
  const sku = uniq("NOT");
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const state = async () => {
    const [r] = await sql`
      select l.title, l.updated_at::text as listing_updated, o.observed_at::text as offer_observed,
             (select count(*)::int from public.price_history h where h.listing_id = l.id) as ranges,
             (select count(*)::int from private.price_observations p where p.listing_id = l.id) as observations
      from public.retailer_listings l join public.current_offers o on o.listing_id = l.id where l.retailer_sku = ${sku}`;
    return r;
  };
  assertEquals((await post(feed(offer(sku, { observed_at: at(30) })))).status, 200);
  const first = await state();
  assertEquals((await post(feed(offer(sku, { observed_at: at(20) })))).status, 200);
  const second = await state();
  assertEquals([second.listing_updated, second.ranges, second.observations], [first.listing_updated, 1, 2]);
  ok(second.offer_observed > first.offer_observed, "the current offer's observed_at moves");
  assertEquals((await post(feed(offer(sku, { title: "DIOR SAUVAGE EDP SPRAY 3.4 OZ", observed_at: at(10) })))).status, 200);
  const third = await state();
  assertEquals([third.title, third.ranges, third.observations], ["DIOR SAUVAGE EDP SPRAY 3.4 OZ", 1, 3]);
  ok(third.listing_updated > first.listing_updated, "the retitled listing is written");
});

Deno.test("only rows of new or retitled listings need their title's parse: a batch missing one is refused (SM428) and writes nothing", async () => {
  const known = uniq("NOT");
  assertEquals((await post(feed(offer(known)))).status, 200);
  const row = (sku: string, over: Record<string, unknown> = {}) => ({ row: 1, ...offer(sku), ...over });
  const [ok1] = await ingestBatch([row(known, { price: 99 })]);
  assertEquals([ok1.r.accepted, ok1.r.matched], [1, 1], "a known listing under its known title needs no parse");
  const before = await fingerprint();
  for (const rows of [[row(known, { price: 98 }), row(uniq("NOT"), { row: 2 })], [row(known, { title: "Dior Sauvage Parfum 100 ml" })]]) {
    const err = await ingestBatch(rows).catch((e) => e);
    assertEquals(err.code, "SM428", "a new listing, then a retitled one, without its parse");
  }
  assertEquals(await fingerprint(), before);
});

Deno.test("a known listing takes what a batch changes about it: a late row moves first seen back, a new GTIN is kept", async () => {
  const sku = uniq("NOT");
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  assertEquals((await post(feed(offer(sku, { observed_at: at(10) })))).status, 200);
  const listing = async () =>
    (await sql`select first_seen_at, gtin, title from public.retailer_listings where retailer_sku = ${sku}`)[0];
  const first = await listing();
  assertEquals((await post(feed(offer(sku, { observed_at: at(5) })))).status, 200);
  assertEquals(await listing(), first, "a later row with nothing new leaves the listing alone");
  // the variant's own GTIN, so the listing stays consistent for the data-quality checks
  const [{ gtin }] = await sql`select v.gtin from public.retailer_listings l join public.variants v on v.id = l.variant_id
                               where l.retailer_sku = ${sku}`;
  ok(gtin && !first.gtin, "a matched listing without a GTIN, of a variant with one");
  const lateRow = at(30);
  assertEquals((await post(feed(offer(sku, { observed_at: lateRow, gtin })))).status, 200);
  const late = await listing();
  assertEquals([late.first_seen_at.toISOString(), late.gtin, late.title], [lateRow, gtin, first.title],
    "a row older than the listing's first sighting moves it back; its GTIN is kept");
});

Deno.test("row numbers repeated within a batch are refused (22023) and nothing is written", async () => {
  const before = await fingerprint();
  const err = await ingestBatch([{ row: 1, ...offer(uniq("NOT")) }, { row: 1, ...offer(uniq("NOT")) }]).catch((e) => e);
  assertEquals([err.code, err.message], ["22023", "row numbers must be unique within a batch"]);
  assertEquals(await fingerprint(), before);
});

Deno.test("a listing retitled behind the handler's back is still matched: the handler resends the batch with every parse", async () => {
  const sku = uniq("NOT");
  assertEquals((await post(feed(offer(sku)))).body.matched, 1);
  // Another sender (or a person) retitles the listing and unmatches it; this handler still believes it
  // delivered the Sauvage title last, so it first sends the row without its parse.
  await sql`update public.retailer_listings set title = 'Unknown Oud 50 ml', variant_id = null, status = 'unmatched', match_method = null, match_confidence = null
            where retailer_sku = ${sku}`;
  const res = await post(feed(offer(sku, { price: 101 })));
  assertEquals([res.status, res.body.accepted, res.body.matched], [200, 1, 1]);
  const [l] = await sql`select l.title, f.slug from public.retailer_listings l join public.variants v on v.id = l.variant_id
                        join public.fragrances f on f.id = v.fragrance_id where l.retailer_sku = ${sku}`;
  assertEquals([l.title, l.slug], ["Dior Sauvage Eau de Parfum 100 ml", "dior-sauvage-edp"]);
});

Deno.test("POST /functions/v1/ingest-prices over HTTP needs no JWT, only the signature", async () => {
  const res = await post(feed(offer(uniq("NOT"))), { http: true });
  assertEquals([res.status, res.body.accepted], [200, 1]);
  const bad = await post(feed(offer(uniq("NOT"))), { http: true, secret: "whsec_wrong_secret_000" });
  assertEquals([bad.status, bad.body.error.code], [401, "invalid_signature"]);
  notDeepStrictEqual(bad.body.error.message.includes("whsec"), true);
});

Deno.test("a feed marked complete puts the offers it omits out of stock and says how many; a partial feed never does", async () => {
  // A retailer of its own: a complete feed speaks for every offer of its retailer.
  const slug = uniq("complete").toLowerCase();
  const [{ id }] = await sql`insert into public.retailers (slug, name, country, currency, feed_format, update_interval, website)
                             values (${slug}, 'Complete Feeds', 'DE', 'EUR', 'json', '1 day', 'https://complete.example') returning id`;
  await sql`insert into private.retailer_webhooks (retailer_id, secret) values (${id}, ${`whsec_dev_${slug}`})`;
  const stock = async () => Object.fromEntries((await sql`
    select l.retailer_sku, o.in_stock from public.current_offers o join public.retailer_listings l on l.id = o.listing_id
    where o.retailer_id = ${id}`).map((r) => [r.retailer_sku, r.in_stock]));
  const at = (s: number) => new Date(Date.now() - s * 1000).toISOString();
  const [a, b, c] = ["A", "B", "C"].map((x) => `${slug}-${x}`);

  const first = await post(feed(offer(a, { observed_at: at(300) }), offer(b, { observed_at: at(300) }), offer(c, { observed_at: at(300) })), { slug });
  assertEquals([first.status, first.body.withdrawn], [200, undefined], "a partial feed's answer has no withdrawn count");
  const partial = await post(feed(offer(a, { observed_at: at(200) })), { slug });
  assertEquals([partial.status, await stock()], [200, { [a]: true, [b]: true, [c]: true }], "a partial feed withdraws nothing");

  // b is omitted, c is sent but rejected (bad price): only b goes out of stock
  const full = await post(JSON.stringify({ complete: true, offers: [offer(a, { observed_at: at(100) }), offer(c, { price: "n/a" })] }), { slug });
  assertEquals([full.status, full.body.withdrawn, full.body.rejected], [200, 1, 1]);
  assertEquals(await stock(), { [a]: true, [b]: false, [c]: true });
  const [h] = await sql`select count(*)::int as ranges, bool_or(upper_inf(valid) and not in_stock) as open_out
                        from public.price_history h join public.retailer_listings l on l.id = h.listing_id where l.retailer_sku = ${b}`;
  assertEquals([h.ranges, h.open_out], [2, true], "the history says when it went out of stock");

  const again = await post(JSON.stringify({ complete: true, offers: [offer(a, { observed_at: at(50) }), offer(c, { observed_at: at(50) })] }), { slug });
  assertEquals(again.body.withdrawn, 0, "what is already out of stock is not withdrawn again");
  const bad = await post(JSON.stringify({ complete: "yes", offers: [offer(a)] }), { slug });
  assertEquals([bad.status, bad.body.error.code], [400, "malformed_body"]);
});
