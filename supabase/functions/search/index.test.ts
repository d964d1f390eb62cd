import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { type EmbeddingProvider, LocalProvider } from "../_shared/embeddings/mod.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { processQueue } from "../embed/index.ts";
import { searchHandler } from "./index.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 });
await processQueue(sql, new LocalProvider());

async function search(body: unknown, token?: string) {
  const res = await callFunction("search", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    token: token ?? await tokenFor("anon"),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("search: anon finds a misspelt name, with a search id to report clicks with", async () => {
  const { status, body } = await search({ q: "sauvge" });
  assertEquals(status, 200);
  assertEquals([body.results[0].name, body.results[0].brand_name], ["Sauvage", "Dior"]);
  ok(Number.isSafeInteger(body.search_id), "the search id is a JSON number");
  ok(Array.isArray(body.results[0].top_notes));
  const priced = body.results.find((r: { best_price: unknown }) => r.best_price !== null);
  ok(priced && typeof priced.best_price === "number" && typeof priced.score === "number", "prices (from the seed's offers) and scores are JSON numbers");
});

Deno.test("search: the answer says how long each stage took (Server-Timing)", async () => {
  const res = await callFunction("search", { method: "POST", body: JSON.stringify({ q: "vetiver" }), token: await tokenFor("anon") });
  await res.body?.cancel();
  const stages = (res.headers.get("server-timing") ?? "").split(", ").map((part) => /^(\w+);dur=([\d.]+)$/.exec(part));
  assertEquals(stages.map((m) => m?.[1]), ["prepare", "embed", "search", "log"]);
  ok(stages.every((m) => Number(m![2]) >= 0));
});

Deno.test("search: descriptive queries are answered by meaning and words", async () => {
  const { body } = await search({ q: "smoky campfire" });
  const slugs = body.results.slice(0, 3).map((r: { slug: string }) => r.slug);
  ok(slugs.includes("maison-margiela-replica-by-the-fireplace-edt"), `top 3: ${slugs}`);
  ok(body.results.some((r: { vector_rank: number | null }) => r.vector_rank !== null), "the vector list takes part");
});

Deno.test("search: a signed-in caller's search is logged with the user; anon's without", async () => {
  const [user] = await sql`insert into auth.users (email) values (${`search-${crypto.randomUUID()}@example.com`}) returning id`;
  try {
    const { body } = await search({ q: "vetiver" }, await tokenFor("authenticated", user.id));
    const [logged] = await sql`select user_id, query, results from private.search_queries where id = ${body.search_id}`;
    assertEquals([logged.user_id, logged.query, logged.results.length], [user.id, "vetiver", body.results.length]);
    const anon = await search({ q: "vetiver" });
    const [anonLogged] = await sql`select user_id from private.search_queries where id = ${anon.body.search_id}`;
    assertEquals(anonLogged.user_id, null);
  } finally {
    await sql`delete from auth.users where id = ${user.id}`;
  }
});

Deno.test("search: a repeated query reuses the cached query embedding", async () => {
  const q = `fresh green fig ${crypto.randomUUID().slice(0, 6)}`;
  assertEquals((await search({ q })).body.embedding_cached, false);
  assertEquals((await search({ q: q.toUpperCase() })).body.embedding_cached, true);
});

Deno.test("search: filters and pagination", async () => {
  const page1 = await search({ q: "floral", filters: { gender: "feminine" }, page: 1, page_size: 10 });
  const page2 = await search({ q: "floral", filters: { gender: "feminine" }, page: 2, page_size: 10 });
  assertEquals([page1.status, page1.body.results.length, page2.body.results.length], [200, 10, 10]);
  ok([...page1.body.results, ...page2.body.results].every((r: { gender: string }) => r.gender === "feminine"));
  const ids1 = new Set(page1.body.results.map((r: { fragrance_id: string }) => r.fragrance_id));
  ok(page2.body.results.every((r: { fragrance_id: string }) => !ids1.has(r.fragrance_id)), "pages do not overlap");
  const dior = await search({ q: "fresh", filters: { brand: "dior", concentration: "edt" } });
  ok(dior.body.results.length > 0 && dior.body.results.every((r: { brand_slug: string; concentration: string }) =>
    r.brand_slug === "dior" && r.concentration === "edt"));
});

Deno.test("search: empty and absurd inputs get results or a clear 400", async () => {
  const cases: [unknown, number, RegExp?][] = [
    [{ q: "" }, 400, /q must not be empty/],
    [{ q: "   " }, 400, /q must not be empty/],
    [{ q: "oud ".repeat(2500) }, 400, /too long/],
    [{}, 400, /q must be a string/],
    ["{not json", 400, /JSON/],
    [{ q: "oud", filters: { colour: "red" } }, 400, /unknown filter: colour/],
    [{ q: "oud", filters: { gender: "robot" } }, 400, /bad filter value/],
    [{ q: "oud", page: 0 }, 400, /page/],
    [{ q: "oud", currency: "XXX" }, 400, /unknown currency/],
    [{ q: "'; drop table public.fragrances; -- \" \\ % _" }, 200],
    [{ q: "ウード 玫瑰 عود" }, 200],
    [{ q: "!!! ??? ---" }, 200],
  ];
  for (const [body, status, message] of cases) {
    const res = await search(body);
    assertEquals(res.status, status, JSON.stringify(body).slice(0, 60));
    if (message) ok(message.test(res.body.error.message), `${res.body.error.message} !~ ${message}`);
    else ok(Array.isArray(res.body.results));
  }
  const [{ n }] = await sql`select count(*)::int as n from public.fragrances`;
  ok(n > 0, "the catalog is still there");
});

Deno.test("search: the gateway refuses callers without a JWT, and the function other methods", async () => {
  const none = await callFunction("search", { method: "POST", body: '{"q":"oud"}' });
  assertEquals(none.status, 401);
  await none.body?.cancel();
  const get = await callFunction("search", { method: "GET", token: await tokenFor("anon") });
  assertEquals(get.status, 405);
  await get.body?.cancel();
});

Deno.test("search: when the embedding provider fails, keyword results still come, marked degraded", async () => {
  const broken: EmbeddingProvider = { model: "use-lite-512", dimension: 512, embed: () => Promise.reject(new Error("provider timed out")) };
  const handler = searchHandler(() => sql, () => broken);
  const res = await handler(new Request("http://x/functions/v1/search", {
    method: "POST",
    headers: { Authorization: `Bearer ${await tokenFor("anon")}` },
    body: JSON.stringify({ q: `leather ${crypto.randomUUID().slice(0, 6)}` }),
  }));
  const body = await res.json();
  assertEquals([res.status, body.degraded], [200, true]);
  ok(body.results.length > 0 && body.results.every((r: { vector_rank: number | null }) => r.vector_rank === null));
});

Deno.test("search: clicks are logged with the result's position", async () => {
  const { body } = await search({ q: "rose" });
  const third = body.results[2];
  const click = async (b: unknown) => {
    const res = await callFunction("search/click", { method: "POST", body: JSON.stringify(b), token: await tokenFor("anon") });
    return { status: res.status, body: await res.json() };
  };
  const ok3 = await click({ search_id: body.search_id, fragrance_id: third.fragrance_id });
  assertEquals([ok3.status, ok3.body.position], [200, 3]);
  const [logged] = await sql`select position from private.search_clicks where search_id = ${body.search_id}`;
  assertEquals(logged.position, 3);
  const notShown = await click({ search_id: body.search_id, fragrance_id: crypto.randomUUID() });
  assertEquals(notShown.status, 400);
  const unknown = await click({ search_id: "999999999", fragrance_id: third.fragrance_id });
  assertEquals(unknown.status, 404);
  const bad = await click({ search_id: "x", fragrance_id: "y" });
  assertEquals(bad.status, 400);
});
