import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../../_shared/db.ts";
import { LocalProvider } from "../../_shared/embeddings/mod.ts";
import { env } from "../../_shared/testing.ts";
import { ensureEmbedded, evaluate, loadNavigational, loadQueries, navigationalHits, ndcgAt, recallAt } from "./eval.ts";

Deno.test("eval: nDCG@10 and recall@10 score a ranking against graded labels", () => {
  const labels = { a: 3, b: 1 };
  assertEquals(ndcgAt(10, ["a", "b", "x"], labels), 1);
  ok(ndcgAt(10, ["x", "b", "a"], labels) < ndcgAt(10, ["a", "x", "b"], labels));
  assertEquals(ndcgAt(10, ["x"], labels), 0);
  assertEquals(recallAt(10, ["b", "x"], labels), 0.5);
});

Deno.test("eval: hybrid search beats keyword-only and vector-only on the labeled queries by 0.02 nDCG@10 or more", async () => {
  const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
  try {
    const provider = new LocalProvider();
    await ensureEmbedded(sql, provider);
    const queries = await loadQueries();
    ok(queries.length >= 40, "at least 40 labeled queries");
    const r = await evaluate(sql, provider, queries);
    console.log(`report: search relevance over ${r.queries} queries ${JSON.stringify({ keyword: r.keyword, vector: r.vector, scent: r.scent, hybrid: r.hybrid })}`);
    ok(r.hybrid.ndcg10 >= r.keyword.ndcg10 + 0.02, `hybrid nDCG@10 ${r.hybrid.ndcg10} is not 0.02 over keyword ${r.keyword.ndcg10}`);
    ok(r.hybrid.ndcg10 >= r.vector.ndcg10 + 0.02, `hybrid nDCG@10 ${r.hybrid.ndcg10} is not 0.02 over vector ${r.vector.ndcg10}`);
    ok(r.hybrid.recall10 >= Math.max(r.keyword.recall10, r.vector.recall10), "hybrid recall@10 is at least the best single list's");
  } finally {
    await sql.end();
  }
});

Deno.test("eval: shopper queries that name a fragrance find it first (95 %) and in the first three (all)", async () => {
  const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
  try {
    const provider = new LocalProvider();
    await ensureEmbedded(sql, provider);
    const queries = await loadNavigational();
    ok(queries.length >= 150, "at least 150 shopper queries");
    const hits = await navigationalHits(sql, provider, queries);
    console.log(`report: shopper queries naming a fragrance ${JSON.stringify({ queries: hits.queries, top1: hits.top1, top3: hits.top3 })}`);
    for (const m of hits.misses) console.log(`  miss ${m.q} → ${m.got.join(", ")}`);
    ok(hits.top1 >= 0.95, `top-1 ${hits.top1}`);
    ok(hits.top3 === 1, `top-3 ${hits.top3}`);
  } finally {
    await sql.end();
  }
});
