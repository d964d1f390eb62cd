/**
 * The local edge-function gateway: one Deno server mounting every
 * supabase/functions/<name>/index.ts `handler` at /functions/v1/<name>,
 * checking JWTs as the hosted gateway does unless config.toml sets
 * `verify_jwt = false` for that function.
 */
import { parse } from "smol-toml";
import { errorResponse, json } from "../../supabase/functions/_shared/http.ts";
import { bearerToken, verifyJwt } from "../../supabase/functions/_shared/jwt.ts";

type Handler = (req: Request) => Promise<Response>;
export type Mounted = { handler: Handler; verifyJwt: boolean };

const functionsDir = new URL("../../supabase/functions/", import.meta.url);
const configFile = new URL("../../supabase/config.toml", import.meta.url);

/** `verify_jwt` per function from config.toml; true when not set, as on hosted Supabase. */
export function verifyJwtSettings(configToml: string): Record<string, boolean> {
  const fns = (parse(configToml).functions ?? {}) as Record<string, { verify_jwt?: boolean }>;
  return Object.fromEntries(Object.entries(fns).map(([name, cfg]) => [name, cfg.verify_jwt !== false]));
}

/** Imports every function folder (skipping `_shared` and friends) that has an index.ts exporting `handler`. */
export async function loadFunctions(): Promise<Record<string, Mounted>> {
  const settings = verifyJwtSettings(await Deno.readTextFile(configFile));
  const mounted: Record<string, Mounted> = {};
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    const mod = await import(new URL(`${entry.name}/index.ts`, functionsDir).href);
    if (typeof mod.handler !== "function") throw new Error(`supabase/functions/${entry.name}/index.ts exports no handler`);
    mounted[entry.name] = { handler: mod.handler, verifyJwt: settings[entry.name] ?? true };
  }
  return mounted;
}

/** Routes a request to its function, after the gateway's JWT check. */
export function gateway(functions: Record<string, Mounted>, jwtSecret: string): Handler {
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/") return json({ functions: Object.keys(functions).sort() });
    const m = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const fn = m && Object.hasOwn(functions, m[1]) ? functions[m[1]] : undefined;
    if (!fn) return errorResponse(404, "not_found", "no such function");
    if (fn.verifyJwt && req.method !== "OPTIONS") {
      const token = bearerToken(req);
      if (!token) return errorResponse(401, "unauthorized", "missing authorization header (Bearer <jwt>)");
      if (!(await verifyJwt(token, jwtSecret))) return errorResponse(401, "unauthorized", "invalid or expired JWT");
    }
    return fn.handler(req);
  };
}

/**
 * The local stand-in for the pg_cron + pg_net schedules of hosted Supabase
 * (which this stack lacks): calls each function on its schedule through the
 * gateway with the service key, one call at a time per function.
 */
export const LOCAL_SCHEDULE: { fn: string; everySeconds: number }[] = [{ fn: "embed", everySeconds: 10 }];

function runSchedule(baseUrl: string, serviceKey: string) {
  for (const { fn, everySeconds } of LOCAL_SCHEDULE) {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        const res = await fetch(`${baseUrl}/functions/v1/${fn}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${serviceKey}`, "Content-Type": "application/json" },
          body: "{}",
        });
        await res.body?.cancel();
        if (!res.ok) console.error(JSON.stringify({ level: "error", schedule: fn, status: res.status }));
      } catch (err) {
        console.error(JSON.stringify({ level: "error", schedule: fn, error: String(err) }));
      } finally {
        running = false;
      }
    };
    setTimeout(tick, 1000);
    setInterval(tick, everySeconds * 1000);
  }
}

if (import.meta.main) {
  const secret = Deno.env.get("SUPABASE_JWT_SECRET");
  if (!secret) throw new Error("SUPABASE_JWT_SECRET is not set");
  const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? 54321);
  const functions = await loadFunctions();
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: () => console.log(`functions: serving ${Object.keys(functions).join(", ")} on http://127.0.0.1:${port}/functions/v1/`),
  }, gateway(functions, secret));
  if (Deno.env.get("LOCAL_SCHEDULE")) {
    runSchedule(`http://127.0.0.1:${port}`, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? "");
    console.log(`functions: local schedule: ${LOCAL_SCHEDULE.map((s) => `${s.fn} every ${s.everySeconds} s`).join(", ")}`);
  }
}
