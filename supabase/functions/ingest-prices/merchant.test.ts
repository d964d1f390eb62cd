import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { MalformedFeed, validate } from "./feed.ts";
import { MAX_XML_DEPTH, readMerchantTsv, readMerchantXml } from "./merchant.ts";

const AT = "2026-11-20T12:00:00.000Z";
const defaults = { currency: "EUR", observedAt: AT };

const rss = (items: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Shop</title><link>https://shop.example</link>
${items}
</channel></rss>`;

Deno.test("merchant RSS: g: fields become offers; sale_price counts only inside its effective dates", () => {
  const records = readMerchantXml(rss(`
    <item><g:id>A1</g:id><title><![CDATA[Sauvage Eau de Parfum 100 ml & Box]]></title><g:brand>Dior</g:brand>
      <link>https://shop.example/p?id=A1&amp;src=feed</link><g:price>120.00 EUR</g:price>
      <g:sale_price>99.50 EUR</g:sale_price><g:sale_price_effective_date>2026-11-01T00:00+01:00/2026-12-01T00:00+01:00</g:sale_price_effective_date>
      <g:availability>in_stock</g:availability><g:gtin>3348901250153</g:gtin><g:mpn>F1</g:mpn><g:condition>new</g:condition>
      <g:shipping><g:country>DE</g:country><g:price>4.95 EUR</g:price></g:shipping></item>
    <item><g:id>A2</g:id><g:title>Dior Sauvage EDT 60ml</g:title><g:link>https://shop.example/A2</g:link><g:price>80.00 USD</g:price>
      <g:sale_price>70.00 USD</g:sale_price><g:sale_price_effective_date>2026-12-01T00:00Z/2026-12-24T00:00Z</g:sale_price_effective_date>
      <g:availability>out_of_stock</g:availability></item>
    <item><g:id>A3</g:id><title>Dior Sauvage EDT 100ml</title><link>https://shop.example/A3</link><g:price>70 EUR</g:price>
      <g:sale_price>60 EUR</g:sale_price><g:availability>preorder</g:availability></item>`), AT);
  const { offers, rejects } = validate(records, defaults);
  assertEquals(rejects, []);
  assertEquals(offers.map((o) => [o.sku, o.title, o.url, o.price, o.currency, o.in_stock, o.gtin, o.shipping]), [
    ["A1", "Dior Sauvage Eau de Parfum 100 ml & Box", "https://shop.example/p?id=A1&src=feed", 99.5, "EUR", true, "3348901250153", 4.95],
    ["A2", "Dior Sauvage EDT 60ml", "https://shop.example/A2", 80, "USD", false, null, undefined],
    ["A3", "Dior Sauvage EDT 100ml", "https://shop.example/A3", 60, "EUR", false, null, undefined],
  ]);
});

Deno.test("merchant Atom: entries with <link href>, fields with or without the g: prefix", () => {
  const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
    <title>Shop</title><entry><g:id>B1</g:id><title>Chanel Bleu de Chanel Parfum 100 ml</title>
    <link href="https://shop.example/B1"/><g:price>185.00 EUR</g:price><availability>in stock</availability></entry></feed>`;
  const { offers, rejects } = validate(readMerchantXml(atom, AT), defaults);
  assertEquals([rejects, offers.map((o) => [o.sku, o.url, o.price, o.in_stock])], [[], [["B1", "https://shop.example/B1", 185, true]]]);
});

Deno.test("merchant TSV: a header of Merchant field names, one product per line", () => {
  const tsv = "id\ttitle\tlink\tprice\tsale_price\tavailability\tcondition\tbrand\tshipping\n" +
    "C1\tSauvage EDP 100ml\thttps://shop.example/C1\t120.00 EUR\t\tin_stock\tnew\tDior\tDE::Standard:3.90 EUR,AT::Standard:7.90 EUR\n" +
    "C2\tSauvage EDP 60ml\thttps://shop.example/C2\t90.00 EUR\t\tin_stock\tused\tDior\t\n" +
    "C3\tSauvage EDP 200ml\thttps://shop.example/C3\tninety\t\tin_stock\tnew\tDior\t\n" +
    "C4\ttoo few cells\n" +
    "C5\tSauvage EDP 30ml\thttps://shop.example/C5\t60.00 EUR\t\tin_stock\tnew\tDior\tDE:::0 EUR\n" +
    "C6\tSauvage EDP 10ml\thttps://shop.example/C6\t20.00 EUR\t\tin_stock\tnew\tDior\tUS:::4.95 USD\n";
  const { offers, rejects } = validate(readMerchantTsv(tsv, AT), defaults);
  assertEquals(offers.map((o) => [o.row, o.sku, o.title, o.price, o.shipping]),
    [[1, "C1", "Dior Sauvage EDP 100ml", 120, 3.9], [5, "C5", "Dior Sauvage EDP 30ml", 60, 0]]);
  assertEquals(rejects, [
    { row: 2, field: "condition", reason: '"used": only new products are compared' },
    { row: 3, field: "price", reason: '"ninety" is not a price' },
    { row: 4, field: "row", reason: "expected 9 columns, found 2" },
    { row: 6, field: "shipping", reason: "must be in the price's currency (EUR), not USD" },
  ]);
});

Deno.test("merchant: a sale date that is not a start/end pair is a reject of that row only", () => {
  const records = readMerchantXml(rss(`
    <item><g:id>D1</g:id><title>Dior Sauvage</title><link>https://s/D1</link><g:price>1 EUR</g:price>
      <g:sale_price>0.5 EUR</g:sale_price><g:sale_price_effective_date>next week</g:sale_price_effective_date></item>
    <item><g:id>D2</g:id><title>Dior Sauvage</title><link>https://s/D2</link><g:price>1 EUR</g:price></item>`), AT);
  const { offers, rejects } = validate(records, defaults);
  assertEquals([offers.map((o) => o.sku), rejects], [["D2"], [{ row: 1, field: "sale_price_effective_date", reason: "must be two ISO-8601 times: start/end" }]]);
});

Deno.test("merchant XML: entities cannot be defined, nesting is bounded, and what is not a product feed is refused", () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${rss("<item><g:id>&lol2;</g:id></item>")}`;
  assertThrows(() => readMerchantXml(laughs, AT), (e) => e instanceof MalformedFeed && /DOCTYPE/.test(e.message));
  const external = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${rss("<item><g:id>&x;</g:id></item>")}`;
  assertThrows(() => readMerchantXml(external, AT), MalformedFeed);
  const deep = rss(`<item>${"<a>".repeat(MAX_XML_DEPTH)}x${"</a>".repeat(MAX_XML_DEPTH)}</item>`);
  assertThrows(() => readMerchantXml(deep, AT), (e) => e instanceof MalformedFeed && /nests deeper/.test(e.message));
  assertThrows(() => readMerchantXml("<rss><channel><item>", AT), MalformedFeed);
  assertThrows(() => readMerchantXml("<html><body>not a feed</body></html>", AT), (e) => e instanceof MalformedFeed && /RSS 2.0/.test(e.message));
  assertThrows(() => readMerchantTsv("title\tprice\nx\t1 EUR\n", AT), (e) => e instanceof MalformedFeed && /"id"/.test(e.message));
});
