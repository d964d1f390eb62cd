-- Recommendations count the picked notes by bits: the fragrances with a picked note were counted
-- with count(distinct note), which sorts each fragrance's rows apart (9k fragrances at 100k, 88k at
-- 1M); a bit per picked note or-ed together and counted gives the same number (a note in two tiers
-- once) without the sorts: 7.3-8.5 -> 4.1-4.4 ms for the count at 100k; the same pages (docs/BENCHMARKS.md).

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.recommendations_from_answers (
  t     private.taste,
  model text,
  k     integer,
  ahead private.recommendation[]
)
  RETURNS SETOF private.recommendation
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
declare
  disliked extensions.vector[] := t.disliked;  -- (read once, not per candidate)
  no_note varbit := repeat('0', cardinality(t.picked_notes))::varbit;  -- a bit per picked note
begin
  return query
  with picked as materialized (  -- (the bits of the picked notes a fragrance has, counted: a note in two tiers once;
                                 --  count(distinct) sorted each fragrance's rows, ~2x the time)
    select fn.fragrance_id, bit_count(bit_or(set_bit(no_note, array_position(t.picked_notes, fn.note_id) - 1, 1)))::int as n
    from public.fragrance_notes fn
    where fn.note_id = any (t.picked_notes) group by fn.fragrance_id
  ),
  in_families as materialized (
    select f.id, f.name, f.brand_id, f.family_slug from public.fragrances f where f.deleted_at is null and f.family_slug = any (t.families)
  ),
  kinds as materialized (  -- (eight kinds of candidate: the ceiling of each computed once)
    select p.picked, m.family_match, private.recommendation_score(null, 0, p.picked, m.family_match) as ceiling
    from generate_series(0, 3) p (picked), (values (false), (true)) m (family_match)
  ),
  candidates as materialized (  -- (name, brand and family known for the ones in an asked family)
    select coalesce(f.id, p.fragrance_id) as fragrance_id, f.name, f.brand_id, f.family_slug,
           coalesce(p.n, 0) as picked, f.id is not null as family_match, kd.ceiling
    from in_families f
    full join picked p on p.fragrance_id = f.id
    join kinds kd on kd.picked = least(coalesce(p.n, 0), 3) and kd.family_match = (f.id is not null)
    where not exists (select from unnest(t.collection) x where x = coalesce(f.id, p.fragrance_id))
      and not exists (select from unnest(ahead) a where a.fragrance_id = coalesce(f.id, p.fragrance_id))
  ),
  bar as (
    select b.score from (
      select r.score from unnest(ahead) r
      union all
      (select private.recommendation_score(null, coalesce(d.closeness, 0), c.picked, c.family_match)
       from (select * from candidates c order by c.ceiling desc offset 0) c  -- (offset 0: looked up in this order, k at most)
       left join lateral (
         select max(1 - (e.embedding operator(extensions.<=>) x)) as closeness
         from public.fragrance_embeddings e, unnest(disliked) x
         where cardinality(disliked) > 0 and e.fragrance_id = c.fragrance_id and e.model = recommendations_from_answers.model
       ) d on true
       where c.name is not null  -- (in an asked family: known to be live; any other is looked up, one by one)
          or coalesce((select f.deleted_at is null from public.fragrances f where f.id = c.fragrance_id), false)
       limit k)
    ) b
    order by b.score desc offset k - 1 limit 1
  )
  select c.fragrance_id, f.name, f.brand_id, f.family_slug, null::double precision, c.picked, c.family_match,
         case when cardinality(disliked) = 0 then c.ceiling  -- (no dislikes: a candidate scores its ceiling)
              else private.recommendation_score(null, coalesce(d.closeness, 0), c.picked, c.family_match) end as score
  from candidates c
  cross join lateral (  -- the ones outside the asked families are looked up (and left out if deleted)
    select c.name, c.brand_id, c.family_slug where c.name is not null
    union all
    select f.name, f.brand_id, f.family_slug from public.fragrances f where c.name is null and f.id = c.fragrance_id and f.deleted_at is null
  ) f
  left join lateral (  -- (the bar's closeness again; private.closeness_to_dislikes written inline, as a call it cost 25 µs a candidate)
    select max(1 - (e.embedding operator(extensions.<=>) x)) as closeness
    from public.fragrance_embeddings e, unnest(disliked) x
    where cardinality(disliked) > 0 and e.fragrance_id = c.fragrance_id and e.model = recommendations_from_answers.model
  ) d on true
  where c.ceiling >= coalesce((select b.score from bar b), '-infinity')
  order by 8 desc, f.name, c.fragrance_id
  limit k;
end;
$function$;
