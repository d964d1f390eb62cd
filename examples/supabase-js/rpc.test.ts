/**
 * The backend as app developers use it: the real supabase-js (pinned in supabase/functions/deno.json),
 * typed with types/database.ts, against the local gateway npm test runs. Every public RPC is called
 * through `.rpc()` (as anon, as a signed-in user, or with the service key, as each may) and its answer
 * compared with the same function called in SQL under the same role and claims; each edge function
 * is called through `functions.invoke`. A public function without a case here fails the suite.
 */
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect, type Sql } from "../../supabase/functions/_shared/db.ts";
import { signJwt } from "../../supabase/functions/_shared/jwt.ts";
import { env } from "../../supabase/functions/_shared/testing.ts";
import { sign } from "../../supabase/functions/_shared/signature.ts";
import { type Database, NULLABLE } from "../../types/database.ts";

type Client = SupabaseClient<Database>;
type Role = "anon" | "authenticated" | "service_role";
type Fn = keyof Database["public"]["Functions"];

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const url = env("SUPABASE_URL");
const anonKey = env("SUPABASE_ANON_KEY");
const options = { auth: { persistSession: false, autoRefreshToken: false } };

/** A client as a frontend makes one: anon, a signed-in user (a session token, as `npm run user` prints), or service_role. */
function client(role: Role, token?: string): Client {
  if (role === "anon") return createClient<Database>(url, anonKey, options);
  if (role === "service_role") return createClient<Database>(url, env("SUPABASE_SERVICE_ROLE_KEY"), options);
  return createClient<Database>(url, anonKey, { ...options, accessToken: () => Promise.resolve(token!) });
}

/** The same call in SQL, under the role and claims PostgREST would set, as the JSON PostgREST would answer. */
async function direct(claims: Record<string, unknown>, call: string, args: unknown[], shape: "set" | "one" | "scalar") {
  const conn = await sql.reserve();
  try {
    await conn`begin`;
    await conn`select set_config('role', ${String(claims.role)}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    const text = shape === "set"
      ? `select coalesce(json_agg(_r), '[]')::text as j from ${call} as _r`
      : shape === "one" ? `select to_json(_r)::text as j from ${call} as _r` : `select to_json(${call})::text as j`;
    const [row] = await conn.unsafe(text, args as never[]);
    return JSON.parse(row.j);
  } finally {
    await conn`rollback`;
    conn.release();
  }
}

/** Every null in an answer is in a column the types say may be null. */
function nullsAreTyped(fn: Fn, data: unknown) {
  const allowed: readonly string[] = (NULLABLE as Record<string, readonly string[]>)[fn] ?? [];
  for (const row of Array.isArray(data) ? data : [data]) {
    if (typeof row !== "object" || row === null) continue;
    for (const [col, value] of Object.entries(row)) {
      ok(value !== null || allowed.includes(col), `${fn}: ${col} came back null, but types/database.ts types it non-null`);
    }
  }
}

const fragrance = async (slug: string) => (await sql`select id from public.fragrances where slug = ${slug}`)[0].id as string;
const variantOf = async (slug: string) =>
  (await sql`select v.id from public.variants v join public.fragrances f on f.id = v.fragrance_id
             where f.slug = ${slug} and v.size_ml = 100 and v.packaging = 'retail'`)[0].id as string;

const covered = new Set<string>();
let user: { id: string; email: string; token: string };

Deno.test("supabase-js: setup a signed-in user", async () => {
  const email = `js-${crypto.randomUUID()}@example.com`;
  const [row] = await sql`insert into auth.users (email, raw_user_meta_data) values (${email}, '{"name": "Jo"}') returning id`;
  const now = Math.floor(Date.now() / 1000);
  const token = await signJwt({ role: "authenticated", aud: "authenticated", sub: row.id, email, iat: now, exp: now + 3600 }, env("SUPABASE_JWT_SECRET"));
  user = { id: row.id, email, token };
});

/** Calls fn through supabase-js as each role and compares with SQL. */
async function same<F extends Fn>(fn: F, args: Database["public"]["Functions"][F]["Args"], roles: Role[], sqlCall: string, sqlArgs: unknown[], shape: "set" | "one" | "scalar") {
  covered.add(fn);
  for (const role of roles) {
    const supa = client(role, user.token);
    // deno-lint-ignore no-explicit-any
    const { data, error } = await (supa.rpc as any)(fn, args);
    ok(!error, `${fn} as ${role}: ${JSON.stringify(error)}`);
    const claims = role === "authenticated" ? { role, sub: user.id, email: user.email } : { role };
    assertEquals(data, await direct(claims, sqlCall, sqlArgs, shape), `${fn} as ${role}`);
    nullsAreTyped(fn, data);
  }
}

Deno.test("supabase-js: the catalog and search RPCs, as anon and as a signed-in user", async () => {
  const both: Role[] = ["anon", "authenticated"];
  await same("base_currency", {}, both, "public.base_currency()", [], "scalar");
  await same("normalize_name", { name: "Acqua di Giò" }, both, "public.normalize_name($1)", ["Acqua di Giò"], "scalar");
  await same("is_valid_gtin", { code: "3348901419611" }, both, "public.is_valid_gtin($1)", ["3348901419611"], "scalar");
  await same("concentration_label", { c: "edp" }, both, "public.concentration_label($1)", ["edp"], "scalar");
  await same("fx_rate", { from_currency: "USD" }, both, "public.fx_rate($1)", ["USD"], "scalar");
  await same("search_fragrances", { q: "fresh citrus", page_size: 10 }, both, "public.search_fragrances(q => $1, page_size => 10)", ["fresh citrus"], "set");
  const sauvage = await fragrance("dior-sauvage-edp");
  await same("similar_fragrances", { fragrance_id: sauvage, k: 5 }, both, "public.similar_fragrances($1, 5)", [sauvage], "set");
  await same("similar_fragrances_live", { fragrance_id: sauvage, k: 5 }, both, "public.similar_fragrances_live($1, 5)", [sauvage], "set");
  await same("best_offers", { fragrance_id: sauvage, currency: "GBP" }, both, "public.best_offers($1, 'GBP')", [sauvage], "set");
  await same("deals", { currency: "GBP", min_drop_pct: 0, page_size: 50 }, both, "public.deals(currency => 'GBP', min_drop_pct => 0, page_size => 50)", [], "set");
  const variant = await variantOf("dior-sauvage-edp");
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const to = new Date().toISOString();
  await same("price_history", { variant_id: variant, from, to, bucket: "week" }, both,
    "public.price_history($1, $2::timestamptz, $3::timestamptz, 'week')", [variant, from, to], "set");
  const { data } = await client("anon").rpc("best_offers", { fragrance_id: sauvage });
  ok(data && data.length > 0 && typeof data[0].price_converted === "number", "the seed's offers come back, prices as numbers");
});

Deno.test("supabase-js: the signed-in user's RPCs", async () => {
  const n5 = await fragrance("chanel-n-5-edp");
  const me = client("authenticated", user.token);
  const saved = await me.rpc("save_to_collection", { fragrance_id: n5, status: "owned", rating: 5 });
  ok(!saved.error && saved.data?.user_id === user.id && saved.data.rating === 5, JSON.stringify(saved));
  covered.add("save_to_collection");
  nullsAreTyped("save_to_collection", saved.data);
  await same("my_collection", {}, ["authenticated"], "public.my_collection()", [], "set");
  await same("recommend_for_me", { k: 5 }, ["authenticated"], "public.recommend_for_me(5)", [], "set");
  const fb = await me.rpc("record_recommendation_feedback", { fragrance_id: n5, action: "click" });
  ok(!fb.error && typeof fb.data === "number", JSON.stringify(fb));
  covered.add("record_recommendation_feedback");
  const listing = (await sql`select id from public.retailer_listings where status = 'matched' limit 1`)[0].id;
  for (const who of [client("anon"), me]) {
    const click = await who.rpc("track_affiliate_click", { listing_id: listing, session_id: "js-session" });
    ok(!click.error && click.data?.[0]?.redirect_url.startsWith("https://"), JSON.stringify(click));
  }
  covered.add("track_affiliate_click");
  const exported = await me.rpc("export_my_data");
  ok(!exported.error && (exported.data as { user: { email: string } }).user.email === user.email, JSON.stringify(exported.error));
  covered.add("export_my_data");
  const anon = await client("anon").rpc("my_collection");
  assertEquals([anon.status, anon.error?.code], [401, "42501"], "anon may not read a collection");
});

Deno.test("supabase-js: price alerts and their notifications, as a signed-in user", async () => {
  const me = client("authenticated", user.token);
  const sauvage = await fragrance("dior-sauvage-edp");
  const made = await me.rpc("create_price_alert", { fragrance_id: sauvage, kind: "price_below", target: 1, currency: "GBP" });
  ok(!made.error && made.data?.user_id === user.id && made.data.currency === "GBP", JSON.stringify(made));
  covered.add("create_price_alert");
  nullsAreTyped("create_price_alert", made.data);
  const bad = await me.rpc("create_price_alert", { fragrance_id: sauvage, kind: "price_below" });
  assertEquals([bad.status, bad.error?.code], [400, "23514"], "a price alert without a target is a 400");
  await same("my_price_alerts", {}, ["authenticated"], "public.my_price_alerts()", [], "set");
  const paused = await me.rpc("pause_price_alert", { alert_id: made.data!.id });
  assertEquals([paused.error, paused.data?.paused], [null, true]);
  covered.add("pause_price_alert");
  nullsAreTyped("pause_price_alert", paused.data);
  const hook = await me.rpc("set_notification_webhook", { url: "https://hooks.example/js" });
  ok(!hook.error && /^whsec_[0-9a-f]{48}$/.test(String(hook.data)), JSON.stringify(hook.error));
  covered.add("set_notification_webhook");
  await sql`insert into public.alert_notifications (user_id, alert_id, event, payload) values (${user.id}, ${made.data!.id}, -1, '{"type": "price_alert"}')`;
  await same("my_alert_notifications", { page_size: 10 }, ["authenticated"], "public.my_alert_notifications(10)", [], "set");
  const deleted = await me.rpc("delete_price_alert", { alert_id: made.data!.id });
  assertEquals([deleted.error, deleted.data], [null, true]);
  covered.add("delete_price_alert");
  const anon = await client("anon").rpc("my_price_alerts");
  assertEquals([anon.status, anon.error?.code], [401, "42501"], "anon may not read alerts");
});

Deno.test("supabase-js: the service role's RPCs, which anon and users may not call", async () => {
  const svc = client("service_role");
  await same("data_quality_report", {}, ["service_role"], "public.data_quality_report()", [], "set");
  for (const fn of ["ops_status", "retailer_freshness"] as const) {
    const { data, error } = await svc.rpc(fn);
    ok(!error && Array.isArray(data) && data.length > 0, `${fn}: ${JSON.stringify(error)}`);
    nullsAreTyped(fn, data);
    covered.add(fn);
  }
  await same("pending_price_anomalies", { page_size: 10 }, ["service_role"], "public.pending_price_anomalies(10)", [], "set");
  const [held] = await sql`select id from private.price_anomalies where status = 'pending' order by id limit 1`;
  ok(held, "the seed holds a price for review");
  const reviewed = await svc.rpc("review_price_anomaly", { anomaly_id: held.id, approve: false });
  assertEquals([reviewed.error, reviewed.data], [null, "rejected"]);
  covered.add("review_price_anomaly");
  const missing = await svc.rpc("review_price_anomaly", { anomaly_id: held.id, approve: true });
  assertEquals([missing.status, missing.error?.code], [404, "PT404"], "not pending any more: 404");
  await sql`select private.refresh_materialized_view(('analytics.' || matviewname)::regclass) from pg_matviews where schemaname = 'analytics'`;
  const from = "2020-01-01";
  const sauvage = await fragrance("dior-sauvage-edp");
  await same("dashboard_recommendations", { from }, ["service_role"], "public.dashboard_recommendations($1::date)", [from], "set");
  await same("dashboard_affiliate_ctr", { from }, ["service_role"], "public.dashboard_affiliate_ctr($1::date)", [from], "set");
  await same("dashboard_onboarding_funnel", {}, ["service_role"], "public.dashboard_onboarding_funnel()", [], "set");
  await same("dashboard_collection_pairs", { k: 10 }, ["service_role"], "public.dashboard_collection_pairs(10)", [], "set");
  await same("dashboard_family_affinity", {}, ["service_role"], "public.dashboard_family_affinity()", [], "set");
  await same("dashboard_price_index", { fragrance_id: sauvage, from }, ["service_role"], "public.dashboard_price_index($1, $2::date)", [sauvage, from], "set");
  const { data: refreshes } = await svc.rpc("dashboard_refreshes");
  ok(refreshes && refreshes.length >= 10, "every analytics view with its latest refresh");
  nullsAreTyped("dashboard_refreshes", refreshes);
  covered.add("dashboard_refreshes");
  for (const role of ["anon", "authenticated"] as Role[]) {
    const denied = await client(role, user.token).rpc("ops_status");
    assertEquals(denied.error?.code, "42501", `${role} may not read ops_status`);
  }
});

Deno.test("supabase-js: the catalog import's review queue and lineage, for the service role only", async () => {
  const svc = client("service_role");
  const [{ run_id }] = await sql`select run_id from private.start_catalog_import('supabase-js', 'rpc.json', null)`;
  try {
    await sql`select private.import_catalog_batch(${run_id}, ${sql.json([
      { line: 1, key: "js-1", brand: "Christian Dior", name: "Sauvage", concentration: "Eau de Toilette" },
      { line: 2, key: "js-2", brand: "Dior", name: "Sauvage" },
    ] as never)}, 2)`;
    await sql`select private.finish_catalog_import(${run_id})`;
    await same("catalog_reviews", { status: "pending", max_rows: 10 }, ["service_role"], "public.catalog_reviews('pending', 10)", [], "set");
    const { data: queue } = await svc.rpc("catalog_reviews");
    const review = queue!.find((r) => r.source === "supabase-js")!;
    assertEquals([review.reason, review.name, review.candidate_name !== null], ["concentration missing", "Sauvage", true]);
    const sauvage = await fragrance("dior-sauvage-edt");
    await same("fragrance_lineage", { fragrance_id: sauvage }, ["service_role"], "public.fragrance_lineage($1)", [sauvage], "set");
    const { data: lineage } = await svc.rpc("fragrance_lineage", { fragrance_id: sauvage });
    assertEquals(lineage!.map((l) => [l.source, l.source_key]), [["supabase-js", "js-1"]]);
    const decided = await svc.rpc("resolve_catalog_review", { review_id: review.id, decision: "reject" });
    assertEquals([decided.error, (decided.data as { status: string }).status], [null, "rejected"]);
    covered.add("resolve_catalog_review");
    const again = await svc.rpc("resolve_catalog_review", { review_id: review.id, decision: "reject" });
    assertEquals(again.error?.code, "P0002", "decided already");
    for (const role of ["anon", "authenticated"] as Role[]) {
      for (const fn of ["catalog_reviews", "fragrance_lineage"] as const) {
        const denied = await client(role, user.token).rpc(fn, fn === "fragrance_lineage" ? { fragrance_id: sauvage } : {});
        assertEquals(denied.error?.code, "42501", `${role} may not call ${fn}`);
      }
    }
  } finally {
    await sql`delete from private.catalog_import_reviews where source = 'supabase-js'`;
    await sql`delete from private.catalog_source_rows where source = 'supabase-js'`;
    await sql`delete from private.catalog_import_runs where source = 'supabase-js'`;
    await sql`delete from private.pipeline_runs where pipeline = 'catalog-import' and subject = 'supabase-js'`;
  }
});

Deno.test("supabase-js: erase_my_account, last, as the user it erases", async () => {
  const { data, error } = await client("authenticated", user.token).rpc("erase_my_account");
  ok(!error && typeof data === "object", JSON.stringify(error));
  covered.add("erase_my_account");
  assertEquals((await sql`select count(*)::int as n from auth.users where id = ${user.id}`)[0].n, 0);
});

Deno.test("supabase-js: every public function has a case here", async () => {
  const fns = (await sql`select distinct p.proname::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                         where n.nspname = 'public' and p.prokind = 'f' order by 1`).map((r) => r.name);
  assertEquals(fns.filter((f) => !covered.has(f)), [], "public RPCs without a supabase-js case");
});

Deno.test("supabase-js: each edge function through functions.invoke", async () => {
  const anon = client("anon");
  const health = await anon.functions.invoke("health", { method: "GET" });
  assertEquals([health.error, health.data.status], [null, "ok"]);
  const search = await anon.functions.invoke("search", { body: { q: "vanilla", page_size: 5 } });
  ok(!search.error && search.data.results.length > 0 && typeof search.data.search_id === "number", JSON.stringify(search.error));
  const click = await anon.functions.invoke("search/click", { body: { search_id: search.data.search_id, fragrance_id: search.data.results[1].fragrance_id } });
  ok(!click.error, JSON.stringify(click.error));
  const [logged] = await sql`select position from private.search_clicks where search_id = ${search.data.search_id}`;
  assertEquals(logged?.position, 2, "the click is logged with the result's position");
  const svc = client("service_role");
  const ops = await svc.functions.invoke("ops-status", { method: "GET" });
  ok(!ops.error && Array.isArray(ops.data.items), JSON.stringify(ops.error));
  const embed = await svc.functions.invoke("embed", { body: {} });
  ok(!embed.error && typeof embed.data === "object", JSON.stringify(embed.error));
  const body = JSON.stringify({ offers: [{ sku: `JS-${crypto.randomUUID()}`, title: "Dior Sauvage Eau de Parfum 100 ml", price: 99.9, url: "https://www.notino.de/p/js" }] });
  const ingest = await anon.functions.invoke("ingest-prices", {
    body, headers: { "Content-Type": "application/json", "X-Retailer": "notino-de", "X-Signature": await sign(body, "whsec_dev_notino-de") },
  });
  ok(!ingest.error && ingest.data.accepted === 1, JSON.stringify(ingest.error));
  const refused = await client("anon").functions.invoke("ops-status", { method: "GET" });
  ok(refused.error, "ops-status refuses anon");
});

/** Keeps the type checker honest: a wrong argument does not compile. */
export function typeChecked(supa: Client) {
  // @ts-expect-error search_fragrances has no argument `query`
  return supa.rpc("search_fragrances", { query: "rose" });
}

export type { Sql };
