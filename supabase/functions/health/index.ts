/** `GET /functions/v1/health`: is the database reachable, and which versions run. */
import { db, type Sql } from "../_shared/db.ts";
import { allowMethods, handle, json, RETRY_AFTER_SECONDS } from "../_shared/http.ts";

export function healthHandler(sql: () => Sql) {
  return handle(async (req) => {
    allowMethods(req, "GET");
    const runtime = { deno: Deno.version.deno };
    try {
      const [row] = await sql()`
        select current_setting('server_version') as postgres,
               (select extversion from pg_catalog.pg_extension where extname = 'vector') as pgvector`;
      return json({ status: "ok", database: { connected: true, postgres: row.postgres, pgvector: row.pgvector }, runtime });
    } catch (err) {
      // The cause goes to the log; the response names no host, user or password.
      console.error(JSON.stringify({ level: "error", fn: "health", error: String((err as Error).message ?? err) }));
      return json({ status: "unavailable", database: { connected: false }, runtime }, 503, { "Retry-After": String(RETRY_AFTER_SECONDS) });
    }
  }, { deadlineMs: 3_000 });
}

export const handler = healthHandler(db);

if (import.meta.main) Deno.serve(handler);
