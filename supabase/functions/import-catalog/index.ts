/**
 * `POST /functions/v1/import-catalog?source=<name>[&mapping=parfumo|fragrantica|scentmatch][&encoding=latin1]
 * [&sha256=<hex>]` (service_role): imports a catalog file sent as the body — CSV (`text/csv`) or JSON
 * (`application/json`, an array of objects; `application/x-ndjson`, one per line) — streamed, through
 * the same code as `npm run catalog:import` (_shared/catalog-import). Answers the run's summary.
 * With sha256 (the file's), sending the same file again resumes an unfinished run; without it, a
 * re-send is still a no-op for rows already in. docs/CATALOG_IMPORT.md has the contract.
 */
import { requireRole } from "../_shared/auth.ts";
import { db, type Sql } from "../_shared/db.ts";
import { allowMethods, handle, HttpError, json } from "../_shared/http.ts";
import { type Format, importCatalog } from "../_shared/catalog-import/import.ts";
import { mappingNamed, MappingError } from "../_shared/catalog-import/mappings.ts";
import { UnreadableFile } from "../_shared/catalog-import/records.ts";

/** A request may take this long (an import longer than this should use the CLI, or resume by sha256). */
export const DEADLINE_MS = 140_000;
const STATEMENT_TIMEOUT = 60;

const FORMATS: Record<string, Format> = {
  "text/csv": "csv", "text/plain": "csv", "application/csv": "csv",
  "application/json": "json", "application/x-ndjson": "json", "application/jsonl": "json",
};

export function importCatalogHandler(sql: () => Sql) {
  return handle(async (req) => {
    allowMethods(req, "POST");
    await requireRole(req, "service_role");
    const url = new URL(req.url);
    const source = url.searchParams.get("source") ?? "";
    if (!/^[a-z0-9][a-z0-9-]*$/.test(source)) {
      throw new HttpError(400, "bad_source", "source must be a kebab-case name, e.g. ?source=parfumo");
    }
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    const format = FORMATS[type];
    if (!format) {
      throw new HttpError(415, "unsupported_media_type", `send text/csv, application/json or application/x-ndjson (got ${type || "none"})`);
    }
    const charset = /charset=([\w-]+)/i.exec(req.headers.get("content-type") ?? "")?.[1]?.toLowerCase();
    const encodingParam = url.searchParams.get("encoding")?.toLowerCase() ?? charset ?? "utf-8";
    const encoding = ["latin1", "latin-1", "iso-8859-1", "windows-1252"].includes(encodingParam)
      ? "latin1"
      : ["utf-8", "utf8"].includes(encodingParam)
      ? "utf-8"
      : null;
    if (!encoding) throw new HttpError(400, "bad_encoding", "encoding must be utf-8 or latin1");
    const sha256 = url.searchParams.get("sha256")?.toLowerCase();
    if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new HttpError(400, "bad_sha256", "sha256 must be the file's SHA-256 in hex (64 characters)");
    }
    let mapping;
    try {
      mapping = mappingNamed(url.searchParams.get("mapping") ?? "scentmatch");
    } catch (err) {
      throw new HttpError(400, "bad_mapping", (err as Error).message);
    }
    if (!req.body) throw new HttpError(400, "empty_body", "send the file as the request body");
    try {
      const summary = await importCatalog(sql(), req.body, {
        source, mapping, format, encoding, sha256, fileName: url.searchParams.get("file_name") ?? undefined,
      });
      return json(summary);
    } catch (err) {
      if (err instanceof MappingError || err instanceof UnreadableFile) {
        throw new HttpError(422, "unreadable_file", err.message);
      }
      throw err;
    }
  }, { deadlineMs: DEADLINE_MS });
}

export const handler = importCatalogHandler(() => db(STATEMENT_TIMEOUT));

if (import.meta.main) Deno.serve(handler);
