-- "Smells like": vector neighbours re-ranked by shared notes and accords,
-- cached per fragrance. Changing an embedding invalidates the cache entries it
-- can affect; the embed pipeline refills missing entries; a miss is computed
-- live, so the answer is never stale, only sometimes slower.

-- Load pgvector first, so the SET clause below names a known setting.
select '[1]'::extensions.vector;

create table public.similar_fragrances_cache (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  rank smallint not null constraint similar_fragrances_cache_rank_positive check (rank >= 1),
  similar_fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  similarity real not null constraint similar_fragrances_cache_similarity_range check (similarity between -1 and 1),
  score real not null,
  shared_notes text[] not null default '{}',
  shared_accords text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, rank)
);
comment on table public.similar_fragrances_cache is 'Cached answers of similar_fragrances: the best neighbours of each fragrance, in rank order. Written by the embed pipeline only.';
comment on column public.similar_fragrances_cache.fragrance_id is 'The fragrance asked about.';
comment on column public.similar_fragrances_cache.rank is 'Position in the answer, 1 = most similar.';
comment on column public.similar_fragrances_cache.similar_fragrance_id is 'The neighbour.';
comment on column public.similar_fragrances_cache.similarity is 'Cosine similarity of the two embeddings.';
comment on column public.similar_fragrances_cache.score is 'Re-ranking score: 0.6 similarity + 0.25 note overlap + 0.15 accord overlap.';
comment on column public.similar_fragrances_cache.shared_notes is 'Notes both have.';
comment on column public.similar_fragrances_cache.shared_accords is 'Accords both have.';
create index similar_fragrances_cache_similar_idx on public.similar_fragrances_cache (similar_fragrance_id);
call private.make_catalog_table('public.similar_fragrances_cache');

/**
 * Live computation: up to k neighbours, re-ranked; excludes the fragrance itself and deleted ones.
 * PL/pgSQL, not SQL: a SQL function is planned with k unknown, so the planner took the pool of
 * neighbours for a tenth of the table, hashed every fragrance to keep the live ones and, from
 * about 1M fragrances, compiled the query (JIT): 1 s a call. Planned with k, it looks up 100.
 */
create or replace function public.similar_fragrances_live(fragrance_id uuid, k integer default 10)
returns table (
  similar_fragrance_id uuid, similarity real, score real, shared_notes text[], shared_accords text[]
)
language plpgsql
stable
set search_path = ''
set hnsw.ef_search = 100
as $$
#variable_conflict use_column
begin
  return query
  with target as (
    select e.embedding, e.model from public.fragrance_embeddings e where e.fragrance_id = similar_fragrances_live.fragrance_id
  ), neighbours as materialized (
    select e.fragrance_id as id, 1 - (e.embedding operator(extensions.<=>) t.embedding) as similarity
    from target t
    cross join lateral (
      select e.fragrance_id, e.embedding from public.fragrance_embeddings e
      where e.model = t.model and e.fragrance_id <> similar_fragrances_live.fragrance_id
      order by e.embedding operator(extensions.<=>) t.embedding
      limit greatest(100, 2 * k)  -- the same pool for every k up to 50, so cached and live answers agree
    ) e
  ), scored as (
    select nb.id, nb.similarity,
           array(select n.name from public.fragrance_notes a join public.fragrance_notes b on b.note_id = a.note_id
                   join public.notes n on n.id = a.note_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by n.name) as shared_notes,
           (select count(distinct note_id) from public.fragrance_notes
             where fragrance_notes.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)) as union_notes,
           array(select ac.name from public.fragrance_accords a join public.fragrance_accords b on b.accord_id = a.accord_id
                   join public.accords ac on ac.id = a.accord_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by least(a.strength, b.strength) desc, ac.name) as shared_accords,
           (select coalesce(sum(least(x.a, x.b))::real / nullif(sum(greatest(x.a, x.b)), 0), 0)
              from (select coalesce(max(fa.strength) filter (where fa.fragrance_id = similar_fragrances_live.fragrance_id), 0) as a,
                           coalesce(max(fa.strength) filter (where fa.fragrance_id = nb.id), 0) as b
                    from public.fragrance_accords fa
                    where fa.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)
                    group by fa.accord_id) x) as accord_overlap
    from neighbours nb
    join public.fragrances f on f.id = nb.id and f.deleted_at is null
  )
  select s.id, s.similarity::real,
         (0.6 * s.similarity + 0.25 * coalesce(cardinality(s.shared_notes)::real / nullif(s.union_notes, 0), 0)
          + 0.15 * s.accord_overlap)::real as score,
         s.shared_notes, s.shared_accords
  from scored s
  order by 3 desc, s.id
  limit k;
end;
$$;
comment on function public.similar_fragrances_live(uuid, integer) is
  'Uncached "smells like": the vector neighbours of a fragrance re-ranked by 0.6 cosine similarity + 0.25 note Jaccard + 0.15 accord overlap.';
revoke execute on function public.similar_fragrances_live(uuid, integer) from public;
grant execute on function public.similar_fragrances_live(uuid, integer) to anon, authenticated, service_role;

/** "Smells like": k fragrances most like the given one, with what they share; from the cache when it holds them. */
create or replace function public.similar_fragrances(fragrance_id uuid, k integer default 10)
returns table (
  similar_fragrance_id uuid, slug text, name text, brand_name text, concentration public.concentration,
  similarity real, score real, shared_notes text[], shared_accords text[], cached boolean
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
begin
  if k is null or k not between 1 and 100 then
    raise exception 'k must be between 1 and 100, got %', k using errcode = '22023';
  end if;
  if not exists (select 1 from public.fragrances f where f.id = similar_fragrances.fragrance_id and f.deleted_at is null) then
    raise exception 'no fragrance %', similar_fragrances.fragrance_id using errcode = 'PT404';  -- HTTP 404 through PostgREST
  end if;
  if (select count(*) from public.similar_fragrances_cache c where c.fragrance_id = similar_fragrances.fragrance_id) >= k then
    return query
    select c.similar_fragrance_id, f.slug, f.name, b.name, f.concentration, c.similarity, c.score, c.shared_notes, c.shared_accords, true
    from public.similar_fragrances_cache c
    join public.fragrances f on f.id = c.similar_fragrance_id and f.deleted_at is null
    join public.brands b on b.id = f.brand_id
    where c.fragrance_id = similar_fragrances.fragrance_id
    order by c.rank
    limit k;
  else
    return query
    select s.similar_fragrance_id, f.slug, f.name, b.name, f.concentration, s.similarity, s.score, s.shared_notes, s.shared_accords, false
    from public.similar_fragrances_live(similar_fragrances.fragrance_id, k) s
    join public.fragrances f on f.id = s.similar_fragrance_id
    join public.brands b on b.id = f.brand_id
    order by s.score desc, s.similar_fragrance_id;
  end if;
end;
$$;
comment on function public.similar_fragrances(uuid, integer) is
  '"Smells like": the k (1..100) fragrances most similar to one, re-ranked by shared notes and accords; served from similar_fragrances_cache when it holds k neighbours (cached = true), computed live otherwise. PT404 (HTTP 404) for an unknown fragrance.';
revoke execute on function public.similar_fragrances(uuid, integer) from public;
grant execute on function public.similar_fragrances(uuid, integer) to anon, authenticated, service_role;

/**
 * Fills the cache for up to max_fragrances embedded fragrances that have no entry; returns how many
 * it filled. Safe to run from two workers at once: an entry the other wrote first is left as it is.
 */
create or replace function private.refresh_similar_cache(max_fragrances integer default 200)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  size integer := (private.setting('similar_cache_size') #>> '{}')::int;
  filled integer;
begin
  with todo as (
    select e.fragrance_id as id
    from public.fragrance_embeddings e
    join public.fragrances f on f.id = e.fragrance_id and f.deleted_at is null
    where not exists (select 1 from public.similar_fragrances_cache c where c.fragrance_id = e.fragrance_id)
    limit max_fragrances
  ), inserted as (
    insert into public.similar_fragrances_cache (fragrance_id, rank, similar_fragrance_id, similarity, score, shared_notes, shared_accords)
    select t.id, (row_number() over (partition by t.id order by s.score desc, s.similar_fragrance_id))::smallint,
           s.similar_fragrance_id, s.similarity, s.score, s.shared_notes, s.shared_accords
    from todo t cross join lateral public.similar_fragrances_live(t.id, size) s
    -- (two workers filling at once compute the same entries: the second waits for the first and keeps its rows)
    on conflict (fragrance_id, rank) do nothing
    returning fragrance_id
  )
  select count(distinct fragrance_id) into filled from inserted;
  return filled;
end;
$$;
comment on function private.refresh_similar_cache(integer) is 'Computes and caches the neighbours of embedded fragrances that have no cache entry (called by the embed pipeline after each batch).';
revoke execute on function private.refresh_similar_cache(integer) from public;
grant execute on function private.refresh_similar_cache(integer) to service_role;

/**
 * Statement trigger on fragrance_embeddings: drops the cache entries a change
 * can affect: those of the changed fragrances, those listing them, and those
 * of their new nearest neighbours (which they may now belong to). A change
 * of more than 100 embeddings (a backfill) clears the whole cache.
 */
create or replace function private.invalidate_similar_cache()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  ids uuid[];
  size integer := (private.setting('similar_cache_size') #>> '{}')::int;
begin
  perform 'PRAGMA:TABLE: changed_rows (fragrance_id uuid, embedding extensions.vector)';
  select array_agg(fragrance_id) into ids from changed_rows;
  if ids is null then
    return null;
  elsif cardinality(ids) > 100 then
    delete from public.similar_fragrances_cache;
    return null;
  end if;
  delete from public.similar_fragrances_cache c
  where c.fragrance_id = any (ids)
     or c.similar_fragrance_id = any (ids)
     or c.fragrance_id in (
       select n.fragrance_id
       from changed_rows ch
       cross join lateral (
         select e.fragrance_id from public.fragrance_embeddings e
         where e.fragrance_id <> ch.fragrance_id
         order by e.embedding operator(extensions.<=>) ch.embedding
         limit size
       ) n
       where tg_op <> 'DELETE');
  return null;
end;
$$;
comment on function private.invalidate_similar_cache() is 'Statement trigger: removes the similar_fragrances_cache entries that changed embeddings can affect.';
revoke execute on function private.invalidate_similar_cache() from public;
create trigger invalidate_similar_on_insert after insert on public.fragrance_embeddings
  referencing new table as changed_rows for each statement execute function private.invalidate_similar_cache();
create trigger invalidate_similar_on_update after update on public.fragrance_embeddings
  referencing new table as changed_rows for each statement execute function private.invalidate_similar_cache();
create trigger invalidate_similar_on_delete after delete on public.fragrance_embeddings
  referencing old table as changed_rows for each statement execute function private.invalidate_similar_cache();
