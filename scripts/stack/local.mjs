// Where the local stack lives and how to reach it: .local/ on 127.0.0.1:54322 (database) and
// 127.0.0.1:54321 (API gateway), the addresses `supabase start` uses. SCENTMATCH_STATE_DIR,
// SCENTMATCH_DB_PORT and SCENTMATCH_API_PORT move it (the README smoke test runs a second stack).
import path from "node:path";
import { clusterAt, ROOT } from "./cluster.mjs";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "./keys.mjs";

export const STATE_DIR = process.env.SCENTMATCH_STATE_DIR ?? path.join(ROOT, ".local");
export const DB_PORT = Number(process.env.SCENTMATCH_DB_PORT ?? 54322);
export const API_PORT = Number(process.env.SCENTMATCH_API_PORT ?? 54321);

/** The local stack's cluster. */
export const localCluster = () => clusterAt(STATE_DIR, DB_PORT);

/** The database URL, as `supabase start` prints it. */
export const LOCAL_DB_URL = `postgresql://postgres:postgres@127.0.0.1:${DB_PORT}/postgres?sslmode=disable`;

/** The API gateway: edge functions under /functions/v1. */
export const LOCAL_API_URL = `http://127.0.0.1:${API_PORT}`;

/** The environment a script or a function needs to reach the local stack (what hosted Supabase sets). */
export function localEnv() {
  return {
    SUPABASE_DB_URL: LOCAL_DB_URL,
    SUPABASE_URL: LOCAL_API_URL,
    FUNCTIONS_URL: `${LOCAL_API_URL}/functions/v1`,
    SUPABASE_JWT_SECRET: JWT_SECRET,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
  };
}
