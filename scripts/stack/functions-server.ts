/**
 * The local API gateway on 127.0.0.1:54321, what `supabase start` serves there, as far as this stack can:
 * - /functions/v1/<name>: every supabase/functions/<name>/index.ts `handler`, checking JWTs as the
 *   hosted gateway does unless config.toml sets `verify_jwt = false` for that function;
 * - /rest/v1/rpc/<function>: PostgREST's RPC endpoint (rest-rpc.ts), so supabase-js `.rpc()` works;
 * - /auth/v1, and /rest/v1 tables: an answer that says they need `supabase start` or a hosted project;
 * - /demo/: the example frontend (examples/web), with supabase-js from node_modules.
 */
import { parse } from "smol-toml";
import { connect } from "../../supabase/functions/_shared/db.ts";
import { errorResponse, json } from "../../supabase/functions/_shared/http.ts";
import { bearerToken, verifyJwt } from "../../supabase/functions/_shared/jwt.ts";
import { REST_CORS, restError, restRpc } from "./rest-rpc.ts";

type Handler = (req: Request) => Promise<Response>;
/** What the gateway serves besides the functions. */
export type Extras = { rest?: Handler; files?: Handler };
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

/** The schemas PostgREST exposes, from config.toml's [api] schemas. */
export function exposedSchemas(configToml: string): string[] {
  return ((parse(configToml).api as { schemas?: string[] } | undefined)?.schemas) ?? ["public"];
}

/** Routes a request: to its function after the gateway's JWT check, to the RPC endpoint, or to the demo's files. */
export function gateway(functions: Record<string, Mounted>, jwtSecret: string, extras: Extras = {}): Handler {
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/") {
      return json({ functions: Object.keys(functions).sort(), rest: "/rest/v1/rpc/<function>", demo: "/demo/" });
    }
    if (url.pathname.startsWith("/rest/v1/") && extras.rest) return extras.rest(req);
    if (url.pathname.startsWith("/auth/v1/")) {
      if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: REST_CORS });
      return restError(501, "AUTH_LOCAL", "the local stack has no Auth server", null,
        "Get a signed-in session with `npm run user -- <email>` and pass its token to createClient({ accessToken }); sign-up and sign-in flows need `npx supabase start` or a hosted project.");
    }
    if (url.pathname === "/demo") return Response.redirect(`${url.origin}/demo/`, 301);
    if ((url.pathname.startsWith("/demo/") || url.pathname.startsWith("/vendor/")) && extras.files) return extras.files(req);
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
export const LOCAL_SCHEDULE: { fn: string; everySeconds: number }[] = [{ fn: "embed", everySeconds: 10 }, { fn: "notify", everySeconds: 15 }];

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

const root = new URL("../../", import.meta.url);
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml",
  png: "image/png", json: "application/json",
};

/**
 * The demo's files (examples/web at /demo/), supabase-js's browser build (at /vendor/supabase.js), and
 * /demo/config.json: the API URL the page was loaded from and the anon key (public by design).
 */
export function staticFiles(anonKey: string): Handler {
  const vendor: Record<string, string> = { "/vendor/supabase.js": "node_modules/@supabase/supabase-js/dist/umd/supabase.js" };
  return async (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/demo/config.json") return Response.json({ url: url.origin, anonKey });
    const rel = vendor[path] ?? (path.startsWith("/demo/") ? `examples/web/${path.slice(6) || "index.html"}` : null);
    if (!rel || rel.split("/").includes("..")) return errorResponse(404, "not_found", "no such file");
    try {
      const body = await Deno.readFile(new URL(rel, root));
      return new Response(body, { headers: { "Content-Type": CONTENT_TYPES[rel.split(".").pop()!] ?? "application/octet-stream" } });
    } catch {
      return errorResponse(404, "not_found", "no such file");
    }
  };
}

/**
 * postgres-js 3.4.9 can throw from a timer when a connection dies under a query (porsager/postgres#1208),
 * which would end the process and every function with it: that one error is logged and survived. A last
 * resort: the way in that CI met, a dead reserved connection, is closed (asCaller reserves none).
 */
export function surviveDeadConnectionWrites() {
  const fromPostgres = (err: unknown) => /postgres\/(?:[\d.]+\/)?src\/connection\.js/.test(String((err as Error)?.stack ?? ""));
  const log = (err: unknown) => console.error(JSON.stringify({ level: "error", error: `postgres-js on a closed connection: ${(err as Error)?.message}` }));
  globalThis.addEventListener("error", (e) => {
    if (!fromPostgres(e.error)) return;
    e.preventDefault();
    log(e.error);
  });
  globalThis.addEventListener("unhandledrejection", (e) => {
    if (!fromPostgres(e.reason)) return;
    e.preventDefault();
    log(e.reason);
  });
}

if (import.meta.main) {
  surviveDeadConnectionWrites();
  const secret = Deno.env.get("SUPABASE_JWT_SECRET");
  if (!secret) throw new Error("SUPABASE_JWT_SECRET is not set");
  const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? 54321);
  const functions = await loadFunctions();
  let pool: ReturnType<typeof connect> | undefined;
  const rest = restRpc(() => (pool ??= connect()), secret, exposedSchemas(await Deno.readTextFile(configFile)));
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: () => console.log(`functions: serving ${Object.keys(functions).join(", ")} on http://127.0.0.1:${port}/functions/v1/, RPCs on /rest/v1/rpc/, the demo on /demo/`),
  }, gateway(functions, secret, { rest, files: staticFiles(Deno.env.get("SUPABASE_ANON_KEY") ?? "") }));
  if (Deno.env.get("LOCAL_SCHEDULE")) {
    runSchedule(`http://127.0.0.1:${port}`, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY") ?? "");
    console.log(`functions: local schedule: ${LOCAL_SCHEDULE.map((s) => `${s.fn} every ${s.everySeconds} s`).join(", ")}`);
  }
}
