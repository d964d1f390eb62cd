// Starts and stops the Deno server that mounts every edge function (functions-server.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, StackError, onFreePort, portIsFree } from "./cluster.mjs";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "./keys.mjs";

export const DENO = path.join(ROOT, "node_modules/.bin/deno");
export const DENO_CONFIG = path.join(ROOT, "supabase/functions/deno.json");

/** The environment hosted Supabase gives an edge function, pointed at a local cluster. */
export function functionEnv(cluster, port) {
  return {
    SUPABASE_DB_URL: cluster.dbUrl,
    SUPABASE_URL: `http://127.0.0.1:${port}`,
    SUPABASE_JWT_SECRET: JWT_SECRET,
    SUPABASE_ANON_KEY: ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    FUNCTIONS_PORT: String(port),
  };
}

export const alive = (pid) => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

/** Whether the server answers on `port`; a listener that never answers (another program) counts as not yet. */
async function ready(port) {
  try { return (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) })).ok; } catch { return false; }
}

/**
 * Spawns the server in the background; resolves with its pid once it answers.
 * With `schedule`, the server also does what pg_cron + pg_net do on hosted
 * Supabase (see functions-server.ts); tests leave it off to drive the queue themselves.
 */
export async function startFunctions(cluster, port, logFile, { schedule = false } = {}) {
  if (!(await portIsFree(port))) {
    throw new StackError(`port ${port} (edge functions) is already taken by another program`,
      `stop it ('ss -ltnp | grep ${port}' shows which), or stop a 'supabase start' stack with 'supabase stop'`);
  }
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const log = fs.openSync(logFile, "a");
  const child = spawn(DENO, ["run", "--allow-all", "--config", DENO_CONFIG, path.join(import.meta.dirname, "functions-server.ts")], {
    cwd: ROOT, detached: true, stdio: ["ignore", log, log], env: { ...process.env, ...functionEnv(cluster, port), ...(schedule ? { LOCAL_SCHEDULE: "1" } : {}) },
  });
  child.unref();
  for (let i = 0; i < 600; i++) {
    if (await ready(port)) return child.pid;
    if (!alive(child.pid)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try { process.kill(-child.pid); } catch { /* already gone */ }
  const output = fs.readFileSync(logFile).subarray(logStart).toString("utf8");
  const err = new StackError(`the edge function server did not start:\n${output.trim().split("\n").slice(-10).join("\n")}`, `read ${logFile}`);
  err.portTaken = /AddrInUse/.test(output);
  throw err;
}

/** startFunctions on the first free port from `from` (cluster.mjs onFreePort): resolves with its pid and port. */
export function startFunctionsFrom(cluster, from, logFile, options) {
  return onFreePort(from, async (port) => ({ pid: await startFunctions(cluster, port, logFile, options), port }));
}

export function stopFunctions(pid) {
  if (!pid || !alive(pid)) return false;
  try { process.kill(-pid, "SIGTERM"); } catch { process.kill(pid, "SIGTERM"); }
  return true;
}
