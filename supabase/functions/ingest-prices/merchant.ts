/**
 * Google Merchant Center product data, as retailers already publish it: XML (RSS 2.0 `<item>`s or
 * Atom `<entry>`s, fields in the `g:` namespace or plain) and tab-separated text with a header row.
 * Each product becomes a feed record (feed.ts's fields), so it goes through the same validation, batch
 * SQL and reject contract as JSON and CSV. Pure: no I/O.
 *
 *   id → sku · title (with brand in front when the title lacks it) · link → url · gtin
 *   price, or sale_price while sale_price_effective_date holds the observation time
 *   availability (in_stock, out_of_stock, preorder, backorder) → in_stock
 *   condition: only "new" is compared; other conditions are rejected.
 *   shipping: the price of its first entry (XML `<g:shipping><g:price>`, TSV `country:region:service:price`)
 *   mpn is read by Merchant Center but not used here.
 *
 * XML goes through fast-xml-parser with no DTD allowed (so no entity can expand) and a nesting limit.
 */
import { XMLParser } from "fast-xml-parser";
import { MalformedFeed, parseCsv, parseTime } from "./feed.ts";

/** Deeper than any product feed nests (rss > channel > item > g:shipping > g:price is 5). */
export const MAX_XML_DEPTH = 32;

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: "@", removeNSPrefix: true, parseTagValue: false, trimValues: true,
  processEntities: true, isArray: (name) => name === "item" || name === "entry",
});

/** Refuses what the parser should never see: a DTD (entity definitions) or nesting past the limit. */
function checkShape(xml: string) {
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) throw new MalformedFeed("XML feeds may not declare a DOCTYPE or entities");
  let depth = 0;
  for (const m of xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, "").matchAll(/<(\/?)[^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2] && ++depth > MAX_XML_DEPTH) throw new MalformedFeed(`XML nests deeper than ${MAX_XML_DEPTH} elements`);
  }
}

/** One text value of a parsed element: its text, an Atom link's href, or the first of repeated ones. */
function textOf(v: unknown): string | undefined {
  if (Array.isArray(v)) return textOf(v[0]);
  if (typeof v === "string" || typeof v === "number") return String(v);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return textOf(o["#text"] ?? o["@href"]);
  }
  return undefined;
}

/** The price of a shipping entry: XML gives its fields, TSV `US:CA:Ground:4.95 USD` (several joined by commas): the first's. */
function shippingPrice(v: unknown): string | undefined {
  if (Array.isArray(v)) return shippingPrice(v[0]);
  if (v && typeof v === "object") return textOf((v as Record<string, unknown>).price);
  if (typeof v !== "string" || !v.trim()) return undefined;
  const first = v.split(/,(?=\s*[A-Za-z]{2}:)/)[0];
  return first.slice(first.lastIndexOf(":") + 1).trim();
}

/** A Merchant Center product (field → text) as a feed record; `at` is when its prices were observed. */
export function merchantRecord(p: Record<string, string | undefined>, at: string): Record<string, unknown> {
  const condition = p.condition?.trim().toLowerCase();
  if (condition && condition !== "new") return { __invalid: { field: "condition", reason: `"${p.condition}": only new products are compared` } };
  let price = p.price;
  if (p.sale_price?.trim()) {
    const window = p.sale_price_effective_date?.trim();
    if (!window) price = p.sale_price;
    else {
      const [from, to] = window.split("/").map((t) => parseTime(t.trim()));
      if (!from || !to) {
        return { __invalid: { field: "sale_price_effective_date", reason: "must be two ISO-8601 times: start/end" } };
      }
      if (from <= at && at < to) price = p.sale_price;
    }
  }
  const title = p.title?.trim() ?? "";
  const brand = p.brand?.trim();
  return {
    sku: p.id, url: p.link, gtin: p.gtin, price, in_stock: p.availability, shipping: shippingPrice(p.shipping),
    title: brand && title && !title.toLowerCase().includes(brand.toLowerCase()) ? `${brand} ${title}` : p.title,
  };
}

/** The products of an RSS 2.0 or Atom Merchant feed, as feed records. */
export function readMerchantXml(xml: string, at: string): Record<string, unknown>[] {
  checkShape(xml);
  // deno-lint-ignore no-explicit-any
  let doc: any;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new MalformedFeed(`body is not well-formed XML: ${(err as Error).message}`);
  }
  const items = doc?.rss?.channel?.item ?? doc?.feed?.entry;
  if (!Array.isArray(items)) throw new MalformedFeed("XML body must be an RSS 2.0 channel of <item>s or an Atom feed of <entry>s");
  return items.map((item) => {
    if (!item || typeof item !== "object") return { __invalid: "product must be an element with fields" };
    const fields: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      if (!k.startsWith("@")) fields[k.toLowerCase()] = k.toLowerCase() === "shipping" ? shippingPrice(v) : textOf(v);
    }
    return merchantRecord(fields, at);
  });
}

/** The products of a tab-separated Merchant feed (a header row of field names), as feed records. */
export function readMerchantTsv(text: string, at: string): Record<string, unknown>[] {
  const [header, ...lines] = parseCsv(text, "\t");
  if (!header) throw new MalformedFeed("TSV body is empty: a header row is required");
  const cols = header.map((c) => c.trim().toLowerCase().replace(/^g:/, ""));
  for (const required of ["id", "title", "price", "link"]) {
    if (!cols.includes(required)) throw new MalformedFeed(`TSV header lacks a "${required}" column`);
  }
  return lines.map((cells) =>
    cells.length !== cols.length
      ? { __invalid: `expected ${cols.length} columns, found ${cells.length}` }
      : merchantRecord(Object.fromEntries(cols.map((c, i) => [c, cells[i]])), at)
  );
}
