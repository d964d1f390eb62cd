import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { MalformedFeed, parseCsv, readFeed, sentSkus, validate } from "./feed.ts";

const defaults = { currency: "USD", observedAt: "2026-11-21T10:00:00.000Z" };
const good = { sku: "A1", title: "SAUVAGE EDP SPRAY 3.4 OZ", price: 99.5, url: "https://shop.example/a1" };

Deno.test("parseCsv handles quotes, doubled quotes, CRLF, a BOM and a trailing newline", () => {
  assertEquals(parseCsv('\uFEFFid,title\r\n1,"Light Blue, 4.2 oz ""Tester"""\r\n2,x\n'), [["id", "title"], ["1", 'Light Blue, 4.2 oz "Tester"'], ["2", "x"]]);
  throws(() => parseCsv('id,title\n1,"open'), MalformedFeed);
});

Deno.test("records maps CSV feed columns to offer fields and rejects rows of the wrong width", () => {
  const csv = "id,title,gtin,price,availability,link\n" +
    'A1,"Dior Sauvage EDP 100ml",3348901419611,129.99 USD,in stock,https://shop.example/a1\n' + "A2,short row\n";
  const raw = readFeed(csv, "csv").records;
  assertEquals(raw[0], { sku: "A1", title: "Dior Sauvage EDP 100ml", gtin: "3348901419611", price: "129.99 USD", in_stock: "in stock", url: "https://shop.example/a1" });
  assertEquals(raw[1], { __invalid: "expected 6 columns, found 2" });
});

Deno.test("records rejects bodies that are not feeds", () => {
  throws(() => readFeed("{not json", "json").records, /not valid JSON/);
  throws(() => readFeed('{"items":[]}', "json").records, /"offers" array/);
  throws(() => readFeed("", "csv").records, /header row is required/);
  throws(() => readFeed("id,title\n1,x", "csv").records, /lacks a "price" column/);
});

Deno.test("validate types every field and rejects a row whose field cannot be read as its type", () => {
  const { offers, rejects } = validate([
    good,
    { ...good, sku: { a: 1 }, price: "free" },
    { ...good, sku: "A3", price: [1], title: "nul\u0000byte" },
    { ...good, sku: "A4", in_stock: "maybe", observed_at: "yesterday", url: "https://x/\ud800" },
    { ...good, sku: "A5", observed_at: "2026-12-01 junk", currency: ["EUR"] },
    { ...good, sku: "A6", observed_at: "0000-01-01", gtin: true },
  ], defaults);
  assertEquals(offers, [{ row: 1, sku: "A1", title: good.title, url: good.url, gtin: null, price: 99.5, currency: "USD", in_stock: true, observed_at: defaults.observedAt }]);
  assertEquals(rejects.map((r) => [r.row, r.field]), [
    [2, "sku"], [2, "price"],
    [3, "title"], [3, "price"],
    [4, "url"], [4, "in_stock"], [4, "observed_at"],
    [5, "currency"], [5, "observed_at"],
    [6, "gtin"], [6, "observed_at"],
  ]);
  assertEquals(rejects[0].reason, "must be text or a number, not object");
  assertEquals(rejects[2].reason, "holds a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)");
});

Deno.test("validate leaves value rules to the database: a blank sku, a price of 0.001, an ftp URL pass through as typed", () => {
  const { offers, rejects } = validate([{ ...good, sku: "  ", price: 0.001, url: "ftp://x", gtin: "3348901419612" }], defaults);
  assertEquals(rejects, []);
  assertEquals([offers[0].sku, offers[0].price, offers[0].url, offers[0].gtin], ["", 0.001, "ftp://x", "3348901419612"]);
});

Deno.test("validate stores an http(s) scheme lower-case and reads ISO-8601 times without an offset as UTC", () => {
  const { offers } = validate([{ ...good, url: "HTTPS://Shop.example/A1", observed_at: "2026-11-20 08:00" }], defaults);
  assertEquals([offers[0].url, offers[0].observed_at], ["https://Shop.example/A1", "2026-11-20T08:00:00.000Z"]);
});

Deno.test("validate reads prices with a currency suffix or a decimal comma, and availability words", () => {
  const { offers } = validate([
    { ...good, price: "129.99 GBP", in_stock: "Out of Stock" },
    { ...good, sku: "B2", price: "89,90", currency: "eur", in_stock: false, observed_at: "2026-11-20T08:00:00Z" },
  ], defaults);
  assertEquals(offers.map((o) => [o.price, o.currency, o.in_stock, o.observed_at]), [
    [129.99, "GBP", false, defaults.observedAt],
    [89.9, "EUR", false, "2026-11-20T08:00:00.000Z"],
  ]);
});

Deno.test("validate rejects non-object JSON offers", () => {
  const raw = readFeed('{"offers":[1,"x",null,[]]}', "json").records;
  assertEquals(validate(raw, defaults).rejects.map((r) => r.reason), Array(4).fill("offer must be an object"));
});

Deno.test("readFeed: a JSON feed may say it is complete; CSV never is; a non-boolean complete is malformed", () => {
  assertEquals(readFeed('{"complete": true, "offers": []}', "json").complete, true);
  assertEquals(readFeed('{"offers": []}', "json").complete, false);
  assertEquals(readFeed("sku,title,price,url\nA,x,1,https://x", "csv").complete, false);
  throws(() => readFeed('{"complete": "yes", "offers": []}', "json"), MalformedFeed);
});

Deno.test("sentSkus: every record's SKU, valid or not, trimmed and once", () => {
  assertEquals(sentSkus([{ sku: " A " }, { sku: 7 }, { sku: "A", price: "bad" }, { sku: "" }, { title: "no sku" }, { __invalid: true }]), ["A", "7"]);
});

Deno.test("validate reads shipping like a price, in the price's currency, and leaves it out when not sent", () => {
  const base = { sku: "S", title: "Dior Sauvage EDT 100 ml", url: "https://s/p", price: "50.00 USD" };
  const { offers, rejects } = validate([
    { ...base, shipping: 4.5 }, { ...base, shipping: "3,90" }, { ...base, shipping: "0 USD" }, { ...base },
    { ...base, shipping: "free" }, { ...base, shipping: "5 EUR" }
  ], { currency: "EUR", observedAt: "2026-11-20T12:00:00.000Z" });
  assertEquals(offers.map((o) => [o.row, o.currency, o.shipping]), [[1, "USD", 4.5], [2, "USD", 3.9], [3, "USD", 0], [4, "USD", undefined]]);
  assertEquals(rejects, [
    { row: 5, field: "shipping", reason: '"free" is not an amount' },
    { row: 6, field: "shipping", reason: "must be in the price's currency (USD), not EUR" },
  ]);
  const csv = readFeed("id,title,link,price,shipping_cost\nS,Dior Sauvage EDT 100 ml,https://s/p,50.00,2.5\n", "csv");
  assertEquals(validate(csv.records, defaults).offers.map((o) => o.shipping), [2.5]);
});
