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
