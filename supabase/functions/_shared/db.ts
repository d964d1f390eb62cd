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

/**
 * How long a function waits on the database, in seconds: to connect, for one statement (the server
 * cancels it: SQLSTATE 57014, answered 503), and before an idle connection is closed. docs/RUNBOOK.md
 * states them with each function's deadline; the price webhook and embed allow longer statements.
 */
export const TIMEOUTS = { connect: 2, statement: 8, idle: 20 };

/** Opens a pool; functions take it as a parameter so tests can pass their own. */
export function connect(
  url = Deno.env.get("SUPABASE_DB_URL"),
  options: postgres.Options<never> = {},
  { statementTimeout = TIMEOUTS.statement } = {},
): Sql {
  if (!url) throw new Error("SUPABASE_DB_URL is not set");
  return postgres(url, {
    max: 3, idle_timeout: TIMEOUTS.idle, connect_timeout: TIMEOUTS.connect, onnotice: () => {}, types: JSON_NUMBERS,
    connection: { statement_timeout: statementTimeout * 1000 },
    // Reconnect within a second of the database coming back (postgres-js's default backs off to 20 s,
    // so a pool stayed down long after a restart).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
    ...options,
  });
}

const pools = new Map<number, Sql>();
/** The isolate's pool (one per statement timeout), opened on first use. */
export const db = (statementTimeout = TIMEOUTS.statement): Sql => {
  let pool = pools.get(statementTimeout);
  if (!pool) pools.set(statementTimeout, pool = connect(undefined, {}, { statementTimeout }));
  return pool;
};
