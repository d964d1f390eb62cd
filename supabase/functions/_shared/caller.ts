/**
 * Acting as the caller, as PostgREST does: SQL that RLS or grants should judge runs in a transaction
 * under the JWT's role, with `request.jwt.claims` set for auth.uid() and auth.jwt().
 *
 * The settings and the query go to the server as one message of statements (PostgreSQL's simple
 * protocol), which runs them in one implicit transaction: committed when every statement succeeds,
 * rolled back when one fails, in one round trip, on any connection of the pool. No connection is
 * reserved: postgres-js 3.4.9 crashes the process on a statement sent on a reserved connection that
 * has died, or on the next query once a dead one is released, and can strand a reconnected one
 * (porsager/postgres#1208). The simple protocol takes no parameters, so values go in as literals.
 */
import type postgres from "postgres";
import type { Sql } from "./db.ts";
import { HttpError } from "./http.ts";
import type { Claims } from "./jwt.ts";

/** The roles a JWT may name; any other is refused. */
export const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/**
 * A value as an SQL literal: null, a boolean, a finite number, or text. Text is an E'…' literal with
 * quotes and backslashes doubled, so it reads the same whatever standard_conforming_strings says;
 * pass JSON as its text (JSON.stringify) and cast it.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new HttpError(400, "bad_input", `not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value !== "string") throw new TypeError(`no SQL literal for a ${typeof value}; pass JSON as text`);
  if (value.includes("\0")) throw new HttpError(400, "bad_input", "text may not contain the NUL character (U+0000)");
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/** SQL text with each interpolated value inlined as a literal: sqlText`select ${x}::int`. */
export function sqlText(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((text, part, i) => text + literal(values[i - 1]) + part);
}

/**
 * The rows of `query` (one statement, values inlined with sqlText), run under the caller's role and
 * claims. readOnly makes it a read-only transaction; settings are further transaction-local settings
 * (PostgREST's request.method, request.path, request.headers).
 */
export async function asCaller<T extends postgres.Row = postgres.Row>(
  sql: Sql, claims: Claims, query: string,
  { readOnly = false, settings = {} }: { readOnly?: boolean; settings?: Record<string, string> } = {},
): Promise<T[]> {
  const role = String(claims.role);
  if (!API_ROLES.has(role)) throw new HttpError(403, "forbidden", "unknown role");
  const all = { role, "request.jwt.claims": JSON.stringify(claims), ...settings };
  const statements = [
    ...(readOnly ? ["set transaction read only"] : []),
    `select ${Object.entries(all).map(([name, value]) => sqlText`set_config(${name}, ${value}, true)`).join(", ")}`,
    query,
  ];
  const results = await sql.unsafe(statements.join(";\n")) as unknown as T[][];
  return [...results.at(-1)!];
}
