/**
 * The local /rest/v1/rpc endpoint against PostgREST's documented contract, over HTTP through the
 * function server npm test runs: argument passing, roles and claims, answer shapes, Prefer and
 * Accept headers, and PostgreSQL errors as PostgREST's statuses and error shape.
 */
import { deepStrictEqual as assertEquals, ok, rejects as assertRejects } from "node:assert/strict";
import { connect } from "../../supabase/functions/_shared/db.ts";
import { restRpc, withDeadline } from "./rest-rpc.ts";
import { env, tokenFor } from "../../supabase/functions/_shared/testing.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const base = `${env("SUPABASE_URL")}/rest/v1`;
const anonKey = env("SUPABASE_ANON_KEY");

type Call = { body?: unknown; method?: string; query?: string; token?: string | null; headers?: Record<string, string> };

async function rpc(name: string, o: Call = {}) {
  const method = o.method ?? "POST";
  const headers: Record<string, string> = { apikey: anonKey, "Content-Type": "application/json", ...o.headers };
  if (o.token !== null) headers.Authorization = `Bearer ${o.token ?? anonKey}`;
  const res = await fetch(`${base}/rpc/${name}${o.query ? `?${o.query}` : ""}`, {
    method, headers, body: method === "POST" ? JSON.stringify(o.body ?? {}) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const fragranceId = async (slug: string) => (await sql`select id from public.fragrances where slug = ${slug}`)[0].id as string;

Deno.test("rest rpc: named arguments, and a scalar answered as a JSON value", async () => {
  const res = await rpc("normalize_name", { body: { name: "Acqua di Giò" } });
  assertEquals([res.status, res.body], [200, "acqua di gio"]);
  assertEquals((await rpc("is_valid_gtin", { body: { code: "3348901419611" } })).body, true);
  assertEquals((await rpc("base_currency")).body, "EUR", "no arguments: an empty body");
});

Deno.test("rest rpc: the first call on a new pool finds its function (porsager/postgres#789: no array parameters)", async () => {
  for (let i = 0; i < 3; i++) {
    const pool = connect(env("SUPABASE_DB_URL"), { max: 1 });
    try {
      const handler = restRpc(() => pool, env("SUPABASE_JWT_SECRET"), ["public", "graphql_public"]);
      const res = await handler(new Request("http://local/rest/v1/rpc/normalize_name", {
        method: "POST", headers: { apikey: anonKey, "Content-Type": "application/json" }, body: JSON.stringify({ name: "Acqua di Giò" }),
      }));
      assertEquals([res.status, await res.json()], [200, "acqua di gio"]);
    } finally {
      await pool.end();
    }
  }
});

Deno.test("rest rpc: omitted arguments take their defaults; numeric is a JSON number", async () => {
  const res = await rpc("fx_rate", { body: { from_currency: "USD" } });
  assertEquals(res.status, 200);
  assertEquals(typeof res.body, "number");
  const [direct] = await sql`select public.fx_rate('USD')::float8 as r`;
  assertEquals(res.body, direct.r);
});

Deno.test("rest rpc: GET runs stable functions with query-string arguments, and refuses volatile ones (405)", async () => {
  const res = await rpc("fx_rate", { method: "GET", query: "from_currency=GBP" });
  assertEquals([res.status, typeof res.body], [200, "number"]);
  const listing = (await sql`select id from public.retailer_listings where status = 'matched' limit 1`)[0].id;
  const volatile = await rpc("track_affiliate_click", { method: "GET", query: `listing_id=${listing}&session_id=s-get` });
  assertEquals([volatile.status, volatile.body.code], [405, "25006"]);
});

Deno.test("rest rpc: a set is an array of objects; limit, offset, select and Prefer: count=exact shape it", async () => {
  const id = await fragranceId("dior-sauvage-edp");
  const all = await rpc("best_offers", { body: { fragrance_id: id } });
  assertEquals(all.status, 200);
  ok(Array.isArray(all.body) && all.body.length > 1, "seed offers for Sauvage EDP");
  ok(typeof all.body[0].price_converted === "number", "prices are JSON numbers");
  const direct = await sql`select variant_id from public.best_offers(${id})`;
  assertEquals(all.body.map((r: { variant_id: string }) => r.variant_id), direct.map((r) => r.variant_id));
  const page = await rpc("best_offers", { body: { fragrance_id: id }, query: "select=variant_id,price&limit=2&offset=1", headers: { Prefer: "count=exact" } });
  assertEquals(page.body, all.body.slice(1, 3).map((r: { variant_id: string; price: number }) => ({ variant_id: r.variant_id, price: r.price })));
  assertEquals(page.headers.get("Content-Range"), `1-2/${all.body.length}`);
});

Deno.test("rest rpc: Accept: application/vnd.pgrst.object+json gives one object, or 406 when not exactly one row", async () => {
  const id = await fragranceId("dior-sauvage-edp");
  const one = await rpc("best_offers", { body: { fragrance_id: id }, query: "limit=1", headers: { Accept: "application/vnd.pgrst.object+json" } });
  assertEquals([one.status, Array.isArray(one.body), typeof one.body.variant_id], [200, false, "string"]);
  const many = await rpc("best_offers", { body: { fragrance_id: id }, headers: { Accept: "application/vnd.pgrst.object+json" } });
  assertEquals([many.status, many.body.code], [406, "PGRST116"]);
});

Deno.test("rest rpc: the role and claims come from the JWT; auth.uid() is the caller", async () => {
  const [user] = await sql`insert into auth.users (email) values (${`rest-${crypto.randomUUID()}@example.com`}) returning id`;
  try {
    const token = await tokenFor("authenticated", user.id);
    const saved = await rpc("save_to_collection", { token, body: { fragrance_id: await fragranceId("chanel-n-5-edp"), status: "owned", rating: 5 } });
    assertEquals([saved.status, saved.body.user_id, saved.body.rating], [200, user.id, 5], "a composite comes back as one object");
    const mine = await rpc("my_collection", { token });
    assertEquals(mine.body.map((e: { slug: string }) => e.slug), ["chanel-n-5-edp"]);
    const anon = await rpc("my_collection");
    assertEquals([anon.status, anon.body.code], [401, "42501"], "anon lacks the privilege: 401");
    const svc = await rpc("ops_status", { token });
    assertEquals([svc.status, svc.body.code], [403, "42501"], "a signed-in user lacks it: 403");
    assertEquals((await rpc("ops_status", { token: await tokenFor("service_role") })).status, 200);
  } finally {
    await sql`delete from auth.users where id = ${user.id}`;
  }
});

Deno.test("rest rpc: no Authorization uses the apikey's JWT; no token at all is anon; a bad one is 401", async () => {
  assertEquals((await rpc("base_currency", { token: null })).status, 200, "apikey alone");
  assertEquals((await rpc("base_currency", { token: null, headers: { apikey: "" } })).status, 200, "nothing: anon");
  const bad = await rpc("base_currency", { token: "not.a.jwt" });
  assertEquals([bad.status, bad.body.code], [401, "PGRST301"]);
});

Deno.test("rest rpc: errors keep PostgreSQL's code, message and hint, with PostgREST's status", async () => {
  const err = await rpc("search_fragrances", { body: { q: "", page: 0 } });
  assertEquals([err.status, err.body.code], [400, "22023"]);
  ok(Object.keys(err.body).sort().join() === "code,details,hint,message" && err.body.message.length > 0);
  const missing = await rpc("similar_fragrances", { body: { fragrance_id: crypto.randomUUID() } });
  assertEquals([missing.status, missing.body.code], [404, "PT404"], "PTxyz is HTTP xyz");
  const unknownFn = await rpc("no_such_function", { body: { a: 1 } });
  assertEquals([unknownFn.status, unknownFn.body.code], [404, "PGRST202"]);
  const unknownArg = await rpc("normalize_name", { body: { name: "x", colour: "red" } });
  assertEquals([unknownArg.status, unknownArg.body.code], [404, "PGRST202"], "an argument set no function takes");
  const notObject = await rpc("normalize_name", { body: ["x"] });
  assertEquals([notObject.status, notObject.body.code], [400, "PGRST102"]);
});

Deno.test("rest rpc: void is 204, a set of scalars an array, a single unnamed json parameter takes the whole body", async () => {
  await sql.unsafe(`
    create function public.rest_test_void(x int) returns void language sql as 'select';
    create function public.rest_test_ints(n int) returns setof int language sql as 'select generate_series(1, n)';
    create function public.rest_test_body(json) returns int language sql as $$ select ($1 ->> 'x')::int * ($1 ->> 'y')::int $$;
    grant execute on function public.rest_test_void(int), public.rest_test_ints(int), public.rest_test_body(json) to anon`);
  try {
    const v = await rpc("rest_test_void", { body: { x: 1 } });
    assertEquals([v.status, v.body], [204, null]);
    assertEquals((await rpc("rest_test_ints", { body: { n: 3 } })).body, [1, 2, 3]);
    assertEquals((await rpc("rest_test_body", { body: { x: 4, y: 2 } })).body, 8);
  } finally {
    await sql.unsafe(`drop function public.rest_test_void(int); drop function public.rest_test_ints(int); drop function public.rest_test_body(json)`);
  }
});

Deno.test("rest rpc: what the local stack does not serve says so: tables, filters on results, Auth", async () => {
  const table = await fetch(`${base}/fragrances?select=name`, { headers: { apikey: anonKey } });
  const tableBody = await table.json();
  assertEquals(table.status, 501);
  ok(/supabase start/.test(tableBody.hint ?? tableBody.details), "it points to supabase start");
  const filtered = await rpc("best_offers", { body: { fragrance_id: await fragranceId("dior-sauvage-edp") }, query: "in_stock=eq.true" });
  assertEquals([filtered.status, filtered.body.code], [400, "PGRST100"]);
  const auth = await fetch(`${env("SUPABASE_URL")}/auth/v1/token?grant_type=password`, { method: "POST", headers: { apikey: anonKey } });
  const authBody = await auth.json();
  assertEquals(auth.status, 501);
  ok(/npm run user/.test(authBody.hint), "it points to npm run user");
});


Deno.test("rest rpc: a call that never answers is a 503 with Retry-After at the deadline, and its late error goes nowhere", async () => {
  const res = await withDeadline(new Promise<Response>(() => {}), 20);
  assertEquals([res.status, (await res.json()).code], [503, "PGRST000"]);
  ok(Number(res.headers.get("Retry-After")) > 0);
  let fail!: (e: Error) => void;
  const late = new Promise<Response>((_, reject) => (fail = reject));
  assertEquals((await withDeadline(late, 20)).status, 503);
  fail(new Error("connection lost after the deadline")); // must not surface as an unhandled rejection
  await new Promise((r) => setTimeout(r, 10));
  await assertRejects(() => withDeadline(Promise.reject(new Error("before")), 1_000));
});
