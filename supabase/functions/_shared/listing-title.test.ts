import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { devTitles, TITLE_FIXTURES, testVocabulary } from "./fixtures/dev-titles.ts";
import { htmlText, normalizeName, ozToMl, parseListingTitle } from "./listing-title.ts";
import { compileVocabulary } from "./vocabulary.ts";

const v = await testVocabulary();
const parse = (title: string) => parseListingTitle(title, v);


const tokens = (s: string) => new Set(normalizeName(s).split(" ").filter(Boolean));
const sameTokens = (a: string, b: string) => {
  const [x, y] = [tokens(a), tokens(b)];
  return x.size === y.size && [...x].every((t) => y.has(t));
};

Deno.test("parseListingTitle on the dev sets: every field of at least 98 % of titles right", async () => {
  const rows = (await Promise.all(TITLE_FIXTURES.map(devTitles))).flat();
  const fields = { concentration: 0, sizeMl: 0, packaging: 0, quantity: 0, gender: 0, brand: 0, name: 0 };
  let allRight = 0;
  const misses: string[] = [];
  for (const r of rows) {
    const p = parse(r.title);
    const checks: Record<keyof typeof fields, boolean> = {
      concentration: (p.concentration ?? "") === r.concentration,
      sizeMl: p.sizeMl === Number(r.size_ml),
      packaging: p.packaging === r.packaging,
      quantity: p.quantity === Number(r.quantity),
      gender: (p.gender ?? "") === r.gender,
      brand: normalizeName(p.brand ?? "") === normalizeName(r.brand),
      // the catalog name, or what the matcher completes from the gender ("Light Blue" + for Men → "Light Blue Pour Homme")
      name: sameTokens(p.name, r.name) || normalizeName(r.name).startsWith(normalizeName(p.name) + " "),
    };
    const wrong = Object.entries(checks).filter(([, hit]) => !hit).map(([f]) => f);
    for (const f of Object.keys(fields) as (keyof typeof fields)[]) if (checks[f]) fields[f]++;
    if (!wrong.length) allRight++;
    else misses.push(`${r.title} → ${wrong.map((f) => `${f} ${JSON.stringify((p as Record<string, unknown>)[f])}`).join(", ")}`);
  }
  const rate = (n: number) => Number((n / rows.length).toFixed(3));
  const report = { titles: rows.length, all_fields: rate(allRight), ...Object.fromEntries(Object.entries(fields).map(([f, n]) => [f, rate(n)])) };
  console.log(`report: listing-title parse on ${rows.length} dev titles ${JSON.stringify(report)}`);
  if (misses.length) console.log(misses.map((m) => `  miss ${m}`).join("\n"));
  ok(report.all_fields >= 0.98, `${misses.length} titles with a field wrong`);
});

Deno.test("ozToMl: a label's ounces name the bottle they round, up or down", () => {
  assertEquals([3.3, 3.4, 3.38, 1.6, 1.7, 4.2, 6.7, 6.8, 3.6, 0.34, 8, 1, 2.5, 3, 5.1, 0.5, 1.3].map(ozToMl),
    [100, 100, 100, 50, 50, 125, 200, 200, 105, 10, 236, 30, 75, 90, 150, 15, 40]);
  assertEquals(ozToMl(9), 266); // no bottle within the label's rounding: rounded, not snapped
});

Deno.test("parseListingTitle: an explicit ml (or cl) figure wins over ounces", () => {
  assertEquals(parse("Sauvage EDT 3.4 oz / 100 ml").sizeMl, 100);
  assertEquals(parse("Sauvage EDT 3.4 oz / 90 ml").sizeMl, 90);
  assertEquals(parse("Dior Sauvage Eau de Toilette 10cl").sizeMl, 100);
});

Deno.test("parseListingTitle: packaging words in German, French, Italian, Spanish and Dutch", () => {
  const cases: [string, string][] = [
    ["Dior Sauvage Eau de Parfum Miniatur 10 ml", "travel"], ["Dior Sauvage Eau de Parfum Nachfüllflakon 300 ml", "refill"],
    ["Chanel Coco Mademoiselle EdP Pröbchen 1,5 ml", "sample"], ["Guerlain Shalimar EdP ohne Verpackung 50 ml", "unboxed"],
    ["Versace Eros EdT Duftset 100 ml + Duschgel 100 ml", "gift_set"],
    ["Yves Saint Laurent Libre Eau de Parfum Recharge 100 ml", "refill"], ["Hermès Terre d'Hermès Échantillon 2 ml", "sample"],
    ["Dior J'adore Eau de Parfum sans boîte 100 ml", "unboxed"], ["Lancôme La Vie est Belle Coffret Eau de Parfum 50 ml", "gift_set"],
    ["Acqua di Giò Ricarica Eau de Toilette 100 ml", "refill"], ["Armani Sì Eau de Parfum Campione 1,2 ml", "sample"],
    ["Prada Paradoxe Eau de Parfum Miniatura 7 ml", "travel"], ["Gucci Bloom Eau de Parfum senza scatola 100 ml", "unboxed"],
    ["Paco Rabanne Invictus EDT Recarga 200 ml", "refill"], ["Carolina Herrera Good Girl EDP Muestra 1,5 ml", "sample"],
    ["Valentino Born in Roma Donna EDP sin caja 100 ml", "unboxed"], ["Estuche Paco Rabanne 1 Million EDT 100 ml", "gift_set"],
    ["Hugo Boss Bottled EDT Navulling 100 ml", "refill"], ["Mugler Angel EDP Proefje 1,2 ml", "sample"],
    ["Viktor&Rolf Flowerbomb EDP Miniatuur 7 ml", "travel"], ["Jean Paul Gaultier Le Male EDT zonder doos 125 ml", "unboxed"],
  ];
  assertEquals(cases.map(([t]) => parse(t).packaging), cases.map(([, p]) => p));
});

Deno.test("parseListingTitle: a set's bottle is the part with a concentration, not a lotion's or gel's size", () => {
  assertEquals(parse("Body Lotion 200ml + Eau de Parfum 50ml Set").sizeMl, 50);
  assertEquals(parse("Dior J'adore Eau de Parfum 50ml + Body Lotion 75ml Gift Set").sizeMl, 50);
  assertEquals(parse("Versace Eros Gift Set: 200ml Shower Gel, 100ml EDT, 10ml Travel Spray").sizeMl, 100);
  assertEquals(parse("Coffret Lait pour le Corps 75 ml et Eau de Toilette 100 ml Terre d'Hermès").sizeMl, 100);
});

Deno.test("parseListingTitle: a pack count before or after the name is the quantity", () => {
  const got = ["Pack of 3 Dior Sauvage EDT 100ml", "3-Pack Versace Eros EDT 30 ml", "Set of 2 Chanel N°5 EDP 35ml",
    "Lot de 2 Lancôme Idôle EDP 25 ml", "2er Pack Hugo Boss Bottled EDT 50 ml", "Coco Mademoiselle EDP Refills 3 x 20ml",
    "Light Blue 1.5ml .05oz x 5 Samples"].map(parse).map((p) => [p.quantity, p.sizeMl, p.packaging]);
  assertEquals(got, [[3, 100, "retail"], [3, 30, "retail"], [2, 35, "retail"], [2, 25, "retail"], [2, 50, "retail"],
    [3, 20, "refill"], [5, 1.5, "sample"]]);
});

Deno.test("parseListingTitle: edition words are not packaging; their words leave the name", () => {
  for (const t of ["Dior Sauvage EDP 100ml Travel Exclusive", "Versace Eros EDT 200 ml Limited Edition", "Chanel N°5 EDP 100 ml Édition Limitée"]) {
    const p = parse(t);
    assertEquals([p.packaging, /exclusive|edition|limit/i.test(p.name)], ["retail", false], t);
  }
});

Deno.test("parseListingTitle: a brand's name inside the fragrance's name stays in it", () => {
  const got = ["Terre d'Hermès Eau de Toilette 100 ml", "Hermès Terre d'Hermès Parfum 75ml", "CHANEL BLEU DE CHANEL Eau de Parfum 100ml",
    "Bleu de Chanel Parfum 1.7 oz", "Azzaro Pour Homme EDT 100ml", "Versace Pour Homme Eau de Toilette 50 ml", "Dior Homme Intense EDP 100ml"]
    .map(parse).map((p) => [p.brand, p.name]);
  assertEquals(got, [["Hermès", "Terre d'Hermès"], ["Hermès", "Terre d'Hermès"], ["Chanel", "Bleu de Chanel"], ["Chanel", "Bleu de Chanel"],
    ["Azzaro", "Azzaro Pour Homme"], ["Versace", "Versace Pour Homme"], ["Dior", "Dior Homme Intense"]]);
});

Deno.test("parseListingTitle: words shops add leave the name: Pour Homme, for Men, Spray, Vaporisateur, Ounce", () => {
  for (const t of ["Viktor & Rolf Spicebomb Pour Homme Eau de Toilette Spray 90ml", "Spicebomb by Viktor and Rolf for Men 3 Ounce EDT Spray",
    "Viktor&Rolf - Spicebomb - Eau de Toilette Vaporisateur 90 ml", "Viktor&Rolf Spicebomb Eau de Toilette Natural Spray 3.04 oz. Men's Cologne"]) {
    const p = parse(t);
    assertEquals([p.brand, p.name, p.concentration, p.sizeMl], ["Viktor&Rolf", "Spicebomb", "edt", 90], t);
  }
});

Deno.test("parseListingTitle: brand spellings and short names", () => {
  const got = ["Viktor & Rolf Flowerbomb EDP 50ml", "Christian Dior Miss Dior EDP 100 ml", "Mont Blanc Legend EDT 100ml",
    "Rabanne Invictus EDT 100 ml", "MFK Grand Soir EDP 70ml", "JPG Scandal EDP 80ml", "PdM Layton EDP 125ml", "YSL Black Opium EDP 90ml",
    "D&G Light Blue EDT 100ml", "CK One EDT 200ml", "MFK BR540 Extrait 70 ml"].map(parse).map((p) => [p.brand, p.name]);
  assertEquals(got, [["Viktor&Rolf", "Flowerbomb"], ["Dior", "Miss Dior"], ["Montblanc", "Legend"], ["Paco Rabanne", "Invictus"],
    ["Maison Francis Kurkdjian", "Grand Soir"], ["Jean Paul Gaultier", "Scandal"], ["Parfums de Marly", "Layton"],
    ["Yves Saint Laurent", "Black Opium"], ["Dolce & Gabbana", "Light Blue"], ["Calvin Klein", "CK One"],
    ["Maison Francis Kurkdjian", "Baccarat Rouge 540"]]);
});

Deno.test("parseListingTitle: a flanker is not its base name, nor the base its flanker", () => {
  const got = ["Viktor&Rolf Spicebomb Extreme EDP 90ml", "Viktor&Rolf Spicebomb EDT 90ml", "Jean Paul Gaultier Le Male Le Parfum 125ml",
    "JPG Le Male EDT 125ml", "Le Male Le Parfum by Jean Paul Gaultier Eau de Parfum Intense 4.2 oz", "Dior Sauvage Elixir 60ml",
    "Dior Eau Sauvage EDT 100ml", "Dior Sauvage Eau Forte 100ml"].map(parse).map((p) => [p.name, p.concentration]);
  assertEquals(got, [["Spicebomb Extreme", "edp"], ["Spicebomb", "edt"], ["Le Male Le Parfum", null], ["Le Male", "edt"],
    ["Le Male Le Parfum", "edp"], ["Sauvage Elixir", null], ["Eau Sauvage", "edt"], ["Sauvage Eau Forte", null]]);
});

Deno.test("parseListingTitle: No 5, No. 5, Number 5, Nº5 and N°5 are all N°5", () => {
  const names = ["Chanel No 5 EDP 100ml", "Chanel No. 5 Eau de Parfum 50 ml", "CHANEL NUMBER 5 EDP 3.4 OZ", "Chanel Nº5 EDP 35ml",
    "Chanel N°5 Eau de Parfum 100 ml", "Chanel No5 EDP 100ml", "Chanel Nr. 5 Eau de Parfum 50 ml"].map((t) => parse(t).name);
  assertEquals(names, Array(7).fill("N°5"));
});

Deno.test("parseListingTitle: a refillable bottle is retail, a refill is a refill", () => {
  assertEquals(parse("Prada Paradoxe EDP 90 ml Refillable").packaging, "retail");
  assertEquals(parse("Guerlain Shalimar EDP 50 ml nachfüllbar").packaging, "retail");
  assertEquals(parse("Guerlain Shalimar EDP Nachfüllung 50ml").packaging, "refill");
  assertEquals(parse("Dior Sauvage Eau de Parfum rechargeable 100 ml").packaging, "retail");
});

Deno.test("parseListingTitle: Cologne is a genre word beside a gender, a concentration alone", () => {
  assertEquals(parse("Light Blue 4.2 oz Cologne for Men").concentration, null);
  assertEquals(parse("Wood Sage & Sea Salt Cologne 100ml").concentration, "cologne");
  assertEquals(parse("Legend 3.4 oz EDT Cologne for Men").concentration, "edt");
});

Deno.test("parseListingTitle: 'X by Brand' finds a brand the catalog does not know", () => {
  const p = parseListingTitle("Drakkar Noir by Guy Laroche 3.4 oz edt spray for Men", compileVocabulary({ words: v.rows.words, brands: [] }));
  assertEquals([p.brand, p.name, p.gender, p.concentration, p.sizeMl], ["Guy Laroche", "Drakkar Noir", "masculine", "edt", 100]);
});

Deno.test("parseListingTitle: titles with nothing to find still parse", () => {
  assertEquals(parse(""), { brand: null, name: "", concentration: null, sizeMl: null, packaging: "retail", gender: null, quantity: 1 });
  const p = parse("ÉTÉ 香水 '; drop table x; -- ".repeat(50));
  assertEquals(p.sizeMl, null);
  ok(p.name.length > 0);
});

Deno.test("parseListingTitle: HTML character references and trademark signs of feed titles", () => {
  assertEquals(htmlText("Dolce &amp; Gabbana L&#39;Eau &#x2019;s &quot;x&quot; &bogus; &#0;"), "Dolce & Gabbana L'Eau \u2019s \"x\" &bogus; &#0;");
  const p = parse("Dolce &amp; Gabbana Light Blue EDT 100ml");
  assertEquals([p.brand, p.name, p.sizeMl], ["Dolce & Gabbana", "Light Blue", 100]);
  const q = parse("Paco Rabanne® 1 Million™ Eau de Toilette 100 ml");
  assertEquals([q.brand, q.name, q.concentration], ["Paco Rabanne", "1 Million", "edt"]);
});
