/**
 * Parses a retailer's listing title ("SAUVAGE EDP SPRAY 3.4 OZ", "Dior – Sauvage Eau de Parfum
 * Nachfüllflakon 300 ml", "Body Lotion 200ml + Eau de Parfum 50ml Set") into what a matcher compares
 * with the catalog. Sizes and quantities are syntax, read here; every word is read with the
 * database's vocabulary (vocabulary.ts, the same reading SQL's private.read_name gives). Pure: no I/O.
 */
import {
  type Concentration,
  type Gender,
  normalizeName,
  type Packaging,
  readName,
  type Vocabulary,
  nameWords,
} from "./vocabulary.ts";

export { normalizeName };
export type { Concentration, Gender, Packaging };

export type ParsedTitle = {
  /** Canonical brand name the title states (by its name or an alias), else the words after "by". */
  brand: string | null;
  /** The catalog name found whole, with words the title adds right next to it; else the title's free words. */
  name: string;
  concentration: Concentration | null;
  /** Millilitres of one item: an explicit ml (or cl) figure wins; ounces are snapped to the bottle they label. */
  sizeMl: number | null;
  packaging: Packaging;
  gender: Gender | null;
  /** Items sold together ("3 x 20ml", "Pack of 3" → 3). */
  quantity: number;
};

export const ML_PER_US_FL_OZ = 29.5735;

/** Bottle sizes labels name (3.3, 3.4 and 3.38 oz are all the 100 ml bottle). */
export const STANDARD_SIZES_ML = [
  1, 1.5, 2, 3, 4, 5, 7.5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 100, 105,
  110, 115, 120, 125, 150, 160, 175, 180, 200, 236, 250, 300, 400, 500,
];

/**
 * Ounces to the bottle they label. Labels round the bottle's ounces to one decimal, up or (as
 * often) down: "1.6 oz" is the 50 ml bottle (1.69 oz), "3.3 oz" the 100 ml one (3.38 oz). So the
 * bottle is the standard size nearest the figure among those within [oz - 0.05, oz + 0.1) ounces;
 * without one, the millilitres rounded.
 */
export function ozToMl(oz: number): number {
  const ml = oz * ML_PER_US_FL_OZ;
  const fits = STANDARD_SIZES_ML.filter((s) => s / ML_PER_US_FL_OZ >= oz - 0.05 - 1e-9 && s / ML_PER_US_FL_OZ < oz + 0.1);
  if (!fits.length) return Math.round(ml);
  return fits.reduce((a, b) => (Math.abs(b - ml) < Math.abs(a - ml) ? b : a));
}

const num = (s: string) => Number(s.replace(",", "."));
const FIGURE = String.raw`(\d+(?:[.,]\d+)?|[.,]\d+)`;
const ML = new RegExp(String.raw`${FIGURE}\s*(ml|mls|millilit(?:er|re)s?|cl)\b\.?`, "gi");
/** "3.3 / 3.4 oz", "3.4 fl. oz.", "1.7 ounces": the last figure before the unit. */
const OZ = new RegExp(String.raw`(?:${FIGURE}\s*\/\s*)*${FIGURE}\s*(?:fl\.?\s*)?(?:oz|ounces?)\b\.?`, "gi");
/** "3 x 20ml", "20ml x 3", "1.5ml .05oz x 5": a multipack with the item's size. */
const MULTI_BEFORE = new RegExp(String.raw`\b(\d+)\s*[x×]\s*${FIGURE}\s*(ml|cl)\b`, "i");
const QTY_AFTER_SIZE = /(?:ml|cl|oz)\b\.?\s*[x×]\s*(\d+)\b/i;
/** "Pack of 3", "Set of 2", "Lot de 2", "3-Pack", "3er Pack", "2 pcs", "2x Dior …". */
const PACKS = [
  /\b(?:pack|set|lot|box|packung|confezione|caja)\s+(?:of|de|di|da|mit|van)\s+(\d+)\b/i,
  /\b(\d+)\s*-?\s*(?:er\s*-?\s*)?(?:pack|pk|pcs|pieces?|st(?:u|ü)ck|stk|pezzi|piezas|stuks)\b/i,
  /^\s*(\d+)\s*[x×]\s+(?=\D)/i,
];
/** Where a set's components part: "+", commas, "with", "and", "&" between words. */
const PARTS = /\+|,|;|\||\s(?:with|plus|and|und|et|e|y|en|inkl\.?|incl\.?|including)\s|\s&\s/gi;

type Size = { ml: number; at: number; end: number };

/** Every size mention, ml and cl first (an explicit metric figure wins over ounces). */
function sizeMentions(title: string): Size[] {
  const metric = [...title.matchAll(ML)].map((m) => ({
    ml: num(m[1]) * (m[2].toLowerCase() === "cl" ? 10 : 1), at: m.index!, end: m.index! + m[0].length,
  }));
  if (metric.length) return metric;
  return [...title.matchAll(OZ)].map((m) => ({ ml: ozToMl(num(m[2])), at: m.index!, end: m.index! + m[0].length }));
}

/**
 * The bottle's size among several: in a set ("Body Lotion 200ml + Eau de Parfum 50ml"), the one in
 * the part that names a concentration, else the first not in a part naming another product.
 */
function bottleSize(title: string, sizes: Size[], v: Vocabulary): number | null {
  if (sizes.length <= 1) return sizes[0]?.ml ?? null;
  const cuts = [0, ...[...title.matchAll(PARTS)].map((m) => m.index!), title.length];
  const partOf = (s: Size) => {
    const k = cuts.findIndex((c, i) => i > 0 && s.at < c);
    return title.slice(cuts[k - 1], cuts[k]);
  };
  const kinds = (part: string) => {
    const words = nameWords(part, v);
    const found = new Set<string>();
    for (let i = 0; i < words.length; i++) {
      for (let len = 1; len <= 8 && i + len <= words.length; len++) {
        const w = v.words.get(words.slice(i, i + len).join(" "));
        if (w) found.add(w.kind);
      }
    }
    return found;
  };
  const described = sizes.map((s) => ({ s, kinds: kinds(partOf(s)) }));
  return (described.find((d) => d.kinds.has("concentration") && !d.kinds.has("component")) ??
    described.find((d) => !d.kinds.has("component")) ?? described[0]).s.ml;
}

/** Sizes and quantity read and cut out of the title; what is left is read for words. */
function readSizes(title: string, v: Vocabulary): { sizeMl: number | null; smallestMl: number | null; quantity: number; rest: string } {
  let rest = title;
  let quantity = 1;
  let sizeMl: number | null = null;
  let smallestMl: number | null = null;
  const multi = MULTI_BEFORE.exec(title);
  if (multi) {
    quantity = Number(multi[1]);
    sizeMl = num(multi[2]) * (multi[3].toLowerCase() === "cl" ? 10 : 1);
    rest = rest.replace(multi[0], " ");
  } else {
    const after = QTY_AFTER_SIZE.exec(title);
    if (after) {
      quantity = Number(after[1]);
      rest = rest.replace(after[0], after[0].replace(/\s*[x×]\s*\d+$/i, ""));
    } else {
      for (const re of PACKS) {
        const m = re.exec(rest);
        if (m && Number(m[1]) > 1) {
          quantity = Number(m[1]);
          rest = rest.replace(m[0], " ");
          break;
        }
      }
    }
    const sizes = sizeMentions(rest);
    sizeMl = bottleSize(rest, sizes, v);
    smallestMl = sizes.length ? Math.min(...sizes.map((s) => s.ml)) : null;
  }
  rest = rest.replace(ML, " ").replace(OZ, " ").replace(/\s\/\s/g, " ");
  return { sizeMl, smallestMl: smallestMl ?? sizeMl, quantity, rest };
}

const titleCase = (words: string[]) => words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Text with HTML's character references decoded: "Dolce &amp; Gabbana", "L&#39;Interdit", "&#x2019;". */
export function htmlText(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/gi, (whole, dec, hex, name) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
    if (code >= 0) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function parseListingTitle(raw: string, v: Vocabulary): ParsedTitle {
  if (typeof raw !== "string") throw new TypeError("title must be a string");
  // (feeds built from HTML carry its entities; trademark signs are never a name's: "Paco Rabanne® 1 Million™")
  const title = htmlText(raw).replace(/[®™©℠]/g, " ").replace(/[’`´]/g, "'").replace(/\s+/g, " ").trim();
  const { sizeMl: bottleMl, smallestMl, quantity, rest } = readSizes(title, v);
  const r = readName(rest, v);
  // a sample of a bottle ("EDP 80ml Probe 1,5ml") is the smaller figure
  const sizeMl = r.packaging === "sample" ? smallestMl : bottleMl;

  // The name: a known one with the free words right next to it ("Sauvage Eau Forte" is not "Sauvage");
  // else the free words, less a brand given as "by X" when no known brand was found.
  // the brand the title states (a brand word inside the name counts: "Bleu de Chanel"), not one a known name implies
  let brand = r.brandNamed ? r.brand : null;
  let name: string;
  const free = (k: number) => r.roles[k] === null;
  if (r.knownDisplay) {
    const first = r.roles.indexOf("name");
    const last = r.roles.lastIndexOf("name");
    // (a bare figure next to the name is a size without its unit, not a flanker: "Sauvage EDP 3.4")
    const extends_ = (k: number) => free(k) && !/^[0-9]+$/.test(r.tokens[k]);
    let a = first, b = last;
    while (a > 0 && extends_(a - 1)) a--;
    while (b < r.tokens.length - 1 && extends_(b + 1)) b++;
    name = [titleCase(r.tokens.slice(a, first)), r.knownDisplay, titleCase(r.tokens.slice(last + 1, b + 1))].filter(Boolean).join(" ");
  } else {
    let words = r.tokens.map((t, k) => (free(k) ? t : null));
    if (!brand) {
      const by = r.tokens.findIndex((t, k) => t === "by" && k + 1 < r.tokens.length && free(k + 1));
      if (by >= 0) {
        let end = by + 1;
        while (end < r.tokens.length && free(end) && end - by <= 3) end++;
        brand = titleCase(r.tokens.slice(by + 1, end));
        words = words.map((w, k) => (k > by && k < end ? null : w));
      }
    }
    name = titleCase(words.filter((w): w is string => w !== null));
  }
  return { brand, name, concentration: r.concentration, sizeMl, packaging: r.packaging ?? "retail", gender: r.gender, quantity };
}
