/**
 * Parses a retailer's listing title ("SAUVAGE EDP SPRAY 3.4 OZ",
 * "Light Blue by Dolce & Gabbana 4.2 oz Cologne for Men Tester with Cap")
 * into the attributes a matcher compares with the catalog. Pure: no I/O.
 */

export type Concentration = "extrait" | "parfum" | "edp" | "edt" | "edc" | "cologne" | "eau_fraiche" | "body_mist";
export type Packaging = "retail" | "tester" | "unboxed" | "refill" | "travel" | "gift_set" | "sample";
export type Gender = "masculine" | "feminine" | "unisex";

export type ParsedTitle = {
  /** Canonical brand name from the lexicon (or the words after "by"), null when the title names none. */
  brand: string | null;
  /** What is left once brand, concentration, size, packaging and filler words are taken out. */
  name: string;
  concentration: Concentration | null;
  /** Millilitres of one item; ounces converted and snapped to the bottle size labels round to. */
  sizeMl: number | null;
  packaging: Packaging;
  gender: Gender | null;
  /** Items sold together ("3 x 20ml" → 3). */
  quantity: number;
};

/** Known brands and the other names retailers use for them. */
export type BrandLexicon = { brand: string; aliases?: string[] }[];

export const ML_PER_US_FL_OZ = 29.5735;

/** Bottle sizes labels round to (3.3, 3.4 and 3.38 oz are all the 100 ml bottle). */
export const STANDARD_SIZES_ML = [
  1, 1.5, 2, 3, 4, 5, 7.5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100, 105,
  110, 115, 118, 120, 125, 150, 160, 175, 180, 200, 236, 250, 300, 400, 500,
];

/** Lower-case, accent-free, punctuation-free: the form brand matching compares (like SQL normalize_name). */
export function normalizeName(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ").trim();
}

const num = (s: string) => Number(s.replace(",", "."));

/** Ounces to millilitres, snapped to a standard bottle within 3 %. */
export function ozToMl(oz: number): number {
  const ml = oz * ML_PER_US_FL_OZ;
  const nearest = STANDARD_SIZES_ML.reduce((a, b) => (Math.abs(b - ml) < Math.abs(a - ml) ? b : a));
  return Math.abs(nearest - ml) / ml <= 0.03 ? nearest : Math.round(ml);
}

// Each rule: a pattern and the concentration it names; the first that matches decides.
const CONCENTRATIONS: [RegExp, Concentration][] = [
  [/\bextrait(?:\s+de\s+parfum)?\b/i, "extrait"],
  [/\beau\s+de\s+parfum\b|\bedp\b/i, "edp"],
  [/\beau\s+de\s+toilette\b|\bedt\b/i, "edt"],
  [/\beau\s+de\s+cologne\b|\bedc\b/i, "edc"],
  [/\beau\s+fra[iî]che\b/i, "eau_fraiche"],
  [/\b(?:fine\s+)?(?:fragrance|body)\s+mist\b/i, "body_mist"],
  [/\bparfum\b/i, "parfum"],
];
/** "Cologne" names a concentration only when it is not the genre word of "Cologne for Men", "Cologne Spray", "COLOGNE SAMPLES". */
const COLOGNE_GENRE = /\bcologne(?=\s+(?:spray\s+)?(?:for|samples?|pour)\b)|\bcologne\b(?=.*\b(?:for\s+men|men'?s|pour\s+homme)\b)/i;
const COLOGNE = /\bcologne\b/i;

const PACKAGINGS: [RegExp, Packaging][] = [
  [/\bgift\s*set\b|\bcoffret\b|\bgeschenkset\b|\bset\b|\+\s*body\s+lotion\b/i, "gift_set"],
  [/\bsamples?\b|\bvials?\b|\bdecant\b|\bprobe\b/i, "sample"],
  [/\brefills?\b|\brecharge\b|\bnachfullung\b|\bricarica\b/i, "refill"],
  [/\btester\b|\btstr\b/i, "tester"],
  [/\bunboxed\b|\bno\s+box\b|\bwithout\s+box\b|\bw\/o\s+box\b/i, "unboxed"],
  [/\btravel(?:\s+spray)?\b|\bmini(?:ature)?\b|\bminature\b|\bpurse\s+spray\b/i, "travel"],
];

const GENDERS: [RegExp, Gender][] = [
  [/\bunisex\b/i, "unisex"],
  [/\bfor\s+(?:women|her)\b|\bwomen'?s\b|\bwomen\b|\bwoman\b|\bpour\s+femme\b|\bfemme\b|\bdonna\b|\(w\)/i, "feminine"],
  [/\bfor\s+(?:men|him)\b|\bmen'?s\b|\bmens\b|\bmen\b|\bman\b|\bpour\s+homme\b|\bhomme\b|\buomo\b|\(m\)/i, "masculine"],
];
/** Gender words that are only markers (dropped from the name); "Pour Homme", "Uomo", "For Her", "Man" often belong to it. */
const GENDER_MARKERS = /\bfor\s+(?:women|men|him)\b|\b(?:wo)?men'?s\b|\bmens\b|\b(?:wo)?men\b|\bunisex\b|\((?:w|m)\)/gi;

const SIZE_MULTI = /(\d+)\s*x\s*(\d+(?:[.,]\d+)?)\s*ml\b/i; // 3 x 20ml
const SIZE_ML = /(\d*[.,]?\d+)\s*ml\b\.?/gi;
const SIZE_OZ = /(?:\d*[.,]?\d+\s*\/\s*)*(\d*[.,]?\d+)\s*(?:fl\.?\s*)?oz\b\.?/gi; // "3.3 / 3.4 oz": the last figure
const QTY_AFTER = /\bx\s*(\d+)\b/i; // 1.5ml .05oz x 5, 120 ml x 2

const FILLER = [
  /\btwist\s+and\s+spray\b/gi, /\bnew\s*(?:&|and)\s*sealed\b/gi, /\bspray\b/gi, /\bvapo(?:risateur|rizador)?\b/gi, /\bnatural\b/gi, /\bbrand\s+new\b/gi, /\bnew\b/gi, /\bsealed\b/gi,
  /\bin\s+box\b/gi, /\bbox\b/gi, /\bwith\s+cap\b/gi, /\brefillable\b/gi, /\bnachfullbar\b/gi,
  /\bperfume\b/gi, /\bfragrance\b/gi, /\bcologne\b/gi, /\+\s*body\s+lotion\b.*$/gi, /!/g,
];

type CompiledLexicon = { byName: Map<string, { brand: string; name: string }>; maxWords: number };
const compiled = new WeakMap<BrandLexicon, CompiledLexicon>();

/** Indexes a lexicon by normalized name (once per lexicon array), so a title costs a few map lookups. */
function compile(lexicon: BrandLexicon): CompiledLexicon {
  let c = compiled.get(lexicon);
  if (!c) {
    c = { byName: new Map(), maxWords: 1 };
    for (const entry of lexicon) {
      for (const name of [entry.brand, ...(entry.aliases ?? [])]) {
        const n = normalizeName(name);
        if (!n) continue;
        c.byName.set(n, { brand: entry.brand, name });
        c.maxWords = Math.max(c.maxWords, n.split(" ").length);
      }
    }
    compiled.set(lexicon, c);
  }
  return c;
}

function findBrand(title: string, lexicon: BrandLexicon): { brand: string; spans: RegExp[] } | null {
  if (!lexicon.length) return null;
  const { byName, maxWords } = compile(lexicon);
  const words = normalizeName(title).split(" ");
  const hits: { brand: string; name: string; n: string }[] = [];
  for (let len = Math.min(maxWords, words.length); len >= 1; len--) {
    for (let i = 0; i + len <= words.length; i++) {
      const n = words.slice(i, i + len).join(" ");
      const hit = byName.get(n);
      if (hit) hits.push({ ...hit, n });
    }
  }
  if (!hits.length) return null;
  const best = hits.reduce((a, b) => (b.n.length > a.n.length ? b : a));
  // Remove every name of the brand found in the title, longest first, but not one inside a longer
  // one already removed ("Boss" of "Hugo Boss Boss Bottled" is the product's).
  const found = [...new Set(hits.filter((h) => h.brand === best.brand).map((h) => h.name))]
    .sort((a, b) => normalizeName(b).length - normalizeName(a).length);
  const kept = found.filter((n, i) => !found.slice(0, i).some((longer) => ` ${normalizeName(longer)} `.includes(` ${normalizeName(n)} `)));
  return { brand: best.brand, spans: kept.map((n) => wordsPattern(n)) };
}

/** A pattern matching a phrase whatever its case, accents and punctuation between its words. */
function wordsPattern(phrase: string): RegExp {
  const words = phrase.normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/[^A-Za-z0-9&]+/).filter(Boolean);
  return new RegExp(`(?<![A-Za-z0-9])${words.join("[\\s\\-.'&]*")}(?![A-Za-z0-9])`, "gi");
}

function titleCase(s: string): string {
  if (s !== s.toUpperCase()) return s;
  return s.toLowerCase().replace(/(^|[\s\-'])([a-z])/g, (_, p, c) => p + c.toUpperCase());
}

export function parseListingTitle(raw: string, lexicon: BrandLexicon = []): ParsedTitle {
  if (typeof raw !== "string") throw new TypeError("title must be a string");
  // Accents dropped: "Lancôme" and "LANCOME" compare alike, and the name feeds accent-insensitive matching.
  const title = raw.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[’`]/g, "'").replace(/\s+/g, " ").trim();
  let rest = ` ${title} `;
  const take = (re: RegExp) => {
    rest = rest.replace(new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`), " ");
  };

  // Size and quantity: an explicit ml figure wins over ounces.
  let sizeMl: number | null = null;
  let quantity = 1;
  const multi = SIZE_MULTI.exec(title);
  if (multi) {
    quantity = Number(multi[1]);
    sizeMl = num(multi[2]);
    take(SIZE_MULTI);
  } else {
    const ml = [...title.matchAll(SIZE_ML)];
    const oz = [...title.matchAll(SIZE_OZ)];
    if (ml.length) sizeMl = num(ml[0][1]);
    else if (oz.length) sizeMl = ozToMl(num(oz[oz.length - 1][1]));
    const after = QTY_AFTER.exec(title);
    if (after && (ml.length || oz.length)) {
      quantity = Number(after[1]);
      take(QTY_AFTER);
    }
  }
  take(SIZE_ML);
  take(SIZE_OZ);
  take(/\s\/\s(?=\s|$)/);

  const packaging = PACKAGINGS.find(([re]) => re.test(title))?.[1] ?? "retail";
  for (const [re] of PACKAGINGS) take(re);

  // Only the phrase that decided the concentration leaves the name: "Le Male Le Parfum Eau de Parfum" keeps its "Parfum".
  const rule = CONCENTRATIONS.find(([re]) => re.test(title));
  let concentration: Concentration | null = rule?.[1] ?? null;
  if (rule) take(rule[0]);
  else if (COLOGNE.test(title) && !COLOGNE_GENRE.test(title)) concentration = "cologne";

  const gender = GENDERS.find(([re]) => re.test(title))?.[1] ?? null;
  take(GENDER_MARKERS);

  // Brand: the longest known name or alias in the title, else the words after "by".
  let brand: string | null = null;
  const known = findBrand(title, lexicon);
  if (known) {
    brand = known.brand;
    for (const span of known.spans) rest = rest.replace(span, " ");
    rest = rest.replace(/\bby\s+(?=\s|$|-)/i, " ");
  } else {
    const by = /\bby\s+([A-Z][\w&'.]*(?:\s+(?:[A-Z&][\w&'.]*|de|di|la|le))*)/.exec(rest);
    if (by) {
      brand = by[1].trim();
      rest = rest.replace(by[0], " ");
    }
  }

  for (const re of FILLER) rest = rest.replace(re, " ");
  const name = titleCase(
    rest.replace(/[()[\]]/g, " ").replace(/\s[-–|,/]+(?=\s)/g, " ").replace(/^[\s\-–|,./]+|[\s\-–|,./]+$/g, "")
      .replace(/\s+/g, " ").trim()
      .replace(/\bN(?:o\.?|°)\s*(\d)/gi, "N°$1"),
  );
  return { brand, name, concentration, sizeMl, packaging, gender, quantity };
}
