/**
 * Acting as the caller, as PostgREST does: SQL that RLS or grants should judge runs in a transaction
 * under the JWT's role, with `request.jwt.claims` set for auth.uid() and auth.jwt().
 */
import type { Sql } from "./db.ts";
import { databaseUnavailable, HttpError } from "./http.ts";
import type { Claims } from "./jwt.ts";

/** The roles a JWT may name; any other is refused. */
export const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/** Runs fn in a transaction under the caller's role and claims; commits what it did, or rolls it back. */
export async function asCaller<T>(sql: Sql, claims: Claims, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const role = String(claims.role);
  if (!API_ROLES.has(role)) throw new HttpError(403, "forbidden", "unknown role");
  const conn = await sql.reserve();
  try {
    await conn`begin`;
    await conn`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
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
