/** Database access for edge functions: one small postgres-js pool per isolate, over SUPABASE_DB_URL. */
import postgres from "postgres";

export type Sql = postgres.Sql;

/**
 * numeric and bigint come back as JavaScript numbers, as PostgREST answers them in JSON (postgres-js
 * would give strings): prices, scores, counts and ids are numbers in every function's answer.
 */
const JSON_NUMBERS = {
  numeric: { to: 1700, from: [1700], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
  bigint: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
};

/** Opens a pool; functions take it as a parameter so tests can pass their own. */
export function connect(url = Deno.env.get("SUPABASE_DB_URL"), options: postgres.Options<never> = {}): Sql {
  if (!url) throw new Error("SUPABASE_DB_URL is not set");
  return postgres(url, { max: 3, idle_timeout: 20, connect_timeout: 5, onnotice: () => {}, types: JSON_NUMBERS, ...options });
}

let shared: Sql | undefined;
/** The isolate's pool, opened on first use. */
export const db = (): Sql => (shared ??= connect());
