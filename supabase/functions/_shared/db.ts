/** Database access for edge functions: one small postgres-js pool per isolate, over SUPABASE_DB_URL. */
import postgres from "postgres";
import type { Claims } from "./jwt.ts";

export type Sql = postgres.Sql;

/** Opens a pool; functions take it as a parameter so tests can pass their own. */
export function connect(url = Deno.env.get("SUPABASE_DB_URL"), options: postgres.Options<never> = {}): Sql {
  if (!url) throw new Error("SUPABASE_DB_URL is not set");
  return postgres(url, { max: 3, idle_timeout: 20, connect_timeout: 5, onnotice: () => {}, ...options });
}

let shared: Sql | undefined;
/** The isolate's pool, opened on first use. */
export const db = (): Sql => (shared ??= connect());

const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/**
 * Runs `fn` in a transaction under the caller's role and claims, the way
 * PostgREST does, so RLS policies and auth.uid() see the caller.
 */
export function asCaller<T>(sql: Sql, claims: Claims, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  const role = API_ROLES.has(String(claims.role)) ? String(claims.role) : "anon";
  return sql.begin(async (tx) => {
    await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return fn(tx);
  }) as Promise<T>;
}
