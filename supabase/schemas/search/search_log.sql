-- What the search edge function keeps: query embeddings cached with a TTL
-- (a repeated query costs no provider call), and a log of searches, their
-- results and the clicks on them (positions), for relevance metrics.

create table private.query_embeddings (
  model text not null,
  query_hash text not null constraint query_embeddings_query_hash_format check (query_hash ~ '^[0-9a-f]{32}$'),
  embedding extensions.vector(512) not null,
  expires_at timestamptz not null,
  hits integer not null default 0 constraint query_embeddings_hits_non_negative check (hits >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (model, query_hash)
);
comment on table private.query_embeddings is 'Cache of query embeddings, keyed by model and the md5 of the normalized query; expired rows are deleted hourly.';
comment on column private.query_embeddings.model is 'Model that embedded the query.';
comment on column private.query_embeddings.query_hash is 'md5 of lower(btrim(query)) (the query text itself is not kept here).';
comment on column private.query_embeddings.embedding is 'The query''s vector.';
comment on column private.query_embeddings.expires_at is 'After this the entry is ignored and later deleted.';
comment on column private.query_embeddings.hits is 'Times the entry saved a provider call.';
call private.track_updates('private.query_embeddings');
create index query_embeddings_expires_at_idx on private.query_embeddings (expires_at);

create table private.search_queries (
  id bigint generated always as identity primary key,
  query text not null,
  filters jsonb not null default '{}' constraint search_queries_filters_object check (jsonb_typeof(filters) = 'object'),
  page integer not null constraint search_queries_page_positive check (page >= 1),
  user_id uuid references auth.users (id) on delete set null,
  results uuid[] not null default '{}',
  embedding_cached boolean not null,
  latency_ms integer not null constraint search_queries_latency_non_negative check (latency_ms >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.search_queries is 'One row per search answered by the search function: the query, filters, page, the caller (when signed in), and the results shown in order.';
comment on column private.search_queries.id is 'Search id, returned to the caller to report clicks with.';
comment on column private.search_queries.query is 'Query text as typed (at most 500 characters).';
comment on column private.search_queries.filters is 'Filters as sent.';
comment on column private.search_queries.page is 'Page number.';
comment on column private.search_queries.user_id is 'Signed-in caller, null for anon (set null when the account is erased).';
comment on column private.search_queries.results is 'Fragrance ids shown, in order (position 1 first, on this page).';
comment on column private.search_queries.embedding_cached is 'Whether the query embedding came from the cache.';
comment on column private.search_queries.latency_ms is 'Time to answer, embedding included.';
call private.track_updates('private.search_queries');
create index search_queries_user_id_idx on private.search_queries (user_id);
create index search_queries_created_at_idx on private.search_queries (created_at);

create table private.search_clicks (
  id bigint generated always as identity primary key,
  search_id bigint not null references private.search_queries (id) on delete cascade,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  position integer not null constraint search_clicks_position_positive check (position >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.search_clicks is 'Clicks on search results, with the position the result was shown at (for click-through and MRR).';
comment on column private.search_clicks.id is 'Click number.';
comment on column private.search_clicks.search_id is 'The search whose result was clicked.';
comment on column private.search_clicks.fragrance_id is 'The result clicked.';
comment on column private.search_clicks.position is 'Its 1-based position on the page.';
call private.track_updates('private.search_clicks');
create index search_clicks_search_id_idx on private.search_clicks (search_id);
create index search_clicks_fragrance_id_idx on private.search_clicks (fragrance_id);

/** Records a click on a result of a logged search; returns its position, or raises 22023 when the fragrance was not among the results. */
create or replace function private.log_search_click(search_id bigint, fragrance_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  pos integer;
begin
  select array_position(s.results, log_search_click.fragrance_id) into pos
  from private.search_queries s where s.id = log_search_click.search_id;
  if not found then
    raise exception 'no search %', search_id using errcode = 'P0002';
  elsif pos is null then
    raise exception 'fragrance % was not a result of search %', fragrance_id, search_id using errcode = '22023';
  end if;
  insert into private.search_clicks (search_id, fragrance_id, position)
  values (log_search_click.search_id, log_search_click.fragrance_id, pos);
  return pos;
end;
$$;
comment on function private.log_search_click(bigint, uuid) is 'Logs a click on a search result with its position; P0002 for an unknown search, 22023 for a fragrance not shown.';
revoke execute on function private.log_search_click(bigint, uuid) from public;
grant execute on function private.log_search_click(bigint, uuid) to service_role;

grant select, insert, update, delete on private.query_embeddings, private.search_queries, private.search_clicks to service_role;

/**
 * The search function's first step: checks a request body (types here, the rules of
 * private.search_arguments; 22023) and returns its typed fields with the query's cached embedding
 * (null on a miss). It writes nothing.
 */
create or replace function private.prepare_search(model text, request jsonb)
returns table (q text, filters jsonb, currency text, page integer, page_size integer, embedding extensions.vector)
language plpgsql
set search_path = ''
as $$
declare
  field text;
begin
  if jsonb_typeof(request) is distinct from 'object' then
    raise exception 'body must be a JSON object' using errcode = '22023';
  end if;
  if jsonb_typeof(request -> 'q') is distinct from 'string' then
    raise exception 'q must be a string' using errcode = '22023';
  end if;
  foreach field in array array['page', 'page_size'] loop
    if request ? field and (jsonb_typeof(request -> field) <> 'number' or (request ->> field) !~ '^-?[0-9]{1,9}$') then
      raise exception '% must be an integer', field using errcode = '22023';
    end if;
  end loop;
  if request ? 'currency' and jsonb_typeof(request -> 'currency') <> 'string' then
    raise exception 'currency must be an ISO-4217 code' using errcode = '22023';
  end if;
  q := btrim(request ->> 'q');
  filters := coalesce(nullif(request -> 'filters', 'null'), '{}');
  currency := coalesce(request ->> 'currency', 'EUR');
  page := coalesce((request ->> 'page')::integer, 1);
  page_size := coalesce((request ->> 'page_size')::integer, 20);
  perform private.search_arguments(q, null, model, filters, currency, page, page_size, 1.0, 1.0, 0.35, 20, 1.0, 1.0);  -- (the rules; the words are read by the search)
  -- (read only: the hit is counted by log_search, so a search writes once, after it is answered)
  select e.embedding into embedding from private.query_embeddings e
  where e.model = prepare_search.model and e.query_hash = md5(lower(prepare_search.q)) and e.expires_at > now();
  return next;
end;
$$;
comment on function private.prepare_search(text, jsonb) is
  'Checks a search request body (22023 for a wrong type or any rule of private.search_arguments) and returns its typed fields and the query''s cached embedding, or null.';

/** Caches a query's embedding for query_embedding_ttl_hours (keyed by model and the lower-cased query). */
create or replace function private.cache_query_embedding(model text, q text, embedding extensions.vector)
returns void
language sql
set search_path = ''
as $$
  insert into private.query_embeddings (model, query_hash, embedding, expires_at)
  values (model, md5(lower(q)), embedding,
          now() + make_interval(hours => (private.setting('query_embedding_ttl_hours') #>> '{}')::int))
  on conflict (model, query_hash) do update set embedding = excluded.embedding, expires_at = excluded.expires_at, hits = 0
$$;
comment on function private.cache_query_embedding(text, text, extensions.vector) is 'Caches the embedding of a search query for query_embedding_ttl_hours.';

/**
 * Logs a search and its results, and counts the cache hit of its embedding (of model) when it had
 * one; returns the search id the caller reports clicks with.
 */
create or replace function private.log_search(
  query text, filters jsonb, page integer, user_id uuid, results uuid[], embedding_cached boolean, latency_ms integer,
  model text default null
)
returns bigint
language sql
set search_path = ''
as $$
  with hit as (
    update private.query_embeddings e set hits = e.hits + 1
    where log_search.embedding_cached and e.model = log_search.model and e.query_hash = md5(lower(log_search.query))
  )
  insert into private.search_queries (query, filters, page, user_id, results, embedding_cached, latency_ms)
  -- a user that is gone (or a token naming none) is logged as anonymous
  values (query, filters, page, (select u.id from auth.users u where u.id = log_search.user_id), results, embedding_cached, latency_ms)
  returning id
$$;
comment on function private.log_search(text, jsonb, integer, uuid, uuid[], boolean, integer, text) is 'Logs one search with its result ids (in order) and counts its embedding''s cache hit; returns the search id.';

revoke execute on function private.prepare_search(text, jsonb) from public;
revoke execute on function private.cache_query_embedding(text, text, extensions.vector) from public;
revoke execute on function private.log_search(text, jsonb, integer, uuid, uuid[], boolean, integer, text) from public;
grant execute on function private.prepare_search(text, jsonb), private.cache_query_embedding(text, text, extensions.vector),
  private.log_search(text, jsonb, integer, uuid, uuid[], boolean, integer, text) to service_role;
