/**
 * The catalog import, one code path for `npm run catalog:import` and the import-catalog edge
 * function: records from a streamed file (records.ts), mapped (mappings.ts), sent in batches to
 * private.import_catalog_batch, which resolves and writes them set-based and moves the run's
 * checkpoint in the same transaction. A run of the same source and file (by SHA-256) that did not
 * finish is resumed after its last committed batch.
 */
import type { Sql } from "../db.ts";
import { csvRecords, decode, type Encoding, jsonRecords } from "./records.ts";
import { byHeader, type CatalogRow, checkHeader, type Mapping, mapRecord } from "./mappings.ts";

export type Format = "csv" | "json";

export type ImportOptions = {
  source: string;
  mapping: Mapping;
  format: Format;
  encoding?: Encoding;
  fileName?: string;
  /** SHA-256 (hex) of the whole file: makes the run resumable. */
  sha256?: string;
  /** Rows per transaction. */
  batchSize?: number;
  /** Batches written side by side, on as many connections (the pool needs one more). */
  workers?: number;
  /** Called after each committed batch. */
  onProgress?: (p: { rows: number; skipped: number; counts: Counts }) => void;
};

export type Counts = Record<string, number>;

export type Summary = {
  run_id: number; source: string; status: string; rows: number; resumed_after: number;
  counts: Counts; rejects: { line: number; key: string | null; field: string; reason: string }[];
  missing_columns: string[];
};

export const DEFAULT_BATCH = 1000;
export const DEFAULT_WORKERS = 2;

/** The number of workers, checked (1 to 8). */
export function checkWorkers(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new Error("workers must be a whole number from 1 to 8");
  return workers;
}

/** Rows of a file, numbered from 1 in file order, mapped to catalog rows. */
export async function* catalogRows(
  bytes: AsyncIterable<Uint8Array>,
  o: Pick<ImportOptions, "mapping" | "format" | "encoding">,
  onHeader: (missingColumns: string[]) => void = () => {},
): AsyncGenerator<CatalogRow> {
  const text = decode(bytes, o.encoding);
  let line = 0;
  if (o.format === "json") {
    let checked = false;
    for await (const record of jsonRecords(text)) {
      if (!checked) {
        onHeader(checkHeader(Object.keys(record), o.mapping));
        checked = true;
      }
      yield mapRecord(record, o.mapping, ++line);
    }
    return;
  }
  let header: string[] | undefined;
  for await (const values of csvRecords(text, o.mapping.delimiter)) {
    if (!header) {
      header = values.map((h) => h.trim());
      onHeader(checkHeader(header, o.mapping));
      continue;
    }
    const { record, error } = byHeader(header, values, ++line);
    const row = mapRecord(record, o.mapping, line);
    if (error) row.errors = [{ field: "row", reason: error }];
    yield row;
  }
}

/** FNV-1a of a string: which worker a brand's rows go to. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Whether a database error is a lock conflict a retry resolves (deadlock, serialization failure). */
const retryable = (err: unknown) => ["40P01", "40001"].includes((err as { code?: string }).code ?? "");

/**
 * Splits chunks of rows among workers by brand: every row of one brand (by name, alias or spacing,
 * catalog_import_brand_keys) goes to one worker, so a brand's rows are written in file order, and
 * the outcome does not depend on which worker is faster. A repeated source key follows its first row.
 */
class Router {
  #brandKeys = new Map<string, string>();
  #keyWorker = new Map<string, number>();
  constructor(private sql: Sql, private workers: number) {}

  async split(rows: CatalogRow[]): Promise<CatalogRow[][]> {
    if (this.workers === 1) return [rows];
    const parts: CatalogRow[][] = Array.from({ length: this.workers }, () => []);
    const unseen = [...new Set(rows.map((r) => r.brand ?? "").filter((b) => !this.#brandKeys.has(b)))];
    if (unseen.length) {
      for (const k of await this.sql<{ brand: string; key: string | null }[]>`
        select brand, key from private.catalog_import_brand_keys(${unseen})`) this.#brandKeys.set(k.brand, k.key ?? "");
    }
    for (const row of rows) {
      const sourceKey = typeof row.key === "string" ? row.key : undefined;
      let worker = sourceKey === undefined ? undefined : this.#keyWorker.get(sourceKey);
      if (worker === undefined) {
        worker = hash(this.#brandKeys.get(row.brand ?? "") ?? "") % this.workers;
        if (sourceKey !== undefined) this.#keyWorker.set(sourceKey, worker);
      }
      parts[worker].push(row);
    }
    return parts;
  }
}

/**
 * Imports a file: starts (or resumes) a run, sends its rows in chunks of batchSize x workers lines,
 * each split by brand into one batch per worker (batches of one worker in file order, workers on
 * their own connections), and finishes the run.
 */
export async function importCatalog(sql: Sql, bytes: AsyncIterable<Uint8Array>, o: ImportOptions): Promise<Summary> {
  const batchSize = o.batchSize ?? DEFAULT_BATCH;
  const workers = checkWorkers(o.workers ?? DEFAULT_WORKERS);
  const [start] = await sql<{ run_id: number; resume_after: number }[]>`
    select run_id, resume_after from private.start_catalog_import(
      ${o.source}, ${o.fileName ?? null}, ${o.sha256 ?? null}, ${o.mapping.name})`;
  const counts: Counts = {};
  let committed = 0;
  const router = new Router(sql, workers);
  const sendBatch = async (rows: CatalogRow[], rowsDone: number, part: number, parts: number) => {
    for (let attempt = 1;; attempt++) {
      try {
        const [{ counts: c }] = await sql<{ counts: Counts }[]>`
          select private.import_catalog_batch(${start.run_id}, ${sql.json(rows as never)}, ${rowsDone}, ${part}, ${parts}) as counts`;
        for (const [k, v] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + v;
        committed += rows.length;
        o.onProgress?.({ rows: start.resume_after + committed, skipped: start.resume_after, counts });
        return;
      } catch (err) {
        if (!retryable(err) || attempt === 3) throw err;
      }
    }
  };
  // One queue per worker: its batches run in file order; a chunk's parts run side by side. At most
  // two chunks are in flight, so the file is read as fast as the database writes, no faster.
  const queues: Promise<void>[] = Array.from({ length: workers }, () => Promise.resolve());
  let failure: unknown;
  let previousChunk = Promise.resolve();
  let lastChunk = Promise.resolve();
  const sendChunk = async (chunk: CatalogRow[], rowsDone: number) => {
    await previousChunk;
    if (failure) throw failure;
    const parts = (await router.split(chunk)).map((rows, worker) => ({ rows, worker })).filter((p) => p.rows.length);
    const done = parts.map((p, i) =>
      queues[p.worker] = queues[p.worker]
        .then(() => failure ? undefined : sendBatch(p.rows, rowsDone, i, parts.length))
        .catch((err) => void (failure ??= err))
    );
    previousChunk = lastChunk;
    lastChunk = Promise.all(done).then(() => {});
  };
  let missingColumns: string[] = [];
  let rows = 0;
  let chunk: CatalogRow[] = [];
  try {
    for await (const row of catalogRows(bytes, o, (m) => (missingColumns = m))) {
      rows = row.line;
      if (row.line <= start.resume_after) continue;
      chunk.push(row);
      if (chunk.length >= batchSize * workers) {
        await sendChunk(chunk, rows);
        chunk = [];
      }
    }
    if (chunk.length) await sendChunk(chunk, rows);
    await Promise.all(queues);
    if (failure) throw failure;
  } catch (err) {
    await Promise.all(queues);
    // The run stays resumable: its checkpoint is the end of its committed chunks.
    await sql`select private.finish_catalog_import(${start.run_id}, ${String((err as Error).message ?? err).slice(0, 500)})`
      .catch(() => {});
    throw err;
  }
  if (rows < start.resume_after) {
    await sql`select private.finish_catalog_import(${start.run_id}, 'the file has fewer rows than the run it resumes')`;
    throw new Error(`the file has ${rows} rows, fewer than the ${start.resume_after} its unfinished run already imported`);
  }
  const [{ summary }] = await sql<{ summary: Omit<Summary, "resumed_after" | "missing_columns"> }[]>`
    select private.finish_catalog_import(${start.run_id}) as summary`;
  return { ...summary, resumed_after: start.resume_after, missing_columns: missingColumns };
}
