/**
 * Retailer price feeds, JSON (`{"offers": [...]}`) or CSV (an affiliate product
 * feed with a header row), parsed into offers and per-row rejects. Pure: no I/O.
 *
 * Fields (JSON keys, or CSV columns; aliases in brackets), as parsed here; what each value must be
 * is decided by the database (docs/PRICES.md lists both):
 *   sku [id]             text
 *   title                text
 *   price                a number, or "129.99", "129,99", "129.99 USD"
 *   currency             text; defaults to the retailer's currency
 *   url [link]           text (an http or https scheme in any case is stored lower-case)
 *   gtin [ean, upc]      text, optional
 *   in_stock [availability]  true/false, or "in stock", "out of stock", "preorder", "backorder"
 *   observed_at [updated_at] ISO-8601 time (UTC when it names no offset); defaults to the signature time
 *   shipping [shipping_cost] optional; like price, in the price's currency (0 is free shipping)
 */

export type Offer = {
  row: number; sku: string; title: string; url: string; gtin: string | null;
  price: number; currency: string; in_stock: boolean; observed_at: string; shipping?: number;
};
export type Reject = { row: number; field: string; reason: string };
/** json and csv are ours (readFeed); xml and tsv are Google Merchant Center's (merchant.ts). */
export type FeedFormat = "json" | "csv" | "xml" | "tsv";

/** The body cannot be read as a feed at all (→ 400). */
export class MalformedFeed extends Error {}

const ALIASES: Record<string, string> = {
  id: "sku", link: "url", ean: "gtin", upc: "gtin", availability: "in_stock", updated_at: "observed_at", shipping_cost: "shipping",
};
const canonical = (k: string) => ALIASES[k.trim().toLowerCase()] ?? k.trim().toLowerCase();

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, optional BOM), or TSV with a tab. */
export function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"', i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) (row.push(field), field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new MalformedFeed("unterminated quoted field in CSV");
  row.push(field);
  if (row.length > 1 || row[0] !== "") rows.push(row);
  return rows;
}

/**
 * A feed's raw records (field → value) in body order, and whether it is marked complete: a JSON
 * feed with `"complete": true` holds every offer the retailer has (the ones it omits are no longer
 * offered). Only JSON can say so, inside the signed body; CSV feeds are partial.
 */
export function readFeed(body: string, format: "json" | "csv"): { records: Record<string, unknown>[]; complete: boolean } {
  if (format === "json") {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new MalformedFeed(`body is not valid JSON: ${(err as Error).message}`);
    }
    const offers = (doc as { offers?: unknown })?.offers;
    if (!Array.isArray(offers)) throw new MalformedFeed('JSON body must be an object with an "offers" array');
    const complete = (doc as { complete?: unknown }).complete ?? false;
    if (typeof complete !== "boolean") throw new MalformedFeed('"complete" must be true or false');
    return { complete, records: offers.map((o) => {
      if (!o || typeof o !== "object" || Array.isArray(o)) return { __invalid: true };
      const r: Record<string, unknown> = {};
      for (const k in o) if (k !== "__proto__") r[canonical(k)] = (o as Record<string, unknown>)[k];
      return r;
    }) };
  }
  const [header, ...lines] = parseCsv(body);
  if (!header) throw new MalformedFeed("CSV body is empty: a header row is required");
  const cols = header.map(canonical);
  for (const required of ["sku", "title", "price", "url"]) {
    if (!cols.includes(required)) throw new MalformedFeed(`CSV header lacks a "${required}" column`);
  }
  return {
    complete: false,
    records: lines.map((cells) =>
      cells.length !== cols.length
        ? { __invalid: `expected ${cols.length} columns, found ${cells.length}` }
        : Object.fromEntries(cols.map((c, i) => [c, cells[i]]))
    ),
  };
}

/** The SKU of every record that names one, valid or not (a complete feed's rows: what the retailer still offers). */
export function sentSkus(raw: Record<string, unknown>[]): string[] {
  const skus = new Set<string>();
  for (const r of raw) {
    if (typeof r.sku === "string" || typeof r.sku === "number") {
      const sku = String(r.sku).trim();
      if (sku) skus.add(sku);
    }
  }
  return [...skus];
}

/** Text the database cannot hold in any field: NUL, or half of a UTF-16 surrogate pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const PRICE = /^(\d{1,15}(?:[.,]\d{1,9})?)(?:\s*([A-Za-z]{3}))?$/;

/** "129.99", "129,99" or "129.99 USD": the amount, and the currency when it names one; null when it is none of these. */
function parseAmount(text: string): { value: number; currency?: string } | null {
  const m = PRICE.exec(text);
  return m ? { value: Number(m[1].replace(",", ".")), currency: m[2]?.toUpperCase() } : null;
}

const AVAILABILITY: Record<string, boolean> = {
  "true": true, "false": false, "1": true, "0": false, "yes": true, "no": false,
  "in stock": true, "in_stock": true, "instock": true, "available": true, "limited availability": true,
  "out of stock": false, "out_of_stock": false, "outofstock": false, "sold out": false, "discontinued": false,
  "preorder": false, "pre-order": false, "backorder": false,
};

/** An ISO-8601 time as PostgreSQL stores it (UTC when it names no offset), or null when it is not one. */
export function parseTime(text: string): string | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", sec = "00", fraction = "", zone = "Z"] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (year < 1 || !days || day < 1 || day > days || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  const offset = /^z$/i.test(zone) ? "Z" : `${zone.slice(0, 3)}:${zone.slice(3).replace(":", "") || "00"}`;
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/**
 * Parses records into typed offers: each field to its type (text, a number, a boolean, a time), and a
 * row with a field that cannot be read as its type is rejected with that field, and left out. What a
 * value must be (not blank, an http(s) URL, a valid GTIN, a price that stores as at least 0.01, ...) is
 * not decided here: the database's constraints are the rules, and the batch turns a row that breaks
 * one into a reject (supabase/schemas/prices/ingest_rules.sql).
 */
export function validate(raw: Record<string, unknown>[], defaults: { currency: string; observedAt: string }) {
  const offers: Offer[] = [];
  const rejects: Reject[] = [];
  raw.forEach((r, i) => {
    const row = i + 1;
    const bad: Reject[] = [];
    const fail = (field: string, reason: string) => bad.push({ row, field, reason });
    if (r.__invalid) {
      const why = r.__invalid as string | { field: string; reason: string } | true;
      rejects.push(typeof why === "object" ? { row, ...why } : { row, field: "row", reason: typeof why === "string" ? why : "offer must be an object" });
      return;
    }
    /** A text field: a string or a number, trimmed ("" when absent). */
    const text = (field: string): string => {
      const v = r[field];
      if (v === undefined || v === null) return "";
      if (typeof v !== "string" && typeof v !== "number") {
        fail(field, `must be text or a number, not ${Array.isArray(v) ? "an array" : typeof v}`);
        return "";
      }
      const t = String(v).trim();
      if (UNSTORABLE.test(t)) {
        fail(field, "holds a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)");
        return "";
      }
      return t;
    };

    const sku = text("sku");
    const title = text("title");
    // URL schemes are case-insensitive; the stored form is lower-case (HTTPS://x is https://x).
    const url = text("url").replace(/^https?:/i, (scheme) => scheme.toLowerCase());
    const gtin = text("gtin") || null;
    let currency = text("currency").toUpperCase() || defaults.currency;

    let price = NaN;
    if (typeof r.price === "number") price = r.price;
    else {
      const p = text("price");
      const amount = parseAmount(p);
      if (amount) {
        price = amount.value;
        if (amount.currency) currency = amount.currency;
      } else if (!bad.some((b) => b.field === "price")) fail("price", p ? `"${p}" is not a price` : "required");
    }
    if (!Number.isFinite(price) && !bad.some((b) => b.field === "price")) fail("price", "is not a finite number");

    let shipping: number | undefined;
    if (typeof r.shipping === "number") shipping = r.shipping;
    else {
      const s = text("shipping");
      const amount = parseAmount(s);
      if (amount) {
        shipping = amount.value;
        if (amount.currency && amount.currency !== currency) fail("shipping", `must be in the price's currency (${currency}), not ${amount.currency}`);
      } else if (s) fail("shipping", `"${s}" is not an amount`);
    }
    if (shipping !== undefined && !Number.isFinite(shipping)) fail("shipping", "is not a finite number");

    let inStock = true;
    if (typeof r.in_stock === "boolean") inStock = r.in_stock;
    else {
      const v = text("in_stock");
      if (v) {
        const known = AVAILABILITY[v.toLowerCase()];
        if (known === undefined) fail("in_stock", `"${v}" is not an availability`);
        else inStock = known;
      }
    }

    let observedAt = defaults.observedAt;
    const at = text("observed_at");
    if (at) {
      const parsed = parseTime(at);
      if (parsed) observedAt = parsed;
      else fail("observed_at", "must be an ISO-8601 time, e.g. 2026-12-01T10:00:00Z");
    }

    if (bad.length) rejects.push(...bad);
    else offers.push({ row, sku, title, url, gtin, price, currency, in_stock: inStock, observed_at: observedAt, ...(shipping === undefined ? {} : { shipping }) });
  });
  return { offers, rejects };
}
