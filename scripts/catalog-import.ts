/**
 * `npm run catalog:import -- <file> --source <name> [--mapping <name or file.json>] [--encoding latin1]
 * [--format csv|json] [--batch 1000] [--workers 2]`: imports a catalog file into the database (the
 * local stack, or SUPABASE_DB_URL), with a progress bar and a summary. Re-running it on the same file resumes an
 * interrupted run and changes nothing that is already in. docs/CATALOG_IMPORT.md has the details.
 */
import { parseArgs } from "node:util";
import { connect } from "../supabase/functions/_shared/db.ts";
import { checkWorkers, DEFAULT_WORKERS, importCatalog, type Summary } from "../supabase/functions/_shared/catalog-import/import.ts";
import { type Mapping, mappingNamed, parseMapping } from "../supabase/functions/_shared/catalog-import/mappings.ts";

const LOCAL_DB_URL = `postgresql://postgres:postgres@127.0.0.1:${Deno.env.get("SCENTMATCH_DB_PORT") ?? 54322}/postgres`;
const USAGE = "usage: npm run catalog:import -- <file> --source <name> [--mapping scentmatch|parfumo|fragrantica|<file.json>]" +
  " [--encoding utf-8|latin1] [--format csv|json] [--batch <rows>] [--workers <n>]";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    source: { type: "string" }, mapping: { type: "string" }, encoding: { type: "string" }, format: { type: "string" },
    batch: { type: "string" }, workers: { type: "string" }, quiet: { type: "boolean" },
  },
});

function fail(message: string): never {
  console.error(`catalog:import: ${message}`);
  Deno.exit(2);
}

const file = positionals[0];
if (!file || !values.source) fail(USAGE);
const encoding = values.encoding === "latin1" || values.encoding === "latin-1" || values.encoding === "iso-8859-1"
  ? "latin1"
  : values.encoding === undefined || values.encoding === "utf-8" || values.encoding === "utf8"
  ? "utf-8"
  : fail(`--encoding must be utf-8 or latin1 (got ${values.encoding})`);
const format = (values.format ?? (/\.(json|ndjson|jsonl)$/i.test(file) ? "json" : "csv")) as "csv" | "json";
if (format !== "csv" && format !== "json") fail(`--format must be csv or json (got ${values.format})`);
const batchSize = values.batch ? Number(values.batch) : undefined;
if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 20_000)) {
  fail("--batch must be a whole number from 1 to 20000");
}
let workers = DEFAULT_WORKERS;
try {
  workers = checkWorkers(values.workers ? Number(values.workers) : DEFAULT_WORKERS);
} catch (err) {
  fail(`--${(err as Error).message}`);
}

async function loadMapping(name = "scentmatch"): Promise<Mapping> {
  if (!name.endsWith(".json")) return mappingNamed(name);
  return parseMapping(JSON.parse(await Deno.readTextFile(name)));
}

/** SHA-256 of the file, read in chunks (the run's identity for resuming). */
async function sha256(path: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  for await (const chunk of (await Deno.open(path)).readable) hash.update(chunk);
  return hash.digest("hex");
}

/** The file's bytes, counting them for the progress bar. */
async function* counted(path: string, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of (await Deno.open(path)).readable) {
    onBytes(chunk.length);
    yield chunk;
  }
}

function printSummary(s: Summary) {
  const c = s.counts;
  const line = (k: string) => `${k.padEnd(18)} ${String(c[k] ?? 0).padStart(8)}`;
  console.log(`run ${s.run_id} (${s.source}): ${s.status}, ${s.rows} rows` +
    (s.resumed_after ? `, resumed after row ${s.resumed_after}` : ""));
  for (const k of ["inserted", "updated", "unchanged", "merged", "review", "rejected"]) console.log(`  ${line(k)}`);
  for (const k of ["brands_created", "notes_created", "accords_created", "perfumers_created"]) console.log(`  ${line(k)}`);
  if (s.missing_columns.length) console.log(`  columns the mapping names that the file lacks: ${s.missing_columns.join(", ")}`);
  for (const r of s.rejects) console.log(`  rejected line ${r.line}${r.key ? ` (${r.key})` : ""}: ${r.field}: ${r.reason}`);
  if ((c.rejected ?? 0) > s.rejects.length) console.log(`  ... and ${(c.rejected ?? 0) - s.rejects.length} more (private.catalog_import_rejects)`);
  if (c.review) console.log(`  ${c.review} rows wait for review: select * from public.catalog_reviews() (service_role)`);
}

let mapping: Mapping;
try {
  mapping = await loadMapping(values.mapping);
} catch (err) {
  fail((err as Error).message);
}
const size = (await Deno.stat(file).catch(() => fail(`cannot read ${file}`))).size;
const sql = connect(Deno.env.get("SUPABASE_DB_URL") ?? LOCAL_DB_URL, { max: workers + 1 }, { statementTimeout: 120 });
let read = 0;
const started = performance.now();
const bar = (rows: number) => {
  if (values.quiet) return;
  const width = 30;
  const done = Math.min(width, Math.round((read / Math.max(size, 1)) * width));
  const rate = rows / Math.max((performance.now() - started) / 1000, 0.001);
  const text = `\r[${"#".repeat(done)}${".".repeat(width - done)}] ${Math.round((100 * read) / Math.max(size, 1))}% ${rows} rows, ${Math.round(rate)} rows/s `;
  Deno.stderr.writeSync(new TextEncoder().encode(text));
};
try {
  const summary = await importCatalog(sql, counted(file, (n) => (read += n)), {
    source: values.source!, mapping, format, encoding, fileName: file.split("/").pop(), sha256: await sha256(file),
    batchSize, workers, onProgress: (p) => bar(p.rows),
  });
  bar(summary.rows);
  if (!values.quiet) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  printSummary(summary);
} catch (err) {
  console.error(`\ncatalog:import: ${(err as Error).message}`);
  await sql.end();
  Deno.exit(1);
}
await sql.end();
