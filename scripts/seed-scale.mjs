#!/usr/bin/env node
// `npm run seed:scale -- --fragrances N [--seed S] [--db-url URL]`
// Fills a migrated database with a deterministic synthetic catalog of N
// fragrances (brands, lines, pyramids, accords, variants, retailers, listings)
// with COPY, in one transaction: it all lands or nothing does.
// Notes, accords and families are the seed's reference data (loaded and
// committed first when the database has none).
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { PG_BIN, ROOT } from "./stack/cluster.mjs";
import { LOCAL_DB_URL } from "./stack/local.mjs";


const PSQL = `${PG_BIN}/psql`;

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  /** Picks by weight from [[value, weight], ...]. */
  const weighted = (pairs) => {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs[pairs.length - 1][0];
  };
  const uuid = () => {
    const h = Array.from({ length: 4 }, () => (int(2 ** 32) >>> 0).toString(16).padStart(8, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  return { next, int, pick, weighted, uuid };
}

/** EAN-13 with a correct check digit from a 12-digit body. */
export function ean13(body) {
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + ((10 - (sum % 10)) % 10);
}

const SYLLABLES = ["ar", "bel", "cor", "da", "el", "fi", "gra", "hal", "is", "jo", "ka", "lu", "mar", "nor", "ol", "pra",
  "qui", "ro", "sa", "tel", "ur", "val", "wen", "xa", "yl", "zel", "ven", "mo", "li", "an", "te", "ri"];
const HOUSE_WORDS = ["Maison", "Parfums", "House of", "Atelier", "", "", "", ""];
const NAME_WORDS = ["Velvet", "Oud", "Noir", "Bleu", "Rose", "Amber", "Santal", "Iris", "Nuit", "Soleil", "Cuir", "Vetiver",
  "Musc", "Ambre", "Jardin", "Tabac", "Encens", "Fleur", "Bois", "Vanille", "Ciel", "Mer", "Sauvage", "Royal", "Gold",
  "Silver", "Black", "White", "Wild", "Secret", "Eclat", "Lumière", "Ombre", "Aqua", "Citrus", "Smoke", "Spice", "Honey"];
const FLANKER_WORDS = ["Intense", "Elixir", "Absolu", "Sport", "Extreme", "Privé", "Fraîche", "Night", "L'Eau", "Le Parfum"];
const CONCENTRATIONS = [["edp", 45], ["edt", 30], ["parfum", 9], ["extrait", 5], ["edc", 3], ["cologne", 4], ["body_mist", 3], ["eau_fraiche", 1]];
const GENDERS = [["feminine", 40], ["masculine", 38], ["unisex", 22]];
const SIZES = [[30, 20], [50, 30], [75, 8], [90, 8], [100, 30], [125, 5], [150, 5], [200, 8], [10, 6], [15, 3]];
const EXTRA_VARIANTS = [["tester", 0.30], ["refill", 0.05], ["travel", 0.10], ["sample", 0.05], ["gift_set", 0.06], ["unboxed", 0.04]];
const CONC_WORD = { edp: "Eau de Parfum", edt: "Eau de Toilette", parfum: "Parfum", extrait: "Extrait de Parfum", edc: "Eau de Cologne",
  cologne: "Cologne", body_mist: "Body Mist", eau_fraiche: "Eau Fraîche" };

const slugify = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/&/g, " and ").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
const copyField = (v) => (v === null || v === undefined ? "\\N" : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n"));

/** One synthetic catalog, generated lazily table by table (deterministic for a seed and size). */
export function* generate(n, seed, ref) {
  const r = prng(seed);
  const brandCount = Math.max(20, Math.round(n / 50));
  const brands = [];
  const seen = new Set(ref.brandNames);
  for (let i = 0; brands.length < brandCount; i++) {
    const word = `${r.pick(SYLLABLES)}${r.pick(SYLLABLES)}${r.pick(SYLLABLES)}`;
    let name = `${r.pick(HOUSE_WORDS)} ${word[0].toUpperCase()}${word.slice(1)}`.trim();
    if (seen.has(slugify(name))) name = `${name} ${i}`;
    if (seen.has(slugify(name))) continue;
    seen.add(slugify(name));
    brands.push({ id: r.uuid(), slug: slugify(name), name });
  }
  yield ["brands", ["id", "slug", "name", "country"], brands.map((b) => [b.id, b.slug, b.name, r.pick(["FR", "IT", "US", "GB", "DE", "ES", "AE", "JP"])])];

  // Brand sizes follow a power law: a few big houses, a long tail of niche ones.
  const brandWeights = brands.map((b, i) => [b, 1 / (i + 1) ** 0.8]);
  const lines = [];
  const fragrances = [];
  const slugs = new Set();
  for (let i = 0; i < n; i++) {
    const brand = r.weighted(brandWeights);
    const base = `${r.pick(NAME_WORDS)} ${r.pick(NAME_WORDS)}`;
    const flanker = r.next() < 0.3;
    let line = null;
    if (flanker) {
      line = { id: r.uuid(), brand_id: brand.id, slug: `${slugify(base)}-${lines.length}`, name: base };
      lines.push(line);
    }
    const name = flanker ? `${base} ${r.pick(FLANKER_WORDS)}` : base;
    const conc = r.weighted(CONCENTRATIONS);
    let slug = `${brand.slug}-${slugify(name)}-${conc.replace("_", "-")}`;
    if (slugs.has(slug)) slug = `${slug}-${i}`;
    slugs.add(slug);
    fragrances.push({
      id: r.uuid(), brand, line, slug, name: slug.endsWith(`-${i}`) ? `${name} ${i}` : name, conc,
      gender: r.weighted(GENDERS), family: r.pick(ref.families), year: 2026 - Math.floor(r.next() ** 2 * 76),
    });
  }
  yield ["fragrance_lines", ["id", "brand_id", "slug", "name"], lines.map((l) => [l.id, l.brand_id, l.slug, l.name])];
  yield ["fragrances", ["id", "brand_id", "line_id", "slug", "name", "concentration", "gender", "family_slug", "launch_year", "description"],
    fragrances.map((f) => [f.id, f.brand.id, f.line?.id ?? null, f.slug, f.name, f.conc, f.gender, f.family, f.year,
      `${f.name} by ${f.brand.name}, a synthetic ${CONC_WORD[f.conc].toLowerCase()}.`])];

  yield ["fragrance_notes", ["fragrance_id", "note_id", "tier", "position"], (function* () {
    for (const f of fragrances) {
      for (const tier of ["top", "heart", "base"]) {
        const count = 2 + r.int(3);
        const used = new Set();
        while (used.size < count) {
          const note = r.pick(ref.notes);
          if (used.has(note)) continue;
          used.add(note);
          yield [f.id, note, tier, used.size];
        }
      }
    }
  })()];
  yield ["fragrance_accords", ["fragrance_id", "accord_id", "strength"], (function* () {
    for (const f of fragrances) {
      const used = new Set();
      const count = 3 + r.int(3);
      while (used.size < count) {
        const accord = r.pick(ref.accords);
        if (used.has(accord)) continue;
        used.add(accord);
        yield [f.id, accord, 100 - (used.size - 1) * 15 - r.int(10)];
      }
    }
  })()];

  const variants = [];
  let gtin = 0;
  for (const f of fragrances) {
    const sizes = new Set(Array.from({ length: 1 + r.int(3) }, () => r.weighted(SIZES)));
    const largest = Math.max(...sizes);
    for (const size of sizes) variants.push({ id: r.uuid(), f, size, packaging: "retail", qty: 1 });
    for (const [packaging, p] of EXTRA_VARIANTS) {
      if (r.next() >= p) continue;
      const size = packaging === "sample" ? 2 : packaging === "travel" ? 10 : largest;
      variants.push({ id: r.uuid(), f, size, packaging, qty: 1 });
    }
  }
  yield ["variants", ["id", "fragrance_id", "size_ml", "packaging", "quantity", "gtin"],
    variants.map((v) => [v.id, v.f.id, v.size, v.packaging, v.qty, ean13(`2${String(seed % 100).padStart(2, "0")}${String(++gtin).padStart(9, "0")}`)])];

  const retailers = [...ref.retailers];
  const extra = [];
  for (let i = retailers.length; i < 12; i++) {
    const slug = `scale-shop-${String(i).padStart(2, "0")}`;
    const row = { id: r.uuid(), slug, currency: r.pick(["EUR", "USD", "GBP"]) };
    extra.push(row);
    retailers.push(row);
  }
  yield ["retailers", ["id", "slug", "name", "country", "currency", "website"],
    extra.map((x) => [x.id, x.slug, `Scale Shop ${x.slug.slice(-2)}`, "FR", x.currency, `https://${x.slug}.example`])];

  // (volume_ml is the variant's, as the ingest writes it: otherwise the table's insert trigger sets it, one update of every row)
  yield ["retailer_listings", ["id", "retailer_id", "retailer_sku", "title", "url", "variant_id", "match_method", "match_confidence", "status", "volume_ml"],
    (function* () {
      let sku = 0;
      for (const v of variants) {
        // 0..4 listings per variant, about 1.5 on average
        const count = r.weighted([[0, 15], [1, 35], [2, 30], [3, 15], [4, 5]]);
        const shops = new Set();
        while (shops.size < count) shops.add(r.pick(retailers));
        for (const shop of shops) {
          const id = r.uuid();
          const title = `${v.f.brand.name} ${v.f.name} ${CONC_WORD[v.f.conc]} ${v.size}ml${v.packaging === "retail" ? "" : ` ${v.packaging}`}`;
          const matched = r.next() < 0.9;
          yield [id, shop.id, `SKU-${++sku}`, title, `https://${shop.slug}.example/p/${sku}`,
            matched ? v.id : null, matched ? "attributes" : null, matched ? (0.85 + r.next() * 0.15).toFixed(3) : null,
            matched ? "matched" : "review", matched ? v.size * v.qty : null];
        }
      }
    })()];
}

async function referenceData(sql) {
  const [{ count }] = await sql`select count(*)::int from public.notes`;
  if (count === 0) {
    const file = path.join(ROOT, "supabase/seed/01_reference.sql");
    await sql.unsafe(fs.readFileSync(file, "utf8").replace(/create temporary table/g, "create temporary table if not exists"));
  }
  return {
    notes: (await sql`select id from public.notes order by slug`).map((x) => x.id),
    accords: (await sql`select id from public.accords order by slug`).map((x) => x.id),
    families: (await sql`select slug from public.olfactive_families order by slug`).map((x) => x.slug),
    retailers: await sql`select id, slug, currency from public.retailers order by slug`,
    brandNames: (await sql`select slug from public.brands`).map((x) => x.slug),
  };
}

function progress(table, done, total) {
  if (!process.stderr.isTTY && done !== total) return;
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  const line = `  ${table.padEnd(18)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}${total ? ` / ${total.toLocaleString("en")}` : ""}`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}${done === total ? "\n" : ""}` : `${line}\n`);
}

/**
 * A psql session fed through stdin: COPY streams with backpressure, and with
 * ON_ERROR_STOP a failure ends the session, which rolls the transaction back.
 * (postgres-js loses a COPY error that arrives after the stream's end().)
 */
function psqlSession(url) {
  const child = spawn(PSQL, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.on("error", () => {}); // EPIPE once psql stopped on an error; its exit code tells
  const exited = new Promise((resolve) => child.on("close", resolve));
  const failed = () => new Error(stderr.trim().split("\n").slice(-3).join("\n") || "psql stopped");
  return {
    async write(text) {
      if (child.exitCode !== null) throw failed();
      if (!child.stdin.write(text)) await Promise.race([once(child.stdin, "drain"), exited]);
    },
    async close() {
      child.stdin.end();
      if ((await exited) !== 0) throw failed();
    },
  };
}

/** SQL that drops the foreign keys of `tables`, keeping their definitions for restoreForeignKeys. */
const deferForeignKeys = (tables) => `
create temporary table _deferred_fks on commit drop as
  select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def, obj_description(oid, 'pg_constraint') as note
  from pg_constraint where contype = 'f' and conrelid = any (array[${tables.map((t) => `'${t}'`).join(", ")}]::regclass[]);
do $$ declare r record; begin
  for r in select * from _deferred_fks loop execute format('alter table %s drop constraint %I', r.tbl, r.conname); end loop;
end $$;
`;

/** SQL that adds the deferred foreign keys back, each validated by one query over the whole table. */
const restoreForeignKeys = `
do $$ declare r record; begin
  for r in select * from _deferred_fks loop
    execute format('alter table %s add constraint %I %s', r.tbl, r.conname, r.def);
    if r.note is not null then execute format('comment on constraint %I on %s is %L', r.conname, r.tbl, r.note); end if;
  end loop;
end $$;
`;

/** SQL that drops the `method` indexes of `table`, keeping their definitions and comments for restoreIndexes. */
const deferIndexes = (table, method) => `
create temporary table _deferred_indexes on commit drop as
  select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def, obj_description(i.indexrelid, 'pg_class') as note
  from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
  where i.indrelid = '${table}'::regclass and am.amname = '${method}' and not i.indisunique;
do $$ declare r record; begin
  for r in select * from _deferred_indexes loop execute format('drop index %s', r.name); end loop;
end $$;
`;

/** SQL that builds the deferred indexes again, with their comments. */
const restoreIndexes = `
do $$ declare r record; begin
  for r in select * from _deferred_indexes loop
    execute r.def;
    if r.note is not null then execute format('comment on index %s is %L', r.name, r.note); end if;
  end loop;
end $$;
`;

/** Streams rows into `table` with COPY; returns the row count. */
async function copyRows(session, table, columns, rows, expected) {
  await session.write(`copy public.${table} (${columns.join(", ")}) from stdin;\n`);
  let count = 0;
  let chunk = [];
  for (const row of rows) {
    chunk.push(row.map(copyField).join("\t"));
    if (++count % 5000 === 0) {
      await session.write(`${chunk.join("\n")}\n`);
      chunk = [];
      progress(table, count, expected);
    }
  }
  await session.write(`${chunk.length ? `${chunk.join("\n")}\n` : ""}\\.\n`);
  progress(table, count, count);
  return count;
}

async function main() {
  const { values } = parseArgs({
    options: { fragrances: { type: "string", default: "100000" }, seed: { type: "string", default: "42" }, "db-url": { type: "string" } },
  });
  const n = Number(values.fragrances);
  const seed = Number(values.seed);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--fragrances must be a positive integer, got ${values.fragrances}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const url = values["db-url"] ?? process.env.DATABASE_URL ?? LOCAL_DB_URL;
  const started = performance.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let ref;
  try {
    ref = await referenceData(sql);
  } finally {
    await sql.end();
  }
  console.error(`seed:scale: ${n.toLocaleString("en")} fragrances (seed ${seed})`);
  const session = psqlSession(url);
  const counts = {};
  await session.write("begin;\nset local maintenance_work_mem = '512MB';\n");
  // Bulk-load practice, all inside the one transaction: foreign keys are checked once per
  // constraint after the load instead of once per row (1.8 million checks for the notes alone),
  // and the search documents' GIN indexes are built once instead of updated per document.
  // (Dropping a constraint locks its tables: their readers wait until the load commits.)
  const tables = [...generate(0, seed, ref)].map(([table]) => `public.${table}`);
  await session.write(deferForeignKeys(tables));
  // Search documents are built once at the end, not refreshed by each COPY's statement
  // trigger (fragrances, then their notes, then their accords: three full rebuilds).
  const documentTriggers = ["fragrances", "fragrance_notes", "fragrance_accords"];
  for (const t of documentTriggers) await session.write(`alter table public.${t} disable trigger documents_on_insert_${t};\n`);
  for (const [table, columns, rows] of generate(n, seed, ref)) {
    counts[table] = await copyRows(session, table, columns, rows, Array.isArray(rows) ? rows.length : undefined);
  }
  await session.write(restoreForeignKeys);
  await session.write(deferIndexes("public.fragrance_documents", "gin"));
  await session.write(`select private.refresh_fragrance_documents(array(
    select f.id from public.fragrances f
    where f.deleted_at is null and not exists (select from public.fragrance_documents d where d.fragrance_id = f.id)));\n`);
  await session.write(restoreIndexes);
  for (const t of documentTriggers) await session.write(`alter table public.${t} enable trigger documents_on_insert_${t};\n`);
  await session.write("commit;\n");
  await session.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ fragrances: n, seed, seconds: Number(seconds.toFixed(1)), rows: counts }));
}

if (process.argv[1] === import.meta.filename) {
  main().catch((err) => {
    console.error(`seed:scale failed, nothing was written: ${err.message}`);
    process.exit(1);
  });
}
