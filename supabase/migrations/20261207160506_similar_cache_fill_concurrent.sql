-- Two embed workers filling the similar cache at once no longer fail: private.refresh_similar_cache inserts ON CONFLICT DO
-- NOTHING (both computed the same entries; the second waited on the first's rows, then raised a unique violation).

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.refresh_similar_cache (
  max_fragrances integer DEFAULT 200
)
  RETURNS integer
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
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
$function$;
