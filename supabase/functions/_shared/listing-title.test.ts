import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { type BrandLexicon, normalizeName, ozToMl, parseListingTitle } from "./listing-title.ts";

/** The workplace's dev set (../shared from the project root); a copy in the repo when the clone stands alone. */
const SHARED_FIXTURE = new URL("../../../../shared/fixtures/listing-titles.tsv", import.meta.url);
const FIXTURE = await Deno.stat(SHARED_FIXTURE).then(() => SHARED_FIXTURE, () => new URL("./fixtures/listing-titles.tsv", import.meta.url));

/** Brands the seed catalog knows, plus houses a real feed parser would know that the seed does not carry. */
export const LEXICON: BrandLexicon = [
  { brand: "Dior", aliases: ["Christian Dior", "Parfums Christian Dior"] },
  { brand: "Dolce & Gabbana", aliases: ["D&G"] },
  { brand: "Montblanc", aliases: ["Mont Blanc"] },
  { brand: "Chanel" }, { brand: "Creed" }, { brand: "Tom Ford" }, { brand: "Versace" }, { brand: "Prada" },
  { brand: "Yves Saint Laurent", aliases: ["YSL", "Saint Laurent"] },
  { brand: "Giorgio Armani", aliases: ["Armani", "Emporio Armani"] },
  { brand: "Paco Rabanne", aliases: ["Rabanne"] },
  { brand: "Jean Paul Gaultier", aliases: ["JPG", "Gaultier"] },
  { brand: "Lancôme" }, { brand: "Guerlain" }, { brand: "Hermès" }, { brand: "Gucci" }, { brand: "Valentino" },
  { brand: "Maison Francis Kurkdjian", aliases: ["MFK", "Francis Kurkdjian"] },
  { brand: "Viktor&Rolf" }, { brand: "Ralph Lauren" }, { brand: "Carolina Herrera" }, { brand: "Hugo Boss", aliases: ["Boss"] },
  { brand: "Acqua di Parma" }, { brand: "Jo Malone London", aliases: ["Jo Malone"] }, { brand: "Narciso Rodriguez" },
  { brand: "Armaf" }, { brand: "Lattafa" }, { brand: "Guy Laroche" }, { brand: "4711" }, { brand: "Victoria's Secret" },
  { brand: "Juliette Has A Gun" }, { brand: "Nasomatto" }, { brand: "Mancera" }, { brand: "Bath & Body Works" },
  { brand: "Clean Reserve" },
];

type Row = { title: string; concentration: string; size_ml: string; packaging: string; quantity: string; gender: string; brand: string; name: string };

async function devSet(): Promise<Row[]> {
  const [head, ...lines] = (await Deno.readTextFile(FIXTURE)).trimEnd().split("\n");
  const cols = head.split("\t");
  return lines.map((l) => Object.fromEntries(l.split("\t").map((v, i) => [cols[i], v])) as Row);
}

const tokens = (s: string) => new Set(normalizeName(s).split(" ").filter(Boolean));
const sameTokens = (a: string, b: string) => {
  const [x, y] = [tokens(a), tokens(b)];
  return x.size === y.size && [...x].every((t) => y.has(t));
};

Deno.test("parseListingTitle on the dev set: accuracy per field", async () => {
  const rows = await devSet();
  const fields = { concentration: 0, sizeMl: 0, packaging: 0, quantity: 0, gender: 0, brand: 0, name: 0 };
  const misses: string[] = [];
  for (const r of rows) {
    const p = parseListingTitle(r.title, LEXICON);
    const checks: Record<keyof typeof fields, boolean> = {
      concentration: (p.concentration ?? "") === r.concentration,
      sizeMl: p.sizeMl === Number(r.size_ml),
      packaging: p.packaging === r.packaging,
      quantity: p.quantity === Number(r.quantity),
      gender: (p.gender ?? "") === r.gender,
      brand: normalizeName(p.brand ?? "") === normalizeName(r.brand),
      // the catalog name, or what a matcher extends to it ("Light Blue" + masculine → "Light Blue Pour Homme")
      name: sameTokens(p.name, r.name) || normalizeName(r.name).startsWith(normalizeName(p.name) + " "),
    };
    for (const [f, hit] of Object.entries(checks)) {
      if (hit) fields[f as keyof typeof fields]++;
      else misses.push(`${f}: ${r.title} → ${JSON.stringify((p as Record<string, unknown>)[f])} (want ${JSON.stringify((r as Record<string, string>)[f === "sizeMl" ? "size_ml" : f])})`);
    }
  }
  const accuracy = Object.fromEntries(Object.entries(fields).map(([f, n]) => [f, Number((n / rows.length).toFixed(3))]));
  console.log(`report: listing-title parse accuracy on ${rows.length} dev titles ${JSON.stringify(accuracy)}`);
  if (misses.length) console.log(misses.map((m) => `  miss ${m}`).join("\n"));
  ok(accuracy.sizeMl === 1 && accuracy.quantity === 1, "size and quantity are exact on every dev title");
  ok(accuracy.concentration >= 0.95 && accuracy.packaging >= 0.95 && accuracy.gender >= 0.9, JSON.stringify(accuracy));
  ok(accuracy.brand >= 0.95 && accuracy.name >= 0.8, JSON.stringify(accuracy));
});

Deno.test("ozToMl converts US fl oz and snaps to the bottle size labels round to", () => {
  assertEquals([3.3, 3.4, 3.38, 1.7, 4.2, 6.7, 6.8, 3.6, 0.34, 8].map(ozToMl), [100, 100, 100, 50, 125, 200, 200, 105, 10, 236]);
  assertEquals(ozToMl(9), 266); // no bottle within 3 %: rounded, not snapped
});

Deno.test("parseListingTitle: an explicit ml figure wins over ounces", () => {
  assertEquals(parseListingTitle("Sauvage EDT 3.4 oz / 100 ml").sizeMl, 100);
  assertEquals(parseListingTitle("Sauvage EDT 3.4 oz / 90 ml").sizeMl, 90);
});

Deno.test("parseListingTitle: multipacks either way round", () => {
  const a = parseListingTitle("Coco Mademoiselle EDP Refills 3 x 20ml");
  assertEquals([a.quantity, a.sizeMl, a.packaging], [3, 20, "refill"]);
  const b = parseListingTitle("Light Blue 1.5ml .05oz x 5 Samples");
  assertEquals([b.quantity, b.sizeMl, b.packaging], [5, 1.5, "sample"]);
});

Deno.test("parseListingTitle: a refillable bottle is retail, a refill is a refill", () => {
  assertEquals(parseListingTitle("Prada Paradoxe EDP 90 ml Refillable").packaging, "retail");
  assertEquals(parseListingTitle("Guerlain Shalimar EDP 50 ml nachfüllbar").packaging, "retail");
  assertEquals(parseListingTitle("Guerlain Shalimar EDP Nachfüllung 50ml").packaging, "refill");
});

Deno.test("parseListingTitle: Cologne is a genre word before 'for Men', a concentration otherwise", () => {
  assertEquals(parseListingTitle("Light Blue 4.2 oz Cologne for Men").concentration, null);
  assertEquals(parseListingTitle("Wood Sage & Sea Salt Cologne 100ml").concentration, "cologne");
  assertEquals(parseListingTitle("Legend 3.4 oz EDT Cologne for Men").concentration, "edt");
});

Deno.test("parseListingTitle: 'X by Brand' finds the brand without a lexicon", () => {
  const p = parseListingTitle("Drakkar Noir by Guy Laroche 3.4 oz edt spray for Men");
  assertEquals([p.brand, p.name, p.gender, p.concentration, p.sizeMl], ["Guy Laroche", "Drakkar Noir", "masculine", "edt", 100]);
});

Deno.test("parseListingTitle: titles with nothing to find still parse", () => {
  assertEquals(parseListingTitle(""), { brand: null, name: "", concentration: null, sizeMl: null, packaging: "retail", gender: null, quantity: 1 });
  const p = parseListingTitle("ÉTÉ 香水 '; drop table x; -- ".repeat(50));
  assertEquals(p.sizeMl, null);
  ok(p.name.length > 0);
});
