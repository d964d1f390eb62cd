/**
 * `POST /functions/v1/search` `{q, filters?, page?, page_size?, currency?}`:
 * hybrid fragrance search for anon and signed-in callers. Embeds the query
 * (cached in private.query_embeddings for query_embedding_ttl_hours), calls
 * public.search_fragrances under the caller's role, logs the search, and
 * answers with a search_id.
 * `POST /functions/v1/search/click` `{search_id, fragrance_id}`: logs a click
 * on a result with its position.
 * If the embedding provider fails, the answer still comes, from the keyword
 * lists alone, with `"degraded": true`.
 */
import { callerClaims } from "../_shared/auth.ts";
import { db, type Sql } from "../_shared/db.ts";
import { type EmbeddingProvider, provider } from "../_shared/embeddings/mod.ts";
import { allowMethods, handle, HttpError, json } from "../_shared/http.ts";

const MAX_QUERY_CHARS = 500;
const API_ROLES = new Set(["anon", "authenticated", "service_role"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SearchRequest = {
  q: string;
  filters: Record<string, unknown>;
  page: number;
  page_size: number;
  currency: string;
};

/** Validates a search body; throws 400 with the field at fault. */
export function parseSearchRequest(body: unknown): SearchRequest {
  const bad = (message: string) => new HttpError(400, "invalid_request", message);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("body must be a JSON object");
  const b = body as Record<string, unknown>;
  if (typeof b.q !== "string") throw bad("q must be a string");
  const q = b.q.trim();
  if (q === "") throw bad("q must not be empty");
  if (q.length > MAX_QUERY_CHARS) throw bad(`q is too long: ${q.length} characters (at most ${MAX_QUERY_CHARS})`);
  const filters = b.filters ?? {};
  if (typeof filters !== "object" || filters === null || Array.isArray(filters)) throw bad("filters must be an object");
  const page = b.page ?? 1;
  if (!Number.isInteger(page) || (page as number) < 1 || (page as number) > 50) throw bad("page must be an integer from 1 to 50");
  const pageSize = b.page_size ?? 20;
  if (!Number.isInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > 100) {
    throw bad("page_size must be an integer from 1 to 100");
  }
  const currency = b.currency ?? "EUR";
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency)) throw bad("currency must be an ISO-4217 code");
  return { q, filters: filters as Record<string, unknown>, page: page as number, page_size: pageSize as number, currency };
}

/** The query's embedding from the cache, or from the provider (then cached). */
async function queryEmbedding(sql: Sql, embedder: EmbeddingProvider, q: string): Promise<{ vector: string; cached: boolean }> {
  const key = q.toLowerCase();
  const [hit] = await sql`
    update private.query_embeddings set hits = hits + 1
    where model = ${embedder.model} and query_hash = md5(${key}) and expires_at > now()
    returning embedding::text`;
  if (hit) return { vector: hit.embedding, cached: true };
  const [v] = await embedder.embed([q]);
  const vector = JSON.stringify(v);
  await sql`
    insert into private.query_embeddings (model, query_hash, embedding, expires_at)
    values (${embedder.model}, md5(${key}), ${vector}::extensions.vector,
            now() + make_interval(hours => (private.setting('query_embedding_ttl_hours') #>> '{}')::int))
    on conflict (model, query_hash) do update set embedding = excluded.embedding, expires_at = excluded.expires_at, hits = 0`;
  return { vector, cached: false };
}

/** Runs fn in a transaction under the caller's role and claims, as PostgREST does. */
async function asCaller<T>(sql: Sql, claims: Record<string, unknown>, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const role = String(claims.role);
  if (!API_ROLES.has(role)) throw new HttpError(403, "forbidden", "unknown role");
  const conn = await sql.reserve();
  try {
    await conn`begin`;
    await conn.unsafe(`set local role ${role}`);
    await conn`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    const result = await fn(conn as unknown as Sql);
    await conn`commit`;
    return result;
  } catch (err) {
    await conn`rollback`.catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
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
    const request = parseSearchRequest(body);
    const model = embedder();
    let embedding: { vector: string; cached: boolean } | null = null;
    let degraded: string | undefined;
    try {
      embedding = await queryEmbedding(pool, model, request.q);
    } catch (err) {
      degraded = `vector search unavailable: ${(err as Error).message}`;
      console.warn(JSON.stringify({ level: "warn", fn: "search", error: degraded }));
    }
    const results = await asCaller(pool, claims, (tx) =>
      tx`
        select * from public.search_fragrances(
          q => ${request.q}, query_embedding => ${embedding?.vector ?? null}::extensions.vector,
          embedding_model => ${model.model}, filters => ${tx.json(request.filters as never)},
          currency => ${request.currency}, page => ${request.page}, page_size => ${request.page_size})`
    ).catch(sqlError);
    const latency = Math.round(performance.now() - started);
    const userId = claims.role === "authenticated" && typeof claims.sub === "string" && UUID.test(claims.sub) ? claims.sub : null;
    const [{ id }] = await pool`
      insert into private.search_queries (query, filters, page, user_id, results, embedding_cached, latency_ms)
      values (${request.q}, ${pool.json(request.filters as never)}, ${request.page},
              (select u.id from auth.users u where u.id = ${userId}),
              ${results.map((r) => r.fragrance_id)}::uuid[], ${embedding?.cached ?? false}, ${latency})
      returning id::text`;
    return json({
      search_id: id,
      page: request.page,
      page_size: request.page_size,
      results,
      embedding_cached: embedding?.cached ?? false,
      ...(degraded ? { degraded: true } : {}),
    });
  });
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
  return json({ search_id: String(searchId), fragrance_id: b.fragrance_id, position });
}

export const handler = searchHandler(db, provider);

if (import.meta.main) Deno.serve(handler);
