/**
 * Search relevance: runs the labeled queries (queries.json) through
 * public.search_fragrances three ways — keyword only (full text, trigram and
 * names), vector only, and hybrid — and scores each by nDCG@10 and recall@10;
 * and the shopper queries that name a fragrance (navigational.json) through
 * hybrid search, scored by top-1 and top-3 hits.
 */
import type { Sql } from "../../_shared/db.ts";
import type { EmbeddingProvider } from "../../_shared/embeddings/mod.ts";
import { processQueue } from "../../embed/index.ts";

export type Labeled = { q: string; relevant: Record<string, number> };
export type Scores = { ndcg10: number; recall10: number };
export type Mode = "keyword" | "vector" | "scent" | "hybrid";
export type Evaluation = Record<Mode, Scores> & { queries: number; perQuery: { q: string; mode: Mode; ndcg10: number }[] };

/** Weights of each mode; hybrid uses the RPC's defaults. */
export const MODES: Record<Mode, Record<string, number>> = {
  keyword: { vector_weight: 0, scent_weight: 0 }, // full text, typo-corrected names and the names list
  vector: { keyword_weight: 0, trigram_weight: 0, name_weight: 0, scent_weight: 0, vector_weight: 1 },
  scent: { keyword_weight: 0, trigram_weight: 0, name_weight: 0, vector_weight: 0, scent_weight: 1 },
  hybrid: {},
};

export type Navigational = { q: string; want: string[] };
export type Hits = { queries: number; top1: number; top3: number; misses: { q: string; got: string[] }[] };

export async function loadQueries(): Promise<Labeled[]> {
  const file = JSON.parse(await Deno.readTextFile(new URL("./queries.json", import.meta.url)));
  return file.queries;
}

export async function loadNavigational(): Promise<Navigational[]> {
  const file = JSON.parse(await Deno.readTextFile(new URL("./navigational.json", import.meta.url)));
  return file.queries;
}

/** nDCG@k with gains 2^grade - 1. */
export function ndcgAt(k: number, ranked: string[], relevant: Record<string, number>): number {
  const gain = (g: number) => 2 ** g - 1;
  const dcg = ranked.slice(0, k).reduce((s, slug, i) => s + gain(relevant[slug] ?? 0) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant).sort((a, b) => b - a).slice(0, k)
    .reduce((s, g, i) => s + gain(g) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Share of the relevant items found in the top k. */
export function recallAt(k: number, ranked: string[], relevant: Record<string, number>): number {
  const wanted = Object.keys(relevant);
  const top = new Set(ranked.slice(0, k));
  return wanted.length === 0 ? 0 : wanted.filter((s) => top.has(s)).length / wanted.length;
}

/** Embeds whatever the queue holds, so every document has its vector. */
export async function ensureEmbedded(sql: Sql, embedder: EmbeddingProvider) {
  // Until every document has its current embedding: an empty queue is not enough, since another worker
  // (the stack's embed function, on its schedule) may hold claimed jobs it has not written yet.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const report = await processQueue(sql, embedder, { batchSize: 64 });
    if (report.failed) throw new Error(`embedding failed: ${report.last_error}`);
    if (report.claimed > 0) continue;
    const [{ missing }] = await sql`
      select count(*)::int as missing from public.fragrance_documents d
      where not exists (select from public.fragrance_embeddings e
                        where e.fragrance_id = d.fragrance_id and e.model = ${embedder.model} and e.content_hash = d.content_hash)`;
    if (missing === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("documents still without a current embedding after 120 s");
}

export async function evaluate(sql: Sql, embedder: EmbeddingProvider, queries: Labeled[]): Promise<Evaluation> {
  const known = new Set((await sql`select slug from public.fragrances where deleted_at is null`).map((r) => r.slug));
  const unknown = queries.flatMap((q) => Object.keys(q.relevant)).filter((s) => !known.has(s));
  if (unknown.length) throw new Error(`labels name fragrances not in the catalog: ${[...new Set(unknown)].join(", ")}`);

  const vectors = await embedder.embed(queries.map((q) => q.q));
  const totals: Record<Mode, Scores> = {
    keyword: { ndcg10: 0, recall10: 0 },
    vector: { ndcg10: 0, recall10: 0 },
    scent: { ndcg10: 0, recall10: 0 },
    hybrid: { ndcg10: 0, recall10: 0 },
  };
  const perQuery: Evaluation["perQuery"] = [];
  for (const [i, query] of queries.entries()) {
    for (const mode of Object.keys(MODES) as Mode[]) {
      const w = MODES[mode];
      // Named arguments from the constants above (numbers, never user input).
      const weights = sql.unsafe(Object.entries(w).map(([name, value]) => `, ${name} => ${Number(value)}`).join(""));
      const rows = await sql`
        select slug from public.search_fragrances(
          q => ${query.q},
          query_embedding => ${w.vector_weight === 0 ? null : JSON.stringify(vectors[i])}::extensions.vector,
          embedding_model => ${embedder.model}, page_size => 10 ${weights})`;
      const ranked = rows.map((r) => r.slug as string);
      const ndcg = ndcgAt(10, ranked, query.relevant);
      totals[mode].ndcg10 += ndcg;
      totals[mode].recall10 += recallAt(10, ranked, query.relevant);
      perQuery.push({ q: query.q, mode, ndcg10: ndcg });
    }
  }
  const mean = (s: Scores): Scores => ({
    ndcg10: Number((s.ndcg10 / queries.length).toFixed(4)),
    recall10: Number((s.recall10 / queries.length).toFixed(4)),
  });
  return { keyword: mean(totals.keyword), vector: mean(totals.vector), scent: mean(totals.scent), hybrid: mean(totals.hybrid), queries: queries.length, perQuery };
}

/** Hybrid search (the RPC's defaults, with the query's embedding) on queries that name a fragrance: top-1 and top-3 hits. */
export async function navigationalHits(sql: Sql, embedder: EmbeddingProvider, queries: Navigational[]): Promise<Hits> {
  const known = new Set((await sql`select slug from public.fragrances where deleted_at is null`).map((r) => r.slug));
  const unknown = queries.flatMap((q) => q.want).filter((s) => !known.has(s));
  if (unknown.length) throw new Error(`navigational queries name fragrances not in the catalog: ${[...new Set(unknown)].join(", ")}`);
  const vectors = await embedder.embed(queries.map((q) => q.q));
  const hits: Hits = { queries: queries.length, top1: 0, top3: 0, misses: [] };
  for (const [i, query] of queries.entries()) {
    const rows = await sql`
      select slug from public.search_fragrances(q => ${query.q}, query_embedding => ${JSON.stringify(vectors[i])}::extensions.vector,
                                                embedding_model => ${embedder.model}, page_size => 3)`;
    const got = rows.map((r) => r.slug as string);
    if (query.want.includes(got[0])) hits.top1++;
    if (got.some((s) => query.want.includes(s))) hits.top3++;
    else hits.misses.push({ q: query.q, got });
    if (!query.want.includes(got[0]) && got.some((s) => query.want.includes(s))) hits.misses.push({ q: `${query.q} (top-3 only)`, got });
  }
  hits.top1 = Number((hits.top1 / queries.length).toFixed(4));
  hits.top3 = Number((hits.top3 / queries.length).toFixed(4));
  return hits;
}

/** `npm run eval:search`: evaluates against SUPABASE_DB_URL (the local stack) and ends with a one-line JSON summary. */
if (import.meta.main) {
  const { connect } = await import("../../_shared/db.ts");
  const { provider } = await import("../../_shared/embeddings/mod.ts");
  const sql = connect();
  try {
    await ensureEmbedded(sql, provider());
    const result = await evaluate(sql, provider(), await loadQueries());
    const verbose = Deno.args.includes("--verbose");
    if (verbose) {
      for (const q of await loadQueries()) {
        const row = (m: Mode) => result.perQuery.find((p) => p.q === q.q && p.mode === m)!.ndcg10.toFixed(2);
        console.log(`${row("keyword")}  ${row("vector")}  ${row("scent")}  ${row("hybrid")}  ${q.q}`);
      }
    }
    console.log(`search relevance over ${result.queries} labeled queries (model ${provider().model})`);
    console.log("mode      nDCG@10  recall@10");
    for (const m of Object.keys(MODES) as Mode[]) {
      console.log(`${m.padEnd(9)} ${result[m].ndcg10.toFixed(4)}   ${result[m].recall10.toFixed(4)}`);
    }
    const hits = await navigationalHits(sql, provider(), await loadNavigational());
    if (verbose) for (const m of hits.misses) console.log(`miss  ${m.q} → ${m.got.join(", ")}`);
    console.log(`shopper queries naming a fragrance: ${hits.queries}, top-1 ${hits.top1}, top-3 ${hits.top3}`);
    console.log(JSON.stringify({ keyword: result.keyword, vector: result.vector, scent: result.scent, hybrid: result.hybrid, navigational: { top1: hits.top1, top3: hits.top3 } }));
  } finally {
    await sql.end();
  }
}
