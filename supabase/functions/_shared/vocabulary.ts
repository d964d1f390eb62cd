/**
 * The vocabulary of fragrance names, as the database holds it (supabase/schemas/catalog/vocabulary.sql):
 * words that are not a name (public.name_vocabulary), brands and their aliases, fragrance aliases, and
 * the catalog names of the brands a parser meets. `readName` reads a text with it exactly as SQL's
 * private.read_name does (a test holds the two equal); listing-title.ts builds a title's parse on it.
 * Pure once loaded: `loadVocabulary` and `withNamesOf` are the only I/O.
 */
import type { Sql } from "./db.ts";

export type Concentration =
  | "extrait" | "parfum" | "edp" | "edt" | "edc" | "cologne" | "eau_fraiche" | "body_mist" | "perfume_oil" | "hair_mist";
export type Packaging = "retail" | "tester" | "unboxed" | "refill" | "travel" | "gift_set" | "sample";
export type Gender = "masculine" | "feminine" | "unisex";
export type WordKind = "concentration" | "packaging" | "gender" | "genre" | "edition" | "component" | "number" | "filler";

export type Word = {
  kind: WordKind;
  phrase: string;
  concentration?: Concentration | null;
  packaging?: Packaging | null;
  gender?: Gender | null;
};

export type VocabularyRows = {
  words: Word[];
  brands: { brand: string; aliases?: string[] }[];
  /** Fragrance aliases: "BR540" is Maison Francis Kurkdjian's "Baccarat Rouge 540". */
  nameAliases?: { brand: string; alias: string; name: string }[];
  /** Every catalog name of a brand (display form), for the brands loaded so far. */
  names?: Record<string, string[]>;
  /** Other catalog names, loaded because a text named no brand but had them among its phrases. */
  namesFound?: { brand: string; name: string }[];
};

type Known = { name: string; display: string; brand: string };

/** A vocabulary indexed for reading: phrases by their normalized words. */
export type Vocabulary = {
  words: Map<string, Word>;
  numbers: Set<string>;
  brands: Map<string, string>;
  /** Known names by their letters without spaces, per brand. */
  names: Map<string, Map<string, Known[]>>;
  brandsWithNames: Set<string>;
  rows: VocabularyRows;
};

export const MAX_PHRASE_WORDS = 8;
export const MAX_READ_WORDS = 40;
const PACKAGING_PRIORITY: Packaging[] = ["gift_set", "sample", "refill", "tester", "unboxed", "travel"];
/** Words that go with the brand's when right before them: "Sauvage by Dior", "Sauvage de Dior", "par Dior". */
const BEFORE_BRAND = new Set(["by", "de", "di", "par", "von", "van", "from"]);
/** Words houses write after their name ("Carolina Herrera New York", "Tom Ford Beauty"): the brand's, not the name's. */
const BRAND_TAILS = new Set(["paris", "london", "new york", "milano", "beauty", "beaute", "parfums", "fragrances", "cosmetics"]);

// Letters PostgreSQL's unaccent spells out that NFD alone would drop, as unaccent.rules has them.
const LETTERS: Record<string, string> = {
  "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
  "þ": "th", "Þ": "TH", "ı": "i", "ĳ": "ij", "Ĳ": "IJ", "ŉ": "n", "ſ": "s", "ð": "d", "Ð": "D", "ŀ": "l", "Ŀ": "L",
  "ĸ": "q", "ǆ": "dz", "ǅ": "Dz", "Ǆ": "DZ", "ǳ": "dz", "ǲ": "Dz", "Ǳ": "DZ", "©": " c ", "®": " r ", "℃": " c", "½": " 1 2",
  "¼": "1 4", "¾": "3 4",
};
const SPELLED_OUT = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "g");

/** Lower-case, accent-free, punctuation-free, "&" as "and": SQL's public.normalize_name (unaccent, then the rest). */
export function normalizeName(s: string): string {
  return s
    .replace(/[\uFB00-\uFB06\uFF01-\uFF5E\u2160-\u217F]/g, (c) => c.normalize("NFKD")) // ligatures, full-width, Roman numerals
    .replace(SPELLED_OUT, (c) => LETTERS[c]).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase().replace(/&/g, " and ").replace(/[^a-z0-9]+/g, " ").trim();
}

/** normalize_name's words with "(M)"/"(W)" spelled out: SQL's private.name_tokens. */
export function nameTokens(s: string): string[] {
  const marked = s.replace(/\(\s*[mMhH]\s*\)/g, " men ").replace(/\(\s*[wWfFdD]\s*\)/g, " women ");
  return normalizeName(marked).split(" ").filter(Boolean);
}

/** Indexes vocabulary rows for reading. */
export function compileVocabulary(rows: VocabularyRows): Vocabulary {
  const v: Vocabulary = { words: new Map(), numbers: new Set(), brands: new Map(), names: new Map(), brandsWithNames: new Set(),
    rows: { ...rows, names: {}, namesFound: [], nameAliases: [] } };
  for (const w of rows.words) {
    const key = normalizeName(w.phrase);
    if (w.kind === "number") v.numbers.add(key);
    else v.words.set(key, w);
  }
  for (const b of rows.brands) {
    for (const n of [b.brand, ...(b.aliases ?? [])]) v.brands.set(normalizeName(n), b.brand);
  }
  return extendVocabulary(v, rows);
}

/** Known names that came from a fragrance alias (a catalog name of the same name replaces them). */
const FROM_ALIAS = new WeakSet<Known>();

/**
 * `v` with the catalog names that `rows` (v's rows, grown by withNamesOf and withNamesIn) adds,
 * indexed without compiling again what v has: a price feed meets new brands batch after batch.
 * The same as compileVocabulary(rows); `v` is left as it was.
 */
export function extendVocabulary(v: Vocabulary, rows: VocabularyRows): Vocabulary {
  const names = new Map(v.names);
  const copied = new Set<string>();  // brands whose names map this vocabulary owns (the rest are v's)
  const addName = (brand: string, compact: string, known: Known, fromCatalog: boolean) => {
    if (!copied.has(brand)) names.set(brand, new Map(names.get(brand) ?? [])), copied.add(brand);
    const byBrand = names.get(brand)!;
    const list = byBrand.get(compact) ?? [];
    const same = list.findIndex((k) => k.name === known.name);
    if (same < 0) {
      byBrand.set(compact, [...list, known]);
      if (!fromCatalog) FROM_ALIAS.add(known);
    } else if (fromCatalog && FROM_ALIAS.has(list[same])) {
      // the catalog's display form wins over an alias's, as when the catalog names came first
      byBrand.set(compact, list.map((k, i) => (i === same ? known : k)));
    }
  };
  const brandsWithNames = new Set(v.brandsWithNames);
  for (const [brand, display] of Object.entries(rows.names ?? {})) {
    if (brandsWithNames.has(brand)) continue;
    brandsWithNames.add(brand);
    for (const d of display) {
      const name = normalizeName(d);
      addName(brand, name.replace(/ /g, ""), { name, display: d, brand }, true);
    }
  }
  for (const f of (rows.namesFound ?? []).slice(v.rows.namesFound?.length ?? 0)) {
    const name = normalizeName(f.name);
    addName(f.brand, name.replace(/ /g, ""), { name, display: f.name, brand: f.brand }, true);
  }
  for (const a of (rows.nameAliases ?? []).slice(v.rows.nameAliases?.length ?? 0)) {
    addName(a.brand, normalizeName(a.alias).replace(/ /g, ""), { name: normalizeName(a.name), display: a.name, brand: a.brand }, false);
  }
  return { ...v, names, brandsWithNames, rows };
}

const SPELLED = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

/** The words as read: number spellings before a figure as "n" ("No 5", "Nr. 5", "Number five", "No5" are N°5's "n 5"). */
export function nameWords(text: string, v: Vocabulary): string[] {
  const tokens = nameTokens(text);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const glued = /^(?:no|nr|n)([0-9]+)$/.exec(t);
    if (glued) out.push("n", glued[1]);
    else if (v.numbers.has(t) && /^[0-9]/.test(tokens[i + 1] ?? "")) out.push("n");
    else if (v.numbers.has(t) && SPELLED.includes(tokens[i + 1])) out.push("n", String(SPELLED.indexOf(tokens[++i]) + 1));
    else out.push(t);
  }
  return out;
}

/** A phrase of a text: where it starts (from 1), its words, its letters without spaces, and how both begin. */
type Phrase = { i: number; len: number; phrase: string; compact: string; first: string; head: string };

/** The first letters of a key spelled without spaces, by which a phrase is first told apart from it. */
const HEAD_LETTERS = 3;

/** Every phrase of up to 8 words of the first 40, as private.name_matches reads them (positions from 1). */
function phrases(words: string[]): Phrase[] {
  const n = Math.min(words.length, MAX_READ_WORDS);
  const out: Phrase[] = [];
  for (let i = 1; i <= n; i++) {
    // (each phrase grows the one before it, and shares its first word and head: a price feed reads
    // ~50 phrases a title)
    const first = words[i - 1];
    let phrase = first, compact = first, head = first.slice(0, HEAD_LETTERS);
    for (let len = 1; len <= MAX_PHRASE_WORDS && i + len - 1 <= n; len++) {
      if (len > 1) {
        phrase += " " + words[i + len - 2], compact += words[i + len - 2];
        if (head.length < HEAD_LETTERS) head = compact.slice(0, HEAD_LETTERS);
      }
      out.push({ i, len, phrase, compact, first, head });
    }
  }
  return out;
}

/** What a map's keys are like: how long the longest is, and how each begins. */
type KeyShape = { longest: number; starts: Set<string> };

/**
 * The shape of a map's keys, worked out once per map: a phrase longer than every key, or beginning
 * unlike every key, is not looked up. (A title has ~50 phrases and names a brand or a word with a
 * few; hashing the rest was most of a price feed's parse. A vocabulary's maps do not change once read:
 * extendVocabulary copies a brand's names to add to them.)
 */
function shapeOf(cache: WeakMap<Map<string, unknown>, KeyShape>, m: Map<string, unknown>, size: (key: string) => number,
                 start: (key: string) => string): KeyShape {
  let shape = cache.get(m);
  if (!shape) {
    shape = { longest: 0, starts: new Set() };
    for (const key of m.keys()) shape.longest = Math.max(shape.longest, size(key)), shape.starts.add(start(key));
    cache.set(m, shape);
  }
  return shape;
}
const BY_WORDS = new WeakMap<Map<string, unknown>, KeyShape>();
const BY_LETTERS = new WeakMap<Map<string, unknown>, KeyShape>();
/** Keys that are phrases (brands, vocabulary words): their length in words, their first word. */
const wordShape = (m: Map<string, unknown>) => shapeOf(BY_WORDS, m, (k) => k.split(" ").length, (k) => k.split(" ")[0]);
/** Keys that are letters without spaces (known names): their length in letters, their head. */
const letterShape = (m: Map<string, unknown>) => shapeOf(BY_LETTERS, m, (k) => k.length, (k) => k.slice(0, HEAD_LETTERS));

/** The phrases that are keys of `m` (brands, vocabulary words), by their words. */
function phrasesIn(all: Phrase[], m: Map<string, unknown>): Phrase[] {
  const { longest, starts } = wordShape(m);
  return all.filter((p) => p.len <= longest && starts.has(p.first) && m.has(p.phrase));
}
/** The known names the phrases spell (letters without spaces) among one brand's, each with its phrase. */
function namesIn(all: Phrase[], names: Map<string, Known[]>, found: (Phrase & Known)[]) {
  const { longest, starts } = letterShape(names);
  for (const p of all) {
    if (p.compact.length > longest || !starts.has(p.head)) continue;
    for (const k of names.get(p.compact) ?? []) found.push({ ...p, ...k });
  }
}

/**
 * Every brand's known names by their letters without spaces, in one map: how a text that names no
 * brand is read (one lookup a phrase, not one a brand: with the names of the 2,000 brands of a 100k
 * catalog loaded, reading such a title brand by brand took ~1.4 ms). Built once per vocabulary, when
 * first needed.
 */
const ALL_NAMES = new WeakMap<Map<string, Map<string, Known[]>>, Map<string, Known[]>>();
function allNames(v: Vocabulary): Map<string, Known[]> {
  let all = ALL_NAMES.get(v.names);
  if (!all) {
    all = new Map();
    for (const byBrand of v.names.values()) {
      for (const [compact, known] of byBrand) all.set(compact, [...(all.get(compact) ?? []), ...known]);
    }
    ALL_NAMES.set(v.names, all);
  }
  return all;
}

const longestFirst = (a: { i: number; len: number }, b: { i: number; len: number }) => b.len - a.len || a.i - b.i;

export type NameReading = {
  tokens: string[];
  /** The brand named (canonical name), or implied by the known name when only one brand has it. */
  brand: string | null;
  /** Whether the text names a brand itself (its name or an alias), not only through a known name. */
  brandNamed: boolean;
  /** A catalog name (normalized) found whole, or through a fragrance alias; with its display form. */
  knownName: string | null;
  knownDisplay: string | null;
  concentration: Concentration | null;
  gender: Gender | null;
  packaging: Packaging | null;
  /** Words that are no brand, known name or vocabulary, in order. */
  freeWords: string[];
  /** Words that are no vocabulary (the brand's, the known name's as the catalog spells it, and the free ones), in order. */
  nameWords: string[];
  /** Where each word went: "brand", "name", a word kind, or null (free). */
  roles: (string | null)[];
};

/**
 * Reads a text as private.read_name does: the brand (longest name or alias), the longest known name
 * (of that brand; of any brand when none is named: the vocabulary must then hold every catalog name
 * among the text's phrases, as `withNamesIn` loads them), then the vocabulary's phrases, longest first,
 * in the words left; the first value in the text wins, packaging by priority; a genre word names its
 * concentration only when no concentration and no gender word is there.
 */
export function readName(text: string, v: Vocabulary): NameReading {
  const tokens = nameWords(text, v);
  const n = Math.min(tokens.length, MAX_READ_WORDS);
  const all = phrases(tokens);
  const roles: (string | null)[] = tokens.map(() => null);
  const free = (i: number, len: number) => roles.slice(i - 1, i - 1 + len).every((r) => r === null);
  const take = (i: number, len: number, role: string) => { for (let k = i; k < i + len; k++) roles[k - 1] = role; };

  const mentions = phrasesIn(all, v.brands).map((p) => ({ ...p, brand: v.brands.get(p.phrase)! })).sort(longestFirst);
  let brand: string | null = mentions[0]?.brand ?? null;

  const knownIn = (of: string | null) => {
    const found: (Phrase & Known)[] = [];
    const names = of ? v.names.get(of) : allNames(v);
    if (names) namesIn(all, names, found);
    return found.sort((a, b) => longestFirst(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.brand < b.brand ? -1 : a.brand > b.brand ? 1 : 0));
  };
  // a known name overlapping the brand's first mention only when no other is as long ("Narciso Rodriguez Narciso")
  const first = mentions[0];
  const overlapsFirst = (p: { i: number; len: number }) => first !== undefined && p.i < first.i + first.len && first.i < p.i + p.len;
  // a known name said only in its brand's name and the vocabulary's words ("Versace Pour Homme") gives way to one
  // with words of its own ("Versace Pour Homme Dylan Blue" is Dylan Blue, for men); "For Her" names no brand, so stays
  const wordPhrases = phrasesIn(all, v.words);
  const generic = (p: Phrase & Known) => {
    const inside = (o: { i: number; len: number }) => o.i >= p.i && o.i + o.len <= p.i + p.len;
    const brandWords = mentions.filter((m) => m.brand === p.brand && inside(m));
    const covered = new Set<number>();
    for (const o of [...brandWords, ...wordPhrases.filter(inside)]) for (let k = o.i; k < o.i + o.len; k++) covered.add(k);
    return brandWords.length > 0 && covered.size === p.len;
  };
  // of equal ones, one not cut through by a vocabulary phrase ("Agua de Colonia Acqua di Parma Colonia": the second Colonia)
  const crosses = (p: Phrase) => wordPhrases.some((o) => o.i < p.i + p.len && p.i < o.i + o.len && !(o.i >= p.i && o.i + o.len <= p.i + p.len));
  // (each candidate's tests once, not once per comparison: titles are read on the ingest's hot path)
  const candidates = knownIn(brand).map((p) => ({ p, generic: generic(p), crosses: crosses(p), overlaps: overlapsFirst(p) }))
    .sort((a, b) => Number(a.generic) - Number(b.generic) || b.p.len - a.p.len || Number(a.crosses) - Number(b.crosses) ||
      Number(a.overlaps) - Number(b.overlaps));
  const known = candidates[0]?.p ?? null;
  if (known) {
    if (!brand && !knownIn(null).some((o) => o.name === known.name && o.brand !== known.brand)) brand = known.brand;
    take(known.i, known.len, "name");
  }
  // every mention of the brand, less the words the known name took ("Hugo Boss Bottled" is Hugo Boss's Boss Bottled)
  for (const m of mentions.filter((m) => m.brand === brand)) {
    const rest = Array.from({ length: m.len }, (_, k) => m.i + k).filter((i) => roles[i - 1] === null);
    if (!rest.length) continue;
    for (const i of rest) roles[i - 1] = "brand";
    if (m.i > 1 && roles[m.i - 2] === null && BEFORE_BRAND.has(tokens[m.i - 2])) roles[m.i - 2] = "by";
  }
  for (const m of mentions.filter((m) => m.brand === brand && roles[m.i + m.len - 2] === "brand")) {
    for (let k = m.i + m.len; k <= n;) {
      const len = k < n && BRAND_TAILS.has(`${tokens[k - 1]} ${tokens[k]}`) ? 2 : BRAND_TAILS.has(tokens[k - 1]) ? 1 : 0;
      if (!len || !free(k, len)) break;
      take(k, len, "brand");
      k += len;
    }
  }

  const claims: { i: number; word: Word }[] = [];
  for (const p of [...wordPhrases].sort(longestFirst)) {
    const word = v.words.get(p.phrase)!;
    if (free(p.i, p.len)) {
      take(p.i, p.len, word.kind);
      claims.push({ i: p.i, word });
    } else if (word.kind === "gender" && known && p.i >= known.i && p.i + p.len <= known.i + known.len) {
      claims.push({ i: p.i, word });
    }
  }
  claims.sort((a, b) => a.i - b.i);
  // a bare "Parfum" (French for any perfume: "Parfum Femme … Eau de Parfum") yields to another concentration the text says
  const said = claims.filter((c) => c.word.kind === "concentration");
  let concentration = (said.find((c) => normalizeName(c.word.phrase) !== "parfum") ?? said[0])?.word.concentration ?? null;
  const gender = claims.find((c) => c.word.kind === "gender")?.word.gender ?? null;
  const packaging = claims.filter((c) => c.word.kind === "packaging").map((c) => c.word.packaging!)
    .sort((a, b) => PACKAGING_PRIORITY.indexOf(a) - PACKAGING_PRIORITY.indexOf(b))[0] ?? null;
  if (!concentration && !gender) concentration = claims.find((c) => c.word.kind === "genre" && c.word.concentration)?.word.concentration ?? null;

  return {
    tokens, brand, brandNamed: mentions.length > 0, knownName: known?.name ?? null, knownDisplay: known?.display ?? null, concentration, gender, packaging,
    freeWords: tokens.filter((_, k) => k >= n || roles[k] === null),
    // (the known name's words as the catalog spells them: "spice bomb" is read as "spicebomb")
    nameWords: tokens.flatMap((t, k) =>
      known && k === known.i - 1 ? known.name.split(" ") : known && k > known.i - 1 && k < known.i - 1 + known.len ? []
      : k >= n || roles[k] === null || roles[k] === "brand" ? [t] : []),
    roles,
  };
}

/** The vocabulary rows from the database: words, brands with aliases, fragrance aliases (no names yet). */
export async function loadVocabulary(sql: Sql): Promise<VocabularyRows> {
  const [words, brands, nameAliases] = await Promise.all([
    sql<Word[]>`select kind, phrase, concentration, packaging, gender from public.name_vocabulary order by id`,
    sql<{ brand: string; aliases: string[] }[]>`
      select b.name as brand, coalesce(array_agg(a.alias order by a.alias) filter (where a.alias is not null), '{}') as aliases
      from public.brands b left join public.brand_aliases a on a.brand_id = b.id group by b.name order by b.name`,
    sql<{ brand: string; alias: string; name: string }[]>`
      select b.name as brand, a.alias, a.name from public.fragrance_name_aliases a join public.brands b on b.id = a.brand_id order by a.alias`,
  ]);
  return { words: [...words], brands: [...brands], nameAliases: [...nameAliases], names: {} };
}

/** The rows with the catalog names of the given brands added (one query for the brands not loaded yet). */
export async function withNamesOf(sql: Sql, rows: VocabularyRows, brands: string[]): Promise<VocabularyRows> {
  const missing = [...new Set(brands)].filter((b) => !(b in (rows.names ?? {})));
  if (!missing.length) return rows;
  const found = await sql<{ brand: string; names: string[] }[]>`
    select b.name as brand, array_agg(distinct f.name) as names
    from public.brands b join public.fragrances f on f.brand_id = b.id and f.deleted_at is null
    where b.name = any(${missing}) group by b.name`;
  const names = { ...rows.names };
  for (const b of missing) names[b] = [];
  for (const r of found) names[r.brand] = r.names;
  return { ...rows, names };
}

/** The letters-without-spaces of every phrase of the texts: how catalog names are looked up. */
export function phraseKeys(texts: string[], v: Vocabulary): string[] {
  return [...new Set(texts.flatMap((t) => phrases(nameWords(t, v)).map((p) => p.compact)))];
}

/**
 * The rows with every catalog name that is a phrase of one of the texts added (of any brand): what
 * readName needs to read a text that names no brand exactly as private.read_name does.
 */
export async function withNamesIn(sql: Sql, rows: VocabularyRows, texts: string[]): Promise<VocabularyRows> {
  if (!texts.length) return rows;
  const keys = phraseKeys(texts, compileVocabulary({ ...rows, names: {}, namesFound: [] }));
  if (!keys.length) return rows;
  const found = await sql<{ brand: string; name: string }[]>`
    select distinct b.name as brand, f.name from public.fragrances f join public.brands b on b.id = f.brand_id
    where replace(f.name_normalized, ' ', '') = any(${keys}) and f.deleted_at is null`;
  const have = new Set((rows.namesFound ?? []).map((f) => `${f.brand}\n${f.name}`));
  const added = found.filter((f) => !have.has(`${f.brand}\n${f.name}`));
  return added.length ? { ...rows, namesFound: [...(rows.namesFound ?? []), ...added] } : rows;
}
