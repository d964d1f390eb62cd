/**
 * `POST /functions/v1/search` `{q, filters?, page?, page_size?, currency?}`:
 * hybrid fragrance search for anon and signed-in callers. SQL checks the
 * request and finds the query's cached embedding (private.prepare_search);
 * the function embeds a new query (cached for query_embedding_ttl_hours), calls
 * public.search_fragrances under the caller's role, logs the search
 * (private.log_search), and answers with a search_id.
 * `POST /functions/v1/search/click` `{search_id, fragrance_id}`: logs a click
 * on a result with its position.
 * If the embedding provider fails, the answer still comes, from the keyword
 * lists alone, with `"degraded": true`.
 */
import { callerClaims } from "../_shared/auth.ts";
import { asCaller, sqlText } from "../_shared/caller.ts";
import { db, type Sql } from "../_shared/db.ts";
import { type EmbeddingProvider, provider } from "../_shared/embeddings/mod.ts";
import { allowMethods, handle, HttpError, json, stopwatch } from "../_shared/http.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A search request as private.prepare_search checked and typed it, with the query's cached embedding. */
type Prepared = { q: string; filters: Record<string, unknown>; currency: string; page: number; page_size: number; embedding: string | null };

/** The query's embedding: the cached one, or the provider's (then cached). */
async function queryEmbedding(sql: Sql, embedder: EmbeddingProvider, request: Prepared): Promise<{ vector: string; cached: boolean }> {
  if (request.embedding) return { vector: request.embedding, cached: true };
  const [v] = await embedder.embed([request.q]);
  const vector = JSON.stringify(v);
  await sql`select private.cache_query_embedding(${embedder.model}, ${request.q}, ${vector}::extensions.vector)`;
  return { vector, cached: false };
}

function sqlError(err: unknown): never {
  const code = (err as { code?: string }).code;
  const message = (err as Error).message;
  if (code === "22023") throw new HttpError(400, "invalid_request", message);
  if (code === "P0002") throw new HttpError(404, "not_found", message);
  throw err;
}

export function searchHandler(sql: () => Sql, embedder: () => EmbeddingProvider) {
  return handle(async (req) => {
    allowMethods(req, "POST");
    const claims = await callerClaims(req);
    const body = await req.json().catch(() => {
      throw new HttpError(400, "invalid_json", "body must be JSON");
    });
    const pool = sql();
    if (new URL(req.url).pathname.endsWith("/click")) return await click(pool, body);

    const started = performance.now();
    const timing = stopwatch();
    const model = embedder();
    // Every rule of a search's arguments is SQL's (private.search_terms): a bad request is a 400 before any embedding.
    const [request] = await pool<Prepared[]>`select q, filters, currency, page, page_size, embedding::text
                                             from private.prepare_search(${model.model}, ${pool.json(body)})`.catch(sqlError);
    timing.lap("prepare");
    let embedding: { vector: string; cached: boolean } | null = null;
    let degraded: string | undefined;
    try {
      embedding = await queryEmbedding(pool, model, request);
    } catch (err) {
      degraded = `vector search unavailable: ${(err as Error).message}`;
      console.warn(JSON.stringify({ level: "warn", fn: "search", error: degraded }));
    }
    timing.lap("embed");
    const results = await asCaller(pool, claims, sqlText`
        select * from public.search_fragrances(
          q => ${request.q}::text, query_embedding => ${embedding?.vector ?? null}::extensions.vector,
          embedding_model => ${model.model}::text, filters => ${JSON.stringify(request.filters)}::jsonb,
          currency => ${request.currency}::text, page => ${request.page}::int, page_size => ${request.page_size}::int)`)
      .catch(sqlError);
    timing.lap("search");
    const latency = Math.round(performance.now() - started);
    const userId = claims.role === "authenticated" && typeof claims.sub === "string" && UUID.test(claims.sub) ? claims.sub : null;
    // (the ids as a uuid[] literal, not a JavaScript array: see porsager/postgres#789 in ingest-prices)
    const [{ id }] = await pool`
      select private.log_search(${request.q}, ${pool.json(request.filters as never)}, ${request.page}, ${userId},
                                ${`{${results.map((r) => r.fragrance_id).join(",")}}`}::uuid[], ${embedding?.cached ?? false}, ${latency},
                                ${model.model}) as id`;
    timing.lap("log");
    return json({
      search_id: id,
      page: request.page,
      page_size: request.page_size,
      results,
      embedding_cached: embedding?.cached ?? false,
      ...(degraded ? { degraded: true } : {}),
    }, 200, { "Server-Timing": timing.header() });
  }, { deadlineMs: 10_000 });
}

async function click(sql: Sql, body: unknown): Promise<Response> {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const searchId = b.search_id;
  if (!(typeof searchId === "string" && /^[0-9]{1,18}$/.test(searchId)) && !Number.isSafeInteger(searchId)) {
    throw new HttpError(400, "invalid_request", "search_id must be the id a search returned");
  }
  if (typeof b.fragrance_id !== "string" || !UUID.test(b.fragrance_id)) {
    throw new HttpError(400, "invalid_request", "fragrance_id must be a uuid");
  }
  const [{ position }] = await sql`select private.log_search_click(${String(searchId)}::bigint, ${b.fragrance_id}::uuid) as position`
    .catch(sqlError);
  return json({ search_id: Number(searchId), fragrance_id: b.fragrance_id, position });
}

export const handler = searchHandler(db, provider);

if (import.meta.main) Deno.serve(handler);
