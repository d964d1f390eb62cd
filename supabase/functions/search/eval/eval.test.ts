import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../../_shared/db.ts";
import { LocalProvider } from "../../_shared/embeddings/mod.ts";
import { env } from "../../_shared/testing.ts";
import { ensureEmbedded, evaluate, loadQueries, ndcgAt, recallAt } from "./eval.ts";

Deno.test("eval: nDCG@10 and recall@10 score a ranking against graded labels", () => {
  const labels = { a: 3, b: 1 };
  assertEquals(ndcgAt(10, ["a", "b", "x"], labels), 1);
  ok(ndcgAt(10, ["x", "b", "a"], labels) < ndcgAt(10, ["a", "x", "b"], labels));
  assertEquals(ndcgAt(10, ["x"], labels), 0);
  assertEquals(recallAt(10, ["b", "x"], labels), 0.5);
});

Deno.test("eval: hybrid search beats keyword-only and vector-only on the labeled queries", async () => {
  const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
  try {
    const provider = new LocalProvider();
    await ensureEmbedded(sql, provider);
    const queries = await loadQueries();
    ok(queries.length >= 40, "at least 40 labeled queries");
    const r = await evaluate(sql, provider, queries);
    console.log(`report: search relevance over ${r.queries} queries ${JSON.stringify({ keyword: r.keyword, vector: r.vector, hybrid: r.hybrid })}`);
    ok(r.hybrid.ndcg10 > r.keyword.ndcg10, `hybrid nDCG@10 ${r.hybrid.ndcg10} <= keyword ${r.keyword.ndcg10}`);
    ok(r.hybrid.ndcg10 > r.vector.ndcg10, `hybrid nDCG@10 ${r.hybrid.ndcg10} <= vector ${r.vector.ndcg10}`);
    ok(r.hybrid.recall10 >= Math.max(r.keyword.recall10, r.vector.recall10), "hybrid recall@10 is at least the best single list's");
  } finally {
    await sql.end();
  }
});
