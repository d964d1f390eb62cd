/**
 * The local stand-in for PostgREST's RPC endpoint, `/rest/v1/rpc/<function>`, so supabase-js `.rpc()`
 * works against `npm start` (no PostgREST binary can be installed here). It follows PostgREST's
 * documented contract, and no more:
 * - POST with a JSON object of named arguments (omitted ones take their defaults); GET with them in the
 *   query string, for stable and immutable functions only (a read-only transaction, as PostgREST runs);
 *   a single unnamed json/jsonb parameter takes the whole body; overloads are chosen by argument names;
 * - the role and claims of the JWT in Authorization (else the `apikey` header's; none: anon), set in
 *   the call's transaction as `role` and `request.jwt.claims`;
 * - answers shaped as PostgREST shapes them, serialized by PostgreSQL (numeric as JSON numbers): a
 *   scalar, an object for one composite, an array for a set, 204 for void;
 * - `Prefer: count=exact|planned|estimated` (Content-Range), `Prefer: return=minimal`, HEAD, `limit`,
 *   `offset` and a plain column list in `select`, and `Accept: application/vnd.pgrst.object+json`;
 * - PostgreSQL errors as `{code, message, details, hint}` with PostgREST's HTTP status for each SQLSTATE.
 * Filters on a function's result (`.eq()` after `.rpc()`), `.from()` table queries, Auth and Realtime
 * are not served: the answer says so and points to `supabase start` or a hosted project.
 */
import { API_ROLES, asCaller, literal } from "../../supabase/functions/_shared/caller.ts";
import type { Sql } from "../../supabase/functions/_shared/db.ts";
import { databaseUnavailable, RETRY_AFTER_SECONDS, withDeadline as deadline } from "../../supabase/functions/_shared/http.ts";
import { type Claims, verifyJwt } from "../../supabase/functions/_shared/jwt.ts";

export const REST_CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers":
    "authorization, x-client-info, apikey, content-type, prefer, accept, accept-profile, content-profile, range, x-supabase-api-version",
  "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS",
  "Access-Control-Expose-Headers": "Content-Range, Content-Location",
};

/** A PostgREST-shaped error answer. */
export function restError(status: number, code: string, message: string, details: string | null = null, hint: string | null = null) {
  const headers: Record<string, string> = { ...REST_CORS, "Content-Type": "application/json; charset=utf-8" };
  if (status === 503) headers["Retry-After"] = String(RETRY_AFTER_SECONDS); // an outage: say when to come back
  return new Response(JSON.stringify({ code, details, hint, message }), { status, headers });
}

/** PostgREST's HTTP status for a PostgreSQL error (docs/references/errors.rst, "HTTP Status Codes"). */
export function statusOf(sqlstate: string, authenticated: boolean): number {
  const pt = /^PT(\d{3})$/.exec(sqlstate);
  if (pt) return Number(pt[1]);
  const exact: Record<string, number> = {
    "23503": 409, "23505": 409, "25006": 405, "53400": 500, "P0001": 400, "42883": 404, "42P01": 404, "42P17": 500,
    "42501": authenticated ? 403 : 401,
  };
  if (sqlstate in exact) return exact[sqlstate];
  const byClass: Record<string, number> = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500, "39": 500, "3B": 500, "40": 500,
    "53": 503, "54": 500, "55": 500, "57": 500, "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500,
  };
  return byClass[sqlstate.slice(0, 2)] ?? 400;
}

type Arg = { name: string; type: string; required: boolean };
type Fn = {
  schema: string; name: string; args: Arg[]; readOnly: boolean; set: boolean; void: boolean; composite: boolean;
  /** A single unnamed json or jsonb parameter: the whole body is the argument. */
  wholeBody: boolean;
};

/** The functions named `name` in the exposed schemas, with their input arguments (execute privilege is checked by the call). */
async function functionsNamed(tx: Sql, schemas: string[], name: string): Promise<Fn[]> {
  const rows = await tx<{ schema: string; name: string; volatility: string; retset: boolean; ret: string; rettype: string; args: { name: string; type: string }[]; defaults: number }[]>`
    select n.nspname as schema, p.proname as name, p.provolatile as volatility, p.proretset as retset,
           t.typtype as ret, format_type(p.prorettype, null) as rettype, p.pronargdefaults as defaults,
           coalesce((select json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null)) order by a.i)
                     from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                                 coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs])),
                                 coalesce(p.proargnames, array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes::oid[]))])))
                            with ordinality as a (type, mode, name, i)
                     where a.mode in ('i', 'b', 'v')), '[]') as args
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_type t on t.oid = p.prorettype
    where n.nspname in (select jsonb_array_elements_text(${tx.json(schemas)})) and p.proname = ${name} and p.prokind = 'f'`;
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    args: r.args.map((a, i) => ({ name: a.name, type: a.type, required: i < r.args.length - r.defaults })),
    readOnly: r.volatility !== "v",
    set: r.retset,
    void: r.rettype === "void",
    composite: r.ret === "c" || r.rettype === "record",
    wholeBody: r.args.length === 1 && r.args[0].name === "" && ["json", "jsonb"].includes(r.args[0].type),
  }));
}

/** PostgREST's choice among overloads: the one whose arguments the given names cover, then one taking the whole body. */
function choose(fns: Fn[], keys: string[]): Fn[] {
  const named = fns.filter((f) =>
    !f.wholeBody && keys.every((k) => f.args.some((a) => a.name === k)) && f.args.every((a) => !a.required || keys.includes(a.name))
  );
  return named.length ? named : fns.filter((f) => f.wholeBody);
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The call, its result as one JSON document (text), and the count of a set's rows when asked. */
function callSql(fn: Fn, keys: string[], input: string, shape: { columns: string[] | null; limit: number | null; offset: number; count: boolean }) {
  const target = `${ident(fn.schema)}.${ident(fn.name)}`;
  const call = fn.wholeBody
    ? `${target}(${literal(input)}::text::${fn.args[0].type})`
    : `${target}(${keys.map((k) => `${ident(k)} => _args.${ident(k)}`).join(", ")})`;
  const args = fn.wholeBody || keys.length === 0
    ? "(select 1) as _args"
    : `json_to_record(${literal(input)}::text::json) as _args (${keys.map((k) => `${ident(k)} ${fn.args.find((a) => a.name === k)!.type}`).join(", ")})`;
  if (fn.void) return { sql: `select ${call} from ${args}`, body: false };
  if (!fn.set && !fn.composite) return { sql: `select to_json(${call})::text as body from ${args}`, body: true };
  if (!fn.composite) {
    // a set of scalars: an array of values
    const page = `select _r as v from ${args}, lateral ${call} as _r${shape.limit !== null ? ` limit ${shape.limit}` : ""}${shape.offset ? ` offset ${shape.offset}` : ""}`;
    const count = shape.count ? `, (select count(*) from ${args}, lateral ${call} as _r)::int as total` : "";
    return { sql: `select coalesce(json_agg(_s.v), '[]')::text as body, count(_s)::int as n${count} from (${page}) _s`, body: true, set: true };
  }
  const cols = shape.columns ? shape.columns.map((c) => `_r.${ident(c)}`).join(", ") : "_r.*";
  const rows = `select ${cols} from ${args}, lateral ${call} as _r`;
  if (!fn.set) return { sql: `select to_json(_s)::text as body from (${rows}) _s`, body: true };
  const page = `${rows}${shape.limit !== null ? ` limit ${shape.limit}` : ""}${shape.offset ? ` offset ${shape.offset}` : ""}`;
  const count = shape.count ? `, (select count(*) from ${args}, lateral ${call} as _r)::int as total` : "";
  return { sql: `select coalesce(json_agg(_s), '[]')::text as body, count(_s)::int as n${count} from (${page}) _s`, body: true, set: true };
}

/** What a request asks for: the function's arguments and the shape of the answer. */
function readRequest(req: Request, url: URL, body: unknown) {
  const params = Object.fromEntries(url.searchParams);
  const modifiers = { select: params.select, limit: params.limit, offset: params.offset, order: params.order };
  for (const k of ["select", "limit", "offset", "order"]) delete params[k];
  const args = req.method === "POST" ? body as Record<string, unknown> : params;
  const prefer = (req.headers.get("Prefer") ?? "").split(",").map((p) => p.trim());
  return {
    args,
    filters: req.method === "POST" ? Object.keys(params) : [],
    modifiers,
    count: prefer.find((p) => p.startsWith("count="))?.slice(6) ?? null,
    minimal: prefer.includes("return=minimal"),
    single: (req.headers.get("Accept") ?? "").includes("application/vnd.pgrst.object+json"),
  };
}

/** How long a call may take, as the functions' deadlines (_shared/http.ts): past it the caller gets a 503. */
export const REST_DEADLINE_MS = 10_000;

/** The answer, or a 503 with Retry-After once the deadline passes (a connection lost mid-call must not hang the caller). */
export function withDeadline(answer: Promise<Response>, ms = REST_DEADLINE_MS): Promise<Response> {
  return deadline(answer, ms, () => restError(503, "PGRST000", `no answer within ${ms / 1000} s; retry later`));
}

/** `/rest/v1/...` on the local gateway: the RPC endpoint, and an honest answer for everything PostgREST serves that it does not. */
export function restRpc(sql: () => Sql, jwtSecret: string, schemas: string[]) {
  return async (req: Request): Promise<Response> => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: REST_CORS });
    const url = new URL(req.url);
    const m = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      return restError(501, "PGRST_LOCAL", "the local stack serves only /rest/v1/rpc/<function>", null,
        "Table and view queries (supabase-js .from()) need PostgREST: run `npx supabase start` (Docker) or use a hosted project.");
    }
    if (!["GET", "POST", "HEAD"].includes(req.method)) return restError(405, "PGRST101", "Only GET and POST verbs are allowed for functions");

    // Who calls: the JWT in Authorization, else the apikey header's; without either, anon (PostgREST's db-anon-role).
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get("Authorization") ?? "")?.[1] ?? req.headers.get("apikey");
    let claims: Claims = { role: "anon" };
    if (token) {
      const verified = await verifyJwt(token, jwtSecret);
      if (!verified) return restError(401, "PGRST301", "JWT is invalid or expired");
      claims = verified;
    }
    if (!API_ROLES.has(String(claims.role))) {
      return restError(401, "PGRST301", `role "${claims.role}" does not exist`);
    }
    const profile = req.headers.get(req.method === "POST" ? "Content-Profile" : "Accept-Profile");
    if (profile && !schemas.includes(profile)) {
      return restError(406, "PGRST106", `The schema must be one of the following: ${schemas.join(", ")}`);
    }

    let body: unknown = {};
    if (req.method === "POST") {
      const text = await req.text();
      try {
        body = text.trim() ? JSON.parse(text) : {};
      } catch (err) {
        return restError(400, "PGRST102", "Empty or invalid json", (err as Error).message);
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return restError(400, "PGRST102", "A JSON object of the function's arguments is expected");
      }
    }
    const request = readRequest(req, url, body);
    if (request.filters.length || request.modifiers.order) {
      return restError(400, "PGRST100", "the local stack does not filter or order a function's result",
        `Filters and order on /rest/v1/rpc need PostgREST (npx supabase start, or a hosted project); got ${[...request.filters, request.modifiers.order ? "order" : ""].filter(Boolean).join(", ")}`);
    }
    const columns = request.modifiers.select && request.modifiers.select !== "*" ? request.modifiers.select.split(",").map((c) => c.trim()) : null;
    if (columns?.some((c) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))) {
      return restError(400, "PGRST100", "the local stack takes only a plain list of columns in select");
    }
    const limit = request.modifiers.limit !== undefined ? Number(request.modifiers.limit) : null;
    const offset = Number(request.modifiers.offset ?? 0);
    if ((limit !== null && !(Number.isInteger(limit) && limit >= 0)) || !(Number.isInteger(offset) && offset >= 0)) {
      return restError(400, "PGRST103", "limit and offset must be non-negative integers");
    }

    const name = decodeURIComponent(m[1]);
    const keys = Object.keys(request.args);
    try {
      // As PostgREST runs a call: as the caller, read-only for GET and HEAD, with the request's settings.
      const settings = { "request.method": req.method, "request.path": url.pathname, "request.headers": JSON.stringify(Object.fromEntries(req.headers)) };
      return await withDeadline((async () => {
        // The function's signature comes from the catalog (PostgREST's schema cache), outside the call.
        const candidates = choose(await functionsNamed(sql(), schemas, name), keys);
        if (candidates.length === 0) {
          return restError(404, "PGRST202", `Could not find the function ${schemas[0]}.${name}(${keys.join(", ")}) in the schema cache`,
            `Searched for the function ${schemas[0]}.${name} with parameters ${keys.join(", ") || "(none)"} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`);
        }
        if (candidates.length > 1) {
          return restError(300, "PGRST203", `Could not choose the best candidate function between: ${candidates.map((f) => `${f.schema}.${f.name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(", ")})`).join(", ")}`);
        }
        const fn = candidates[0];
        if (columns && !fn.set && !fn.composite) return restError(400, "PGRST100", "select applies to functions that return rows");
        const input = JSON.stringify(fn.wholeBody ? body : request.args);
        const q = callSql(fn, keys, input, { columns, limit, offset, count: request.count !== null });
        const [row] = await asCaller(sql(), claims, q.sql, { readOnly: req.method !== "POST", settings });
        const headers: Record<string, string> = { ...REST_CORS, "Content-Type": "application/json; charset=utf-8" };
        if (!q.body) return new Response(null, { status: 204, headers: REST_CORS });
        if ("set" in q && q.set) {
          const n = row.n as number;
          headers["Content-Range"] = `${n ? `${offset}-${offset + n - 1}` : "*"}/${row.total ?? "*"}`;
        }
        let text = row?.body ?? "null";
        if (request.single) {
          const doc = JSON.parse(text);
          const items = Array.isArray(doc) ? doc : [doc];
          if (items.length !== 1) {
            return restError(406, "PGRST116", "JSON object requested, multiple (or no) rows returned",
              `The result contains ${items.length} rows`);
          }
          text = JSON.stringify(items[0]);
          headers["Content-Type"] = "application/vnd.pgrst.object+json; charset=utf-8";
        }
        if (req.method === "HEAD" || request.minimal) return new Response(null, { status: request.minimal ? 204 : 200, headers });
        return new Response(text, { status: 200, headers });
      })());
    } catch (err) {
      const e = err as { code?: string; message?: string; detail?: string; hint?: string };
      if (databaseUnavailable(err)) { // down, restarting (57P01, 57P03), full or too slow: an outage, never a 500
        return /^[0-9A-Z]{5}$/.test(e.code ?? "")
          ? restError(503, e.code!, e.message ?? "", e.detail ?? null, e.hint ?? null)
          : restError(503, "PGRST000", "Database client error. Retrying the connection.", e.message ?? null);
      }
      if (!e.code || !/^[0-9A-Z]{5}$/.test(e.code)) throw err;
      return restError(statusOf(e.code, claims.role !== "anon"), e.code, e.message ?? "", e.detail ?? null, e.hint ?? null);
    }
  };
}
