#!/usr/bin/env node
// `npm run bench:catalog [-- --rows N] [--batch N] [--workers N]`: a catalog import of N source rows (100,000 by
// default) in the Parfumo-style layout, end to end through `npm run catalog:import` (stream, map,
// resolve, merge, write, lineage), against the raw COPY of the same file into a table of text
// columns in the same run; then the same file again (a no-op). The file is generated: ~N/20 brands,
// a note vocabulary of ~900 names in several spellings, 5 % of rows repeating a fragrance under
// another id (merged), 2 % without a concentration (review), 0.5 % with a bad year (rejected).
// Ends with one JSON line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { prng } from "../seed-scale.mjs";
import * as db from "../stack/cluster.mjs";

const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" }, batch: { type: "string", default: "1000" }, workers: { type: "string", default: "2" } } });
const ROWS = Number(values.rows);
const log = (msg) => console.error(`bench:catalog: ${msg}`);
const DENO = path.join(db.ROOT, "node_modules/.bin/deno");

const WORDS = ["Rêve", "Nuit", "Ambre", "Soleil", "Velours", "Fleur", "Bois", "Cuir", "Ciel", "Lune", "Étoile", "Jardin", "Océan",
  "Sable", "Brume", "Orage", "Néroli", "Musc", "Santal", "Vétiver", "Tabac", "Café", "Poivre", "Rosée", "Cèdre", "Figue", "Miel",
  "Safran", "Encens", "Galop", "Cristal", "Lumen", "Aube", "Givre", "Ébène", "Azur", "Pétale", "Corail", "Noir", "Blanc", "Royal",
  "Secret", "Céleste", "Nomade", "Infini", "Sacré", "Éternel", "Mystique", "Boréal", "Doré", "Fauve", "Tendre", "Sombre", "Libre"];
const BASE_NOTES = ["Bergamot", "Lemon", "Mandarin", "Pink Pepper", "Rose", "Jasmine", "Iris", "Vanilla", "Tonka Bean", "Sandalwood",
  "Cedar", "Patchouli", "Amber", "Musk", "Oud", "Leather", "Lavender", "Vetiver", "Incense", "Saffron", "Cardamom", "Neroli",
  "Orange Blossom", "Black Pepper", "Ambroxan", "Benzoin", "Labdanum", "Fig Leaf", "Green Tea", "Sea Salt", "Tuberose", "Peony"];
const ACCORDS = ["woody", "amber", "floral", "citrus", "fresh spicy", "warm spicy", "sweet", "powdery", "musky", "leather", "aromatic",
  "fruity", "green", "balsamic", "vanilla", "smoky", "oud", "rose", "white floral", "fresh", "earthy", "aquatic", "tobacco", "honey"];
const CONC = ["Eau de Parfum", "Eau de Parfum", "Eau de Toilette", "Extrait de Parfum", "Parfum", "Eau de Cologne"];

/** Writes the bench file; returns its path. */
function writeFile(dir) {
  const { next: rand, pick } = prng(7);
  const notes = [...BASE_NOTES, ...BASE_NOTES.map((n) => n.toLowerCase()), ...BASE_NOTES.map((n) => `${n}s`)];
  for (let i = 0; notes.length < 900; i++) notes.push(`${pick(WORDS)} ${pick(BASE_NOTES)}`, `${pick(WORDS)} Accord ${i}`);
  const perfumers = Array.from({ length: 1500 }, (_, i) => `${pick(WORDS)} ${pick(WORDS)}-${i}`);
  const brands = Array.from({ length: Math.max(10, Math.round(ROWS / 20)) }, (_, i) => `Maison ${pick(WORDS)} ${i}`);
  const file = path.join(dir, "bench-catalog.csv");
  const out = fs.openSync(file, "w");
  const q = (v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  fs.writeSync(out, "Number,Name,Brand,Release_Year,Concentration,Rating_Value,Rating_Count,Main_Accords,Top_Notes,Middle_Notes,Base_Notes,Perfumers,URL\n");
  const made = [];
  let lines = [];
  for (let i = 1; i <= ROWS; i++) {
    let f;
    if (made.length > 100 && rand() < 0.05) f = { ...pick(made) };
    else {
      const b = brands[Math.floor(rand() * brands.length)];
      f = { brand: b, name: `${pick(WORDS)} ${pick(WORDS)} ${i}`, conc: pick(CONC), year: String(1950 + Math.floor(rand() * 75)) };
      made.push(f);
    }
    const conc = rand() < 0.02 ? "NA" : f.conc;
    const year = rand() < 0.005 ? "19xx" : f.year;
    const list = (n) => Array.from({ length: n }, () => pick(notes)).join(", ");
    lines.push([i, f.name, f.brand, year, conc, (5 + rand() * 5).toFixed(1), Math.floor(rand() * 900),
      Array.from({ length: 4 }, () => pick(ACCORDS)).join(", "), list(3), list(3), list(3),
      rand() < 0.6 ? pick(perfumers) : "NA", `https://www.parfumo.example/Perfumes/b${i}`].map((v) => q(String(v))).join(","));
    if (lines.length === 5000) {
      fs.writeSync(out, lines.join("\n") + "\n");
      lines = [];
    }
  }
  if (lines.length) fs.writeSync(out, lines.join("\n") + "\n");
  fs.closeSync(out);
  return file;
}

const seconds = (t) => (performance.now() - t) / 1000;

/** Raw COPY of the file into a table of text columns (the floor any import is measured against). */
function rawCopy(c, file) {
  db.psql(c, { sql: "drop table if exists public.bench_raw; create table public.bench_raw (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text, c10 text, c11 text, c12 text, c13 text)" });
  const t = performance.now();
  const r = spawnSync(path.join(db.PG_BIN, "psql"), [c.dbUrl, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `\\copy public.bench_raw from '${file}' csv header`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const s = seconds(t);
  db.psql(c, { sql: "drop table public.bench_raw" });
  return s;
}

/** `npm run catalog:import` on the file; seconds and the summary lines. */
function catalogImport(c, file) {
  const t = performance.now();
  const r = spawnSync(DENO, ["run", "--allow-all", "--config", path.join(db.ROOT, "supabase/functions/deno.json"),
    path.join(db.ROOT, "scripts/catalog-import.ts"), file, "--source", "bench", "--mapping", "parfumo", "--batch", values.batch, "--workers", values.workers, "--quiet"],
  { encoding: "utf8", env: { ...process.env, SUPABASE_DB_URL: c.dbUrl } });
  if (r.status !== 0) throw new Error(`catalog:import failed: ${r.stderr}${r.stdout}`);
  const counts = Object.fromEntries([...r.stdout.matchAll(/^\s+(\w+)\s+(\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  return { s: seconds(t), counts };
}

async function main() {
  const { cluster: c, dispose } = await db.throwaway("scentmatch-bench", 54380);
  const sql = postgres(c.dbUrl, { max: 1, onnotice: () => {} });
  try {
    log(`cluster on port ${c.port}; migrating and seeding`);
    db.pushMigrations(c);
    db.seed(c);
    log(`writing ${ROWS.toLocaleString("en")} source rows`);
    const file = writeFile(c.stateDir);
    const mb = fs.statSync(file).size / 1e6;
    const copy = [rawCopy(c, file), rawCopy(c, file), rawCopy(c, file)].sort((a, b) => a - b)[1];
    log(`raw COPY ${copy.toFixed(2)} s (median of 3); importing`);
    const first = catalogImport(c, file);
    log(`first import ${first.s.toFixed(1)} s: ${JSON.stringify(first.counts)}`);
    await sql`vacuum analyze`;
    const again = catalogImport(c, file);
    log(`same file again ${again.s.toFixed(1)} s`);
    const [catalog] = await sql`select (select count(*)::int from public.fragrances) as fragrances, (select count(*)::int from public.notes) as notes,
      (select count(*)::int from public.fragrance_notes) as pyramid_rows, (select count(*)::int from private.catalog_source_rows) as lineage_rows`;
    const rate = (s) => Math.round(ROWS / s);
    console.log(`\n${ROWS.toLocaleString("en")} source rows (${mb.toFixed(1)} MB), batches of ${values.batch}, workers: ${values.workers}`);
    console.log(`raw COPY into a text table     ${copy.toFixed(2).padStart(7)} s  ${rate(copy).toLocaleString("en").padStart(9)} rows/s`);
    console.log(`catalog:import, first time     ${first.s.toFixed(2).padStart(7)} s  ${rate(first.s).toLocaleString("en").padStart(9)} rows/s  = ${(100 * copy / first.s).toFixed(1)}% of COPY (${(first.s / copy).toFixed(0)}x its time)`);
    console.log(`catalog:import, same file      ${again.s.toFixed(2).padStart(7)} s  ${rate(again.s).toLocaleString("en").padStart(9)} rows/s  = ${(100 * copy / again.s).toFixed(1)}% of COPY`);
    console.log(`rows: ${JSON.stringify(first.counts)}; catalog now ${JSON.stringify(catalog)}`);
    console.log(JSON.stringify({ rows: ROWS, batch: Number(values.batch), workers: Number(values.workers), copy_s: Number(copy.toFixed(3)), import_s: Number(first.s.toFixed(2)),
      reimport_s: Number(again.s.toFixed(2)), import_vs_copy: Number((copy / first.s).toFixed(4)), counts: first.counts, unchanged_again: again.counts.unchanged }));
  } finally {
    await sql.end();
    if (process.env.BENCH_KEEP) log(`kept ${c.dbUrl}`);
    else dispose();
  }
}

await main();
