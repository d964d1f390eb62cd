import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { MalformedFeed, parseCsv, records, validate } from "./feed.ts";

const defaults = { currency: "USD", observedAt: "2026-11-21T10:00:00.000Z" };
const good = { sku: "A1", title: "SAUVAGE EDP SPRAY 3.4 OZ", price: 99.5, url: "https://shop.example/a1" };

Deno.test("parseCsv handles quotes, doubled quotes, CRLF, a BOM and a trailing newline", () => {
  assertEquals(parseCsv('\uFEFFid,title\r\n1,"Light Blue, 4.2 oz ""Tester"""\r\n2,x\n'), [["id", "title"], ["1", 'Light Blue, 4.2 oz "Tester"'], ["2", "x"]]);
  throws(() => parseCsv('id,title\n1,"open'), MalformedFeed);
});

Deno.test("records maps CSV feed columns to offer fields and rejects rows of the wrong width", () => {
  const csv = "id,title,gtin,price,availability,link\n" +
    'A1,"Dior Sauvage EDP 100ml",3348901419611,129.99 USD,in stock,https://shop.example/a1\n' + "A2,short row\n";
  const raw = records(csv, "csv");
  assertEquals(raw[0], { sku: "A1", title: "Dior Sauvage EDP 100ml", gtin: "3348901419611", price: "129.99 USD", in_stock: "in stock", url: "https://shop.example/a1" });
  assertEquals(raw[1], { __invalid: "expected 6 columns, found 2" });
});

Deno.test("records rejects bodies that are not feeds", () => {
  throws(() => records("{not json", "json"), /not valid JSON/);
  throws(() => records('{"items":[]}', "json"), /"offers" array/);
  throws(() => records("", "csv"), /header row is required/);
  throws(() => records("id,title\n1,x", "csv"), /lacks a "price" column/);
});

Deno.test("validate keeps good rows and reports every bad field with its row", () => {
  const { offers, rejects } = validate([
    good,
    { ...good, sku: "", price: "free" },
    { ...good, sku: "A3", price: -1, url: "ftp://x", gtin: "3348901419612" },
    { ...good, sku: "A4", in_stock: "maybe", observed_at: "yesterday" },
  ], defaults);
  assertEquals(offers, [{ row: 1, sku: "A1", title: good.title, url: good.url, gtin: null, price: 99.5, currency: "USD", in_stock: true, observed_at: defaults.observedAt }]);
  assertEquals(rejects, [
    { row: 2, field: "sku", reason: "required" },
    { row: 2, field: "price", reason: '"free" is not a price' },
    { row: 3, field: "price", reason: "must be greater than 0" },
    { row: 3, field: "url", reason: "must be an http(s) URL" },
    { row: 3, field: "gtin", reason: '"3348901419612" is not a GTIN with a valid check digit' },
    { row: 4, field: "in_stock", reason: '"maybe" is not an availability' },
    { row: 4, field: "observed_at", reason: "must be an ISO-8601 time" },
  ]);
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
  const raw = records('{"offers":[1,"x",null,[]]}', "json");
  assertEquals(validate(raw, defaults).rejects.map((r) => r.reason), Array(4).fill("offer must be an object"));
});
