/**
 * `POST /functions/v1/embed` (service_role): works the embedding queue.
 * Claims jobs (private.claim_embedding_jobs), embeds their documents with the
 * configured provider, and completes them in one statement
 * (private.complete_embedding_jobs) or records the failure
 * (private.fail_embedding_jobs: backoff, then dead letter). Repeats until the
 * queue has nothing visible or the time budget is spent, then refills the
 * similar-fragrances cache. Called by pg_cron through pg_net on hosted
 * Supabase, and by the local stack's scheduler.
 */
import { requireRole } from "../_shared/auth.ts";
import { db, type Sql } from "../_shared/db.ts";
import { type EmbeddingProvider, provider } from "../_shared/embeddings/mod.ts";
import { allowMethods, handle, HttpError, json } from "../_shared/http.ts";

export type EmbedOptions = { batchSize?: number; budgetMs?: number; maxBatches?: number };
export type EmbedReport = {
  model: string;
  batches: number;
  claimed: number;
  completed: number;
  failed: number;
  dead: number;
  similar_cached: number;
  last_error?: string;
};

type Job = { job_id: string; fragrance_id: string; content_hash: string; document: string };

/** Works the queue until it is empty, maxBatches is reached or budgetMs has passed. */
export async function processQueue(sql: Sql, embedder: EmbeddingProvider, options: EmbedOptions = {}): Promise<EmbedReport> {
  const { batchSize = 64, budgetMs = 25_000, maxBatches = Infinity } = options;
  const started = performance.now();
  const startedAt = new Date();
  const report: EmbedReport = { model: embedder.model, batches: 0, claimed: 0, completed: 0, failed: 0, dead: 0, similar_cached: 0 };
  while (report.batches < maxBatches && performance.now() - started < budgetMs) {
    const jobs = await sql<Job[]>`
      select job_id::text, fragrance_id, content_hash, document
      from private.claim_embedding_jobs(${batchSize}, ${embedder.model})`;
    if (jobs.length === 0) break;
    report.batches++;
    report.claimed += jobs.length;
    try {
      const vectors = await embedder.embed(jobs.map((j) => j.document));
      const results = jobs.map((j, i) => ({ ...j, embedding: JSON.stringify(vectors[i]) }));
      const [{ done }] = await sql`select private.complete_embedding_jobs(${sql.json(results)}, ${embedder.model}) as done`;
      report.completed += done;
    } catch (err) {
      // Nothing of the batch was written: complete_embedding_jobs is one statement.
      const message = err instanceof Error ? err.message : String(err);
      const [counts] = await sql`
        select retrying, dead from private.fail_embedding_jobs(${jobs.map((j) => j.job_id)}::bigint[], ${message})`;
      report.failed += counts.retrying + counts.dead;
      report.dead += counts.dead;
      report.last_error = message;
      break; // the provider is failing: leave the rest of the queue for the next run
    }
  }
  const [{ filled }] = await sql`select private.refresh_similar_cache(200) as filled`;
  report.similar_cached = filled;
  if (report.claimed > 0) await recordRun(sql, startedAt, report);
  return report;
}

/** One `embed` row in private.pipeline_runs per call that claimed jobs (idle calls record nothing). */
async function recordRun(sql: Sql, startedAt: Date, r: EmbedReport): Promise<void> {
  const details = { batches: r.batches, dead: r.dead, similar_cached: r.similar_cached };
  await sql`
    select private.record_pipeline_run('embed', ${startedAt}, ${r.claimed}, ${r.completed}, ${r.failed},
                                       ${r.last_error ?? null}, ${sql.json(details)}, ${r.model})`;
}

export function embedHandler(sql: () => Sql, embedder: () => EmbeddingProvider) {
  return handle(async (req) => {
    allowMethods(req, "POST");
    await requireRole(req, "service_role");
    const body = await req.json().catch(() => ({}));
    const batchSize = body?.batch_size ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
      throw new HttpError(400, "invalid_request", "batch_size must be an integer from 1 to 1000");
    }
    const report = await processQueue(sql(), embedder(), { batchSize });
    if (report.claimed || report.similar_cached) {
      console.log(JSON.stringify({ level: report.failed ? "warn" : "info", fn: "embed", ...report }));
    }
    return json(report);
  }, { deadlineMs: 50_000 });
}

export const handler = embedHandler(() => db(30), provider);

if (import.meta.main) Deno.serve(handler);
