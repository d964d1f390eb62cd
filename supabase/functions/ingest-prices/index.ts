/**
 * `POST /functions/v1/ingest-prices`: a retailer pushes its price feed.
 * The HMAC signature is the authentication (verify_jwt = false in config.toml).
 * See docs/PRICES.md for the contract; the SQL behind it is private.ingest_price_batch.
 */
import { db, type Sql } from "../_shared/db.ts";
import { allowMethods, databaseUnavailable, handle, HttpError, json, stopwatch, unavailable } from "../_shared/http.ts";
import { parseListingTitle } from "../_shared/listing-title.ts";
import { compileVocabulary, extendVocabulary, loadVocabulary, normalizeName, type Vocabulary, type VocabularyRows, withNamesIn, withNamesOf } from "../_shared/vocabulary.ts";
import { type FeedFormat, MalformedFeed, type Offer, readFeed, sentSkus, validate } from "./feed.ts";
import { readMerchantTsv, readMerchantXml } from "./merchant.ts";
import { sha256Hex, verify } from "../_shared/signature.ts";

/** Largest body accepted (413 above it). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
const VOCABULARY_TTL_MS = 5 * 60 * 1000;
const MAX_CACHED_PARSES = 200_000;
const MAX_SENT_TITLES = 500_000;
/**
 * The SQLSTATEs private.ingest_price_batch raises for this function, each raised once there
 * (supabase/schemas/prices/ingest.sql).
 */
export const SQLSTATE = {
  /** A row of a new or retitled listing came without its title's parse: nothing was written; send every parse. */
  parseNeeded: "SM428",
  /** The Idempotency-Key was used before with another body: answered 409. */
  idempotencyConflict: "SM409",
} as const;

/** A batch of 20,000 new listings may take this long in the database (seconds); the request, a little longer. */
const STATEMENT_TIMEOUT = 60;
const DEADLINE_MS = 65_000;

type Webhook = {
  retailer_id: string; currency: string; secrets: string[]; rate_limit_per_minute: number; max_batch_rows: number;
  /** Batches received in the last minute, and the seconds until the oldest of them is a minute old (the database's clock). */
  recent: number; window_ends_in: number | null;
};

/** Reads the body, refusing to buffer more than `limit` bytes. */
async function readBody(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const tooLarge = () => new HttpError(413, "payload_too_large", `body exceeds ${limit} bytes`);
  if (declared > limit) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (body.set(c, at), at += c.length);
  return body;
}

const FORMATS: Record<string, FeedFormat> = {
  "application/json": "json", "text/csv": "csv", "application/csv": "csv",
  "application/xml": "xml", "text/xml": "xml", "application/rss+xml": "xml", "application/atom+xml": "xml",
  "text/tab-separated-values": "tsv",
};

function feedFormat(contentType: string | null): FeedFormat {
  const format = FORMATS[(contentType ?? "").split(";")[0].trim().toLowerCase()];
  if (!format) {
    throw new HttpError(415, "unsupported_media_type",
      "Content-Type must be application/json, text/csv, or a Google Merchant feed: application/xml (RSS or Atom) or text/tab-separated-values");
  }
  return format;
}

/**
 * The retailer's webhook settings and its last minute of batches, in one round trip; secrets are read by
 * the connection's owner role, never by an API role.
 */
async function webhookOf(sql: Sql, slug: string): Promise<Webhook | null> {
  const [w] = await sql<Webhook[]>`
    select r.id as retailer_id, r.currency,
           array_remove(array[w.secret, case when w.previous_valid_until > now() then w.previous_secret end], null) as secrets,
           w.rate_limit_per_minute, (private.setting('max_batch_rows'))::int as max_batch_rows, m.recent,
           ceil(extract(epoch from m.oldest + interval '1 minute' - now()))::int as window_ends_in
    from public.retailers r join private.retailer_webhooks w on w.retailer_id = r.id
    cross join lateral (
      select count(*)::int as recent, min(b.received_at) as oldest from private.ingest_batches b
      where b.retailer_id = r.id and b.received_at > now() - interval '1 minute'
    ) m
    where r.slug = ${slug} and r.active`;
  return w ?? null;
}

/** Seconds until the retailer may send again, or 0 when under its limit. */
function retryAfter(w: Webhook): number {
  if (w.recent < w.rate_limit_per_minute) return 0;
  return Math.max(1, w.window_ends_in ?? 60);
}

/**
 * Records a batch the database failed on as a failed price-ingest run (a batch that succeeds is recorded
 * by a trigger in its own transaction). Best effort: the database may be what failed.
 */
async function recordFailure(sql: Sql, slug: string, startedAt: Date, rows: number, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  try {
    await sql`select private.record_pipeline_run('price-ingest', ${startedAt}, ${rows}, 0, 0, ${message}, '{}', ${slug})`;
  } catch (recordErr) {
    console.error(JSON.stringify({ level: "error", fn: "ingest-prices", retailer: slug, error: message, unrecorded: String(recordErr) }));
  }
}

type Parse = { brand: string | null; name: string; concentration: string | null; size_ml: number | null; packaging: string; gender: string | null; quantity: number };

/**
 * Title parses, cached per isolate with the vocabulary they were made with (reloaded every 5
 * minutes): a feed resends the same titles every batch. The catalog names of a brand are loaded
 * the first time a title names it.
 */
function titleParser(sql: () => Sql) {
  let loaded: { at: number; rows: VocabularyRows; vocabulary: Vocabulary } | null = null;
  let parses = new Map<string, Parse>();
  return async (titles: string[]): Promise<Parse[]> => {
    if (!loaded || Date.now() - loaded.at > VOCABULARY_TTL_MS) {
      const rows = await loadVocabulary(sql());
      loaded = { at: Date.now(), rows, vocabulary: compileVocabulary(rows) };
      parses = new Map();
    }
    if (parses.size > MAX_CACHED_PARSES) parses = new Map();  // (before the titles not cached are picked)
    // Each new title is parsed with the catalog names loaded so far, and again when that lacked some:
    // every name of the brand it names, or, naming none, the names among its phrases (so a parse
    // depends on the catalog, not on what is loaded). Once a feed's brands are loaded, a title is
    // read once.
    const v = loaded.vocabulary;
    const fresh = [...new Set(titles.filter((t) => !parses.has(t)))];
    const read = new Map(fresh.map((t) => [t, parseListingTitle(t, v)]));
    const named = new Map(fresh.map((t) => [t, catalogBrand(read.get(t)!.brand, v)]));
    const missing = new Set([...named.values()].filter((b): b is string => b !== null && !v.brandsWithNames.has(b)));
    const unbranded = fresh.filter((t) => named.get(t) === null);
    const rows = await withNamesIn(sql(), await withNamesOf(sql(), loaded.rows, [...missing]), unbranded);
    if (rows !== loaded.rows) {
      loaded.rows = rows;
      loaded.vocabulary = extendVocabulary(v, rows);
      for (const [t, b] of named) {
        if (b === null || missing.has(b)) read.set(t, parseListingTitle(t, loaded.vocabulary));
      }
    }
    for (const [title, t] of read) {
      parses.set(title, { brand: t.brand, name: t.name, concentration: t.concentration, size_ml: t.sizeMl, packaging: t.packaging, gender: t.gender, quantity: t.quantity });
    }
    return titles.map((title) => parses.get(title)!);
  };
}

/** The brand a parse names when it is a catalog brand (not one read from "by X" that the catalog lacks), else null. */
function catalogBrand(brand: string | null, v: Vocabulary): string | null {
  return brand !== null && v.brands.get(normalizeName(brand)) === brand ? brand : null;
}

/**
 * The title this isolate last delivered for each listing (retailer and SKU). Only new and retitled
 * listings are matched, so only their rows need the title's parse; the rest go without it. An entry
 * that is wrong (another isolate retitled the listing) costs a retry, never a missed match: the
 * database refuses a batch that lacks a parse it needs (SQLSTATE.parseNeeded).
 */
function deliveredTitles() {
  let titles = new Map<string, string>();
  const key = (retailer: string, sku: string) => `${retailer}\n${sku}`;
  return {
    has: (retailer: string, o: Offer) => titles.get(key(retailer, o.sku)) === o.title,
    remember(retailer: string, offers: Offer[]) {
      if (titles.size + offers.length > MAX_SENT_TITLES) titles = new Map();
      for (const o of offers) titles.set(key(retailer, o.sku), o.title);
    },
  };
}

export function ingestPricesHandler(sql: () => Sql) {
  const parseTitles = titleParser(sql);
  const delivered = deliveredTitles();
  return handle(async (req) => {
    allowMethods(req, "POST");
    const timing = stopwatch();
    const slug = req.headers.get("x-retailer")?.trim();
    if (!slug) throw new HttpError(400, "missing_retailer", "X-Retailer header is required");
    const body = await readBody(req, MAX_BODY_BYTES);
    timing.lap("read");

    const webhook = await webhookOf(sql(), slug);
    if (!webhook) throw new HttpError(404, "unknown_retailer", `no active retailer "${slug}"`);
    const check = await verify(req.headers.get("x-signature"), body, webhook.secrets);
    if (!check.ok) throw new HttpError(401, "invalid_signature", check.reason);
    timing.lap("auth");

    const format = feedFormat(req.headers.get("content-type"));
    const wait = retryAfter(webhook);
    if (wait > 0) {
      throw new HttpError(429, "rate_limited", `at most ${webhook.rate_limit_per_minute} batches per minute`, null, { "Retry-After": String(wait) });
    }

    const idempotencyKey = req.headers.get("idempotency-key")?.trim() || null;
    if (idempotencyKey && idempotencyKey.length > 255) throw new HttpError(400, "invalid_idempotency_key", "Idempotency-Key is longer than 255 characters");

    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new HttpError(400, "malformed_body", "body is not valid UTF-8");
    }
    const signedAt = new Date(check.timestamp * 1000).toISOString(); // a sale price holds then; the default observed_at
    let raw: Record<string, unknown>[];
    let complete: boolean;
    try {
      ({ records: raw, complete } = format === "xml" ? { records: readMerchantXml(text, signedAt), complete: false }
        : format === "tsv" ? { records: readMerchantTsv(text, signedAt), complete: false }
        : readFeed(text, format));
    } catch (err) {
      if (err instanceof MalformedFeed) throw new HttpError(400, "malformed_body", err.message);
      throw err;
    }
    if (raw.length === 0) throw new HttpError(400, "empty_batch", "the body holds no offers: send at least one");
    if (raw.length > webhook.max_batch_rows) {
      throw new HttpError(413, "too_many_offers", `at most ${webhook.max_batch_rows} offers per call, got ${raw.length}`);
    }
    const { offers, rejects } = validate(raw, { currency: webhook.currency, observedAt: signedAt });
    /** The offers, with the title's parse on the rows that may need matching (every row when `all`). */
    const withParses = async (all: boolean) => {
      const unparsed = offers.filter((o) => all || !delivered.has(webhook.retailer_id, o));
      const parses = await parseTitles(unparsed.map((o) => o.title));
      const parseOf = new Map(unparsed.map((o, i) => [o, parses[i]]));
      return offers.map((o) => parseOf.has(o) ? { ...o, parsed: parseOf.get(o) } : o);
    };
    let rows = await withParses(false);
    timing.lap("parse");

    const startedAt = new Date();
    try {
      // One statement, so one transaction: the batch lands whole or not at all. No explicit BEGIN:
      // postgres-js 3.4.9 crashes the isolate when a connection dies inside sql.begin() (porsager/postgres#1208).
      // No JavaScript array as a parameter: postgres-js may send one as "a,b" on a connection's first
      // query (porsager/postgres#789), so the SKUs go as JSON.
      const db = sql();
      const payloadHash = await sha256Hex(body);
      const ingest = async () => {
        const [r] = await db`
          select private.ingest_price_batch(${webhook.retailer_id}, ${idempotencyKey}, ${payloadHash}, ${format},
                                            ${db.json(rows)}, ${db.json(rejects)},
                                            (select case when j is not null then array(select jsonb_array_elements_text(j)) end
                                             from (select ${complete ? db.json(sentSkus(raw)) : null}::jsonb as j) as complete)) as result`;
        return r.result;
      };
      let result: unknown;
      try {
        result = await ingest();
      } catch (err) {
        if ((err as { code?: string }).code !== SQLSTATE.parseNeeded) throw err;
        rows = await withParses(true); // a listing was retitled elsewhere: nothing was written, send every parse
        result = await ingest();
      }
      delivered.remember(webhook.retailer_id, offers);
      timing.lap("db");
      return json(result, 200, { "Server-Timing": timing.header() });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === SQLSTATE.idempotencyConflict) throw new HttpError(409, "idempotency_conflict", "this Idempotency-Key was already used with a different body");
      await recordFailure(sql(), slug, startedAt, raw.length, err);
      // The batch's transaction died with its connection (or was never begun): nothing of it was written.
      if (databaseUnavailable(err)) throw unavailable("the database is unavailable; nothing of this batch was written, retry");
      throw err;
    }
  }, { deadlineMs: DEADLINE_MS });
}

export const handler = ingestPricesHandler(() => db(STATEMENT_TIMEOUT));

if (import.meta.main) Deno.serve(handler);
