/**
 * Retailer price feeds, JSON (`{"offers": [...]}`) or CSV (an affiliate product
 * feed with a header row), parsed into offers and per-row rejects. Pure: no I/O.
 *
 * Fields (JSON keys, or CSV columns; aliases in brackets):
 *   sku [id]             required  the retailer's product id
 *   title                required  product title as the shop shows it
 *   price                required  > 0; "129.99", "129,99" or "129.99 USD"
 *   currency             ISO-4217; defaults to the retailer's currency
 *   url [link]           required  http(s) product page
 *   gtin [ean, upc]      optional  GTIN-8/12/13/14 with a valid check digit
 *   in_stock [availability]  true/false, or "in stock", "out of stock", "preorder", "backorder"
 *   observed_at [updated_at] ISO-8601 time; defaults to the signature time
 */

export type Offer = {
  row: number; sku: string; title: string; url: string; gtin: string | null;
  price: number; currency: string; in_stock: boolean; observed_at: string;
};
export type Reject = { row: number; field: string; reason: string };
export type FeedFormat = "json" | "csv";

/** The body cannot be read as a feed at all (→ 400). */
export class MalformedFeed extends Error {}

const ALIASES: Record<string, string> = {
  id: "sku", link: "url", ean: "gtin", upc: "gtin", availability: "in_stock", updated_at: "observed_at",
};
const canonical = (k: string) => ALIASES[k.trim().toLowerCase()] ?? k.trim().toLowerCase();

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, optional BOM). */
export function parseCsv(text: string): string[][] {
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
    else if (c === ",") (row.push(field), field = "");
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

/** Raw records (field → value) in body order. */
export function records(body: string, format: FeedFormat): Record<string, unknown>[] {
  if (format === "json") {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new MalformedFeed(`body is not valid JSON: ${(err as Error).message}`);
    }
    const offers = (doc as { offers?: unknown })?.offers;
    if (!Array.isArray(offers)) throw new MalformedFeed('JSON body must be an object with an "offers" array');
    return offers.map((o) => {
      if (!o || typeof o !== "object" || Array.isArray(o)) return { __invalid: true };
      const r: Record<string, unknown> = {};
      for (const k in o) if (k !== "__proto__") r[canonical(k)] = (o as Record<string, unknown>)[k];
      return r;
    });
  }
  const [header, ...lines] = parseCsv(body);
  if (!header) throw new MalformedFeed("CSV body is empty: a header row is required");
  const cols = header.map(canonical);
  for (const required of ["sku", "title", "price", "url"]) {
    if (!cols.includes(required)) throw new MalformedFeed(`CSV header lacks a "${required}" column`);
  }
  return lines.map((cells) =>
    cells.length !== cols.length
      ? { __invalid: `expected ${cols.length} columns, found ${cells.length}` }
      : Object.fromEntries(cols.map((c, i) => [c, cells[i]]))
  );
}

const gtinValid = (code: string) => {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
};

const AVAILABILITY: Record<string, boolean> = {
  "true": true, "false": false, "1": true, "0": false, "yes": true, "no": false,
  "in stock": true, "in_stock": true, "instock": true, "available": true, "limited availability": true,
  "out of stock": false, "out_of_stock": false, "outofstock": false, "sold out": false, "discontinued": false,
  "preorder": false, "pre-order": false, "backorder": false,
};

/** Validates records into offers; every bad field of a row becomes one reject, and the row is left out. */
export function validate(raw: Record<string, unknown>[], defaults: { currency: string; observedAt: string }) {
  const offers: Offer[] = [];
  const rejects: Reject[] = [];
  raw.forEach((r, i) => {
    const row = i + 1;
    const bad: Reject[] = [];
    const fail = (field: string, reason: string) => bad.push({ row, field, reason });
    if (r.__invalid) {
      rejects.push({ row, field: "row", reason: typeof r.__invalid === "string" ? r.__invalid : "offer must be an object" });
      return;
    }
    const texts: Record<string, string> = {};
    const text = (k: string) => (texts[k] ??= r[k] === undefined || r[k] === null ? "" : String(r[k]).trim());

    const sku = text("sku");
    if (!sku) fail("sku", "required");
    else if (sku.length > 255) fail("sku", "longer than 255 characters");
    const title = text("title");
    if (!title) fail("title", "required");
    else if (title.length > 500) fail("title", "longer than 500 characters");

    let price = NaN;
    let currency = text("currency").toUpperCase() || defaults.currency;
    if (typeof r.price === "number") price = r.price;
    else {
      const m = /^(\d{1,9}(?:[.,]\d{1,4})?)(?:\s*([A-Za-z]{3}))?$/.exec(text("price"));
      if (m) {
        price = Number(m[1].replace(",", "."));
        if (m[2]) currency = m[2].toUpperCase();
      }
    }
    if (!Number.isFinite(price)) fail("price", text("price") ? `"${text("price")}" is not a price` : "required");
    else if (price <= 0) fail("price", "must be greater than 0");
    else if (price >= 1e9) fail("price", "too large");
    if (!/^[A-Z]{3}$/.test(currency)) fail("currency", `"${currency}" is not an ISO-4217 code`);

    const url = text("url");
    if (!url) fail("url", "required");
    else if (!/^https?:\/\/\S+$/i.test(url) || url.length > 2048) fail("url", "must be an http(s) URL");

    const gtin = text("gtin") || null;
    if (gtin && !gtinValid(gtin)) fail("gtin", `"${gtin}" is not a GTIN with a valid check digit`);

    let inStock = true;
    if (typeof r.in_stock === "boolean") inStock = r.in_stock;
    else if (text("in_stock")) {
      const v = AVAILABILITY[text("in_stock").toLowerCase()];
      if (v === undefined) fail("in_stock", `"${text("in_stock")}" is not an availability`);
      else inStock = v;
    }

    let observedAt = defaults.observedAt;
    if (text("observed_at")) {
      const d = new Date(text("observed_at"));
      if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text("observed_at"))) fail("observed_at", "must be an ISO-8601 time");
      else observedAt = d.toISOString();
    }

    if (bad.length) rejects.push(...bad);
    else offers.push({ row, sku, title, url, gtin, price, currency, in_stock: inStock, observed_at: observedAt });
  });
  return { offers, rejects };
}
