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

/** Imports a file: starts (or resumes) a run, sends its rows in batches, finishes the run. */
export async function importCatalog(sql: Sql, bytes: AsyncIterable<Uint8Array>, o: ImportOptions): Promise<Summary> {
  const batchSize = o.batchSize ?? DEFAULT_BATCH;
  const [start] = await sql<{ run_id: number; resume_after: number }[]>`
    select run_id, resume_after from private.start_catalog_import(
      ${o.source}, ${o.fileName ?? null}, ${o.sha256 ?? null}, ${o.mapping.name})`;
  const counts: Counts = {};
  let missingColumns: string[] = [];
  let rows = 0;
  let batch: CatalogRow[] = [];
  const send = async () => {
    const [{ counts: c }] = await sql<{ counts: Counts }[]>`
      select private.import_catalog_batch(${start.run_id}, ${sql.json(batch as never)}, ${rows}) as counts`;
    for (const [k, v] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + v;
    batch = [];
    o.onProgress?.({ rows, skipped: start.resume_after, counts });
  };
  try {
    for await (const row of catalogRows(bytes, o, (m) => (missingColumns = m))) {
      rows = row.line;
      if (row.line <= start.resume_after) continue;
      batch.push(row);
      if (batch.length >= batchSize) await send();
    }
    if (batch.length) await send();
  } catch (err) {
    // The run stays resumable: its checkpoint is the end of its committed batches.
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
