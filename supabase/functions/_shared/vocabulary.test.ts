import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "./db.ts";
import { databaseVocabularyRows, devTitles, TITLE_FIXTURES } from "./fixtures/dev-titles.ts";
import { env } from "./testing.ts";
import { compileVocabulary, extendVocabulary, nameTokens, normalizeName, readName, type Vocabulary } from "./vocabulary.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const v = compileVocabulary(await databaseVocabularyRows());

/** Every title of the dev sets, the labelled search queries, and strings that test the edges. */
async function texts(): Promise<string[]> {
  const titles = (await Promise.all(TITLE_FIXTURES.map(devTitles))).flat().map((r) => r.title);
  const eval_ = JSON.parse(await Deno.readTextFile(new URL("../search/eval/queries.json", import.meta.url)));
  const queries = eval_.queries.map((q: { q: string }) => q.q);
  const edges = ["", "   ", "N°5", "Nº5", "no5 no 5 number 5 nr. 5", "no smoke", "Ærø Øre straße Œuvre Łódź", "(M) (w) ( f )",
    "ﬁne ﬂower ﬀ", "Ｄｉｏｒ Ｓａｕｖａｇｅ", "Chanel Nº 5 ½ oz ©®™ ² ① µ Ⅸ", "ĳ ŉ ſ ð ĸ ǆ", "Dior Dior Dior", "by by by", "D&G&D&G",
    "12345 67", "spice bomb", "SpiceBomb", "eau de", "Narciso Rodriguez Narciso", "Hermès Terre d'Hermès Hermès"];
  return [...titles, ...queries, ...edges];
}

Deno.test("nameTokens is private.name_tokens, and normalizeName is public.normalize_name", async () => {
  const all = await texts();
  const fromSql = await sql`select private.name_tokens(t) as tokens, public.normalize_name(t) as normalized
                            from unnest(${all}::text[]) with ordinality as u (t, i) order by i`;
  assertEquals(all.map(nameTokens), fromSql.map((r) => r.tokens));
  assertEquals(all.map(normalizeName), fromSql.map((r) => r.normalized));
});

Deno.test("readName reads every dev title and query as private.read_name does", async () => {
  const all = await texts();
  const fromSql = await sql<{ tokens: string[]; brand: string | null; known_name: string | null; concentration: string | null; gender: string | null; packaging: string | null; free_words: string[]; name_words: string[] }[]>`
    select (r).tokens, b.name as brand, (r).known_name, (r).concentration::text, (r).gender::text, (r).packaging::text, (r).free_words, (r).name_words
    from (select i, private.read_name(t) as r from unnest(${all}::text[]) with ordinality as u (t, i) offset 0) x  -- (offset 0: read each once)
    left join public.brands b on b.id = (x.r).brand_id
    order by x.i`;
  const disagreements: string[] = [];
  all.forEach((t, i) => {
    const ts = readName(t, v);
    const got = { tokens: ts.tokens, brand: ts.brand, known_name: ts.knownName, concentration: ts.concentration, gender: ts.gender, packaging: ts.packaging, free_words: ts.freeWords, name_words: ts.nameWords };
    const want = { ...fromSql[i] };
    if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${t}\n    ts  ${JSON.stringify(got)}\n    sql ${JSON.stringify(want)}`);
  });
  ok(all.length > 300, `${all.length} texts`);
  assertEquals(disagreements, []);
});

Deno.test("read_name: the brand inside a known name is the name's; the known name implies its brand", async () => {
  const [r] = await sql`select (r).known_name, b.name as brand, (r).free_words from private.read_name('Terre d''Hermès EDT') r left join public.brands b on b.id = (r).brand_id`;
  assertEquals([r.known_name, r.brand, r.free_words], ["terre d hermes", "Hermès", []]);
  const [s] = await sql`select (r).known_name, (r).concentration::text, (r).free_words from private.read_name('spice bomb eau de parfum intense') r`;
  assertEquals([s.known_name, s.concentration, s.free_words], ["spicebomb", "edp", ["intense"]]);
});

Deno.test("vocabulary: one meaning per phrase, and every kind's value set", async () => {
  const [dupes] = await sql`select count(*)::int as n from (select phrase_normalized from public.name_vocabulary group by 1 having count(*) > 1) d`;
  assertEquals(dupes.n, 0);
  const kinds = await sql`select kind::text, count(*)::int as n from public.name_vocabulary group by 1 order by 1`;
  assertEquals(kinds.map((k) => k.kind), ["component", "concentration", "edition", "filler", "gender", "genre", "number", "packaging"]);
  const languages = await sql`select array_agg(distinct language order by language) as l from public.name_vocabulary where kind = 'packaging'`;
  assertEquals(languages[0].l, ["cs", "da", "de", "en", "es", "fr", "it", "nl", "pl", "pt", "sv"]);
});


/** A vocabulary's known names as sorted plain data, to compare two vocabularies. */
const namesOf = (x: Vocabulary) =>
  [...x.names].flatMap(([brand, byKey]) => [...byKey].map(([key, list]) => [brand, key, list.map((k) => `${k.name}|${k.display}`).sort()]))
    .sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

Deno.test("extendVocabulary indexes the names rows add, as compiling them all again would", async () => {
  const rows = await databaseVocabularyRows();
  const brands = Object.keys(rows.names ?? {}).sort();
  ok(brands.length > 10, "the dev vocabulary has the names of many brands");
  const half = Object.fromEntries(brands.slice(0, brands.length / 2).map((b) => [b, rows.names![b]]));
  const start = compileVocabulary({ ...rows, names: half, namesFound: [] });
  const grown = extendVocabulary(start, { ...rows, namesFound: [{ brand: brands[0], name: "Made Up Name" }] });
  assertEquals(namesOf(grown), namesOf(compileVocabulary({ ...rows, namesFound: [{ brand: brands[0], name: "Made Up Name" }] })));
  assertEquals([...grown.brandsWithNames].sort(), brands);
  assertEquals(namesOf(start), namesOf(compileVocabulary({ ...rows, names: half, namesFound: [] })), "the vocabulary extended is left as it was");
});

Deno.test("extendVocabulary: a catalog name loaded after an alias of it keeps the catalog's spelling", () => {
  const base = { words: [], brands: [{ brand: "Maison Francis Kurkdjian" }],
    nameAliases: [{ brand: "Maison Francis Kurkdjian", alias: "BR540", name: "baccarat rouge 540" }] };
  const aliasFirst = compileVocabulary({ ...base, names: {} });
  const names = { "Maison Francis Kurkdjian": ["Baccarat Rouge 540"] };
  assertEquals(namesOf(extendVocabulary(aliasFirst, { ...base, names })), namesOf(compileVocabulary({ ...base, names })));
  ok(namesOf(extendVocabulary(aliasFirst, { ...base, names })).some(([, key, list]) => key === "baccaratrouge540" && (list as string[])[0].endsWith("|Baccarat Rouge 540")));
});

Deno.test("readName: a text naming no brand finds a known name among every brand's, as the vocabulary grows", () => {
  const base = { words: [], brands: [{ brand: "House A" }, { brand: "House B" }, { brand: "House C" }] };
  const first = compileVocabulary({ ...base, names: { "House A": ["Foo Bar"] } });
  const read = (x: Vocabulary, text: string) => { const r = readName(text, x); return [r.knownName, r.brand]; };
  assertEquals(read(first, "baz qux intense"), [null, null]);
  assertEquals(read(first, "foo bar intense"), ["foo bar", "House A"]);
  const grown = extendVocabulary(first, { ...base, names: { "House A": ["Foo Bar"], "House B": ["Baz Qux"] } });
  assertEquals(read(grown, "baz qux intense"), ["baz qux", "House B"], "the names an extension adds are read");
  assertEquals(read(first, "baz qux intense"), [null, null], "the vocabulary extended reads as it did");
  const shared = extendVocabulary(grown, { ...base, names: { "House A": ["Foo Bar"], "House B": ["Baz Qux"], "House C": ["Baz Qux"] } });
  assertEquals(read(shared, "baz qux intense"), ["baz qux", null], "a name two brands have implies neither");
});
