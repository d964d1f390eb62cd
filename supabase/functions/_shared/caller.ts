/**
 * Acting as the caller, as PostgREST does: SQL that RLS or grants should judge runs in a transaction
 * under the JWT's role, with `request.jwt.claims` set for auth.uid() and auth.jwt().
 */
import type { Sql } from "./db.ts";
import { databaseUnavailable, HttpError } from "./http.ts";
import type { Claims } from "./jwt.ts";

/** The roles a JWT may name; any other is refused. */
export const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/** How long a call waits for a connection before it is an outage (postgres-js's reserve() waits for as long as the database is down). */
export const RESERVE_TIMEOUT_MS = 3_000;

/** A reserved connection, or a CONNECT_TIMEOUT error (an outage: 503) past the timeout; a late one goes back to the pool. */
async function reserveWithin(sql: Sql, ms = RESERVE_TIMEOUT_MS) {
  const pending = sql.reserve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no database connection within ${ms / 1000} s`), { code: "CONNECT_TIMEOUT" })), ms);
  });
  try {
    return await Promise.race([pending, late]);
  } catch (err) {
    pending.then((conn) => conn.release(), () => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs fn in a transaction under the caller's role and claims; commits what it did, or rolls it back.
 * readOnly makes it a read-only transaction; settings are further transaction-local settings
 * (PostgREST's request.method, request.path, request.headers).
 */
export async function asCaller<T>(
  sql: Sql, claims: Claims, fn: (tx: Sql) => Promise<T>,
  { readOnly = false, settings = {} }: { readOnly?: boolean; settings?: Record<string, string> } = {},
): Promise<T> {
  const role = String(claims.role);
  if (!API_ROLES.has(role)) throw new HttpError(403, "forbidden", "unknown role");
  const all = { role, "request.jwt.claims": JSON.stringify(claims), ...settings };
  const conn = await reserveWithin(sql);
  try {
    await conn`begin`;
    if (readOnly) await conn`set transaction read only`;
    await conn`select set_config(s.name, s.value, true) from unnest(${Object.keys(all)}::text[], ${Object.values(all)}::text[]) as s (name, value)`;
    const result = await fn(conn as unknown as Sql);
    await conn`commit`;
    return result;
  } catch (err) {
    // A dead connection gets no rollback (its transaction died with it): a write on it crashes the
    // isolate from inside postgres-js 3.4.9 (porsager/postgres#1208).
    if (!databaseUnavailable(err)) await conn`rollback`.catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
