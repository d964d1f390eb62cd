-- Recommendations read what can make the page: recommend_for_me scored every candidate its quiz
-- answers bring (~15,000 for a family and two notes at 100k fragrances), each compared with the
-- dislikes through its 2 kB embedding. A candidate from the answers scores at most what its picked
-- notes and family give, so those are read only when they can outscore the k-th nearest, and scored
-- only above the bar the first k set; the same pages (docs/BENCHMARKS.md). The 200 nearest are now
-- 200: the HNSW index answered 40 (its ef_search), so a user with only likes got 40 of k = 100.
-- A picked or shared note listed in two tiers counts once ("has Lavender and Lavender" before).
-- A new user's page (the most-owned, then the earliest launched) reads the catalog in that order
-- from a new index, k at most, instead of sorting all of it (0.4 s at 1M fragrances).

set local check_function_bodies = off;
select '[1]'::extensions.vector;  -- (loads pgvector, whose hnsw.ef_search a function below sets)

CREATE TYPE "private"."recommendation" AS (
  "fragrance_id" uuid,
  "name"         text,
  "brand_id"     uuid,
  "family_slug"  text,
  "sim"          double precision,
  "picked"       integer,
  "family_match" boolean,
  "score"        double precision
);

CREATE TYPE "private"."taste" AS (
  "collection"   uuid[],
  "liked_ids"    uuid[],
  "liked"        extensions.vector,
  "disliked"     extensions.vector[],
  "families"     text[],
  "picked_notes" uuid[]
);

CREATE OR REPLACE FUNCTION private.closeness_to_dislikes (
  embedding extensions.vector,
  disliked  extensions.vector[]
)
  RETURNS double precision
  LANGUAGE sql
  IMMUTABLE
  SET search_path TO ''
  AS $function$
  select coalesce(max(1 - (embedding operator(extensions.<=>) d)), 0) from unnest(disliked) d
$function$;

CREATE OR REPLACE FUNCTION private.recommend_for_me (
  k integer
)
  RETURNS TABLE (
    fragrance_id uuid,
    name         text,
    brand        text,
    score        double precision,
    reason       text
  )
  LANGUAGE plpgsql
  STABLE
  SECURITY DEFINER
  SET search_path TO ''
  SET jit TO 'off'
  AS $function$
#variable_conflict use_column
declare
  me uuid := private.require_user();
  current_model text := private.setting('embedding_model') #>> '{}';
  t private.taste;
  near private.recommendation[];
  page private.recommendation[];
begin
  if k is null or k not between 1 and 100 then
    raise exception 'k must be between 1 and 100' using errcode = '22023';
  end if;
  t := private.taste_of(me, current_model);
  near := array(select r from private.recommendations_near(t, current_model) r);
  page := near;
  -- the answers' candidates score at most this: read them only when the k-th nearest does not beat it
  if coalesce((select r.score from unnest(near) r order by r.score desc offset k - 1 limit 1) <=
              private.recommendation_score(null, 0, cardinality(t.picked_notes), cardinality(t.families) > 0), true) then
    page := page || array(select r from private.recommendations_from_answers(t, current_model, k, near) r);
  end if;
  page := array(select r from unnest(page) r order by r.score desc, r.name, r.fragrance_id limit k);

  return query
  select r.fragrance_id, r.name, b.name, r.score,
         case
           when sh.liked_name is not null then format('shares %s with %s', array_to_string(sh.notes, ' and '), sh.liked_name)
           when r.picked > 0 then format('has %s, which you picked', array_to_string(pn.names[1:2], ' and '))
           when r.family_match then format('a %s fragrance, as you asked', replace(r.family_slug, '-', ' '))
           else 'close to what you like'
         end
  from unnest(page) with ordinality r
  join public.brands b on b.id = r.brand_id
  -- the picked notes a pick has, most prominent first (a note listed in two tiers, once)
  left join lateral (
    select array_agg(nt.name order by pk.tier, pk.position) as names
    from (select distinct on (fn.note_id) fn.note_id, fn.tier, fn.position from public.fragrance_notes fn
          where r.picked > 0 and fn.fragrance_id = r.fragrance_id and fn.note_id = any (t.picked_notes)
          order by fn.note_id, fn.tier, fn.position) pk
    join public.notes nt on nt.id = pk.note_id
  ) pn on true
  -- the liked fragrance sharing most notes with the pick, and up to two of those notes (most prominent first)
  left join lateral (
    select lf.name as liked_name, (array_agg(nt.name order by pk.tier, pk.position))[1:2] as notes
    from (select distinct on (fn.note_id) fn.note_id, fn.tier, fn.position from public.fragrance_notes fn
          where fn.fragrance_id = r.fragrance_id order by fn.note_id, fn.tier, fn.position) pk
    join (select distinct ln.fragrance_id, ln.note_id from public.fragrance_notes ln where ln.fragrance_id = any (t.liked_ids)) ln
      on ln.note_id = pk.note_id
    join public.fragrances lf on lf.id = ln.fragrance_id
    join public.notes nt on nt.id = pk.note_id
    group by lf.id, lf.name
    order by count(*) desc, lf.name, lf.id
    limit 1
  ) sh on true
  order by r.ordinality;

  if not found then
    return query select * from private.recommendations_cold_start(t.collection, k);
  end if;
end;
$function$;

CREATE OR REPLACE FUNCTION private.recommendation_score (
  sim          double precision,
  disliked_sim double precision,
  picked       integer,
  family_match boolean
)
  RETURNS double precision
  LANGUAGE plpgsql
  IMMUTABLE
  SET search_path TO ''
  AS $function$
begin
  return round((coalesce(sim, 0) - 0.5 * greatest(disliked_sim - 0.5, 0) + 0.1 * least(picked, 3)
                + case when family_match then 0.15 else 0 end)::numeric, 4)::double precision;
end;
$function$;

CREATE OR REPLACE FUNCTION private.recommendations_cold_start (
  collection uuid[],
  k          integer
)
  RETURNS TABLE (
    fragrance_id uuid,
    name         text,
    brand        text,
    score        double precision,
    reason       text
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
begin
  return query
  with owned as materialized (
    select c.fragrance_id, count(*) as owners from public.collection_entries c where c.status = 'owned' group by c.fragrance_id
  ), firsts as (
    (select f.id, f.name, f.brand_id, f.launch_year, o.owners
     from owned o join public.fragrances f on f.id = o.fragrance_id and f.deleted_at is null
     where f.id <> all (collection)
     order by o.owners desc, f.launch_year nulls last, f.name, f.id
     limit k)
    union all
    (select f.id, f.name, f.brand_id, f.launch_year, 0
     from public.fragrances f
     where f.deleted_at is null and f.id <> all (collection) and not exists (select from owned o where o.fragrance_id = f.id)
     order by f.launch_year nulls last, f.name, f.id
     limit k)
  )
  select x.id, x.name, b.name, x.owners::double precision,
         case when x.owners = 1 then 'owned by 1 ScentMatch user'
              when x.owners > 1 then format('owned by %s ScentMatch users', x.owners)
              else 'a well-known fragrance to start with' end
  from firsts x
  join public.brands b on b.id = x.brand_id
  order by x.owners desc, x.launch_year nulls last, x.name, x.id
  limit k;
end;
$function$;

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
begin
  return query
  with picked as materialized (
    select fn.fragrance_id, count(distinct fn.note_id)::int as n from public.fragrance_notes fn
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

CREATE OR REPLACE FUNCTION private.recommendations_near (
  t     private.taste,
  model text
)
  RETURNS SETOF private.recommendation
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  SET "hnsw.ef_search" TO '200'
  AS $function$
begin
  if t.liked is null then
    return;
  end if;
  return query
  select n.fragrance_id, f.name, f.brand_id, f.family_slug, n.sim, p.n, f.family_slug = any (t.families),
         private.recommendation_score(n.sim, private.closeness_to_dislikes(n.embedding, t.disliked), p.n, f.family_slug = any (t.families))
  from (select e.fragrance_id, e.embedding, 1 - (e.embedding operator(extensions.<=>) t.liked) as sim
        from public.fragrance_embeddings e
        where e.model = recommendations_near.model
        order by e.embedding operator(extensions.<=>) t.liked
        limit 200) n
  join public.fragrances f on f.id = n.fragrance_id and f.deleted_at is null
  cross join lateral (select count(distinct fn.note_id)::int as n from public.fragrance_notes fn
                      where fn.fragrance_id = n.fragrance_id and fn.note_id = any (t.picked_notes)) p
  where n.fragrance_id <> all (t.collection);
end;
$function$;

CREATE OR REPLACE FUNCTION private.taste_of (
  me    uuid,
  model text
)
  RETURNS private.taste
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
declare
  t private.taste;
begin
  select coalesce(array_agg(c.fragrance_id), '{}'),
         coalesce(array_agg(c.fragrance_id) filter (where c.likes), '{}'),
         extensions.avg(e.embedding) filter (where c.likes),
         coalesce(array_agg(e.embedding) filter (where not c.likes and e.embedding is not null), '{}')
  into t.collection, t.liked_ids, t.liked, t.disliked
  from (select c.fragrance_id, (c.status <> 'disliked' and coalesce(c.rating, 3) >= 3) as likes
        from public.collection_entries c where c.user_id = me) c
  left join public.fragrance_embeddings e on e.fragrance_id = c.fragrance_id and e.model = taste_of.model;
  t.families := array(select jsonb_array_elements_text(a.answer -> 'families')
                      from public.onboarding_answers a where a.user_id = me and a.step = 'families');
  t.picked_notes := array(select nt.id from public.notes nt
                          where nt.slug in (select jsonb_array_elements_text(a.answer -> 'notes')
                                            from public.onboarding_answers a where a.user_id = me and a.step = 'notes'));
  return t;
end;
$function$;

CREATE INDEX fragrances_launch_order_idx ON public.fragrances USING btree (launch_year, name, id)
  WHERE (deleted_at IS NULL);

COMMENT ON FUNCTION "private"."closeness_to_dislikes"(extensions.vector, extensions.vector[]) IS 'The highest cosine similarity of an embedding to the disliked ones; 0 when there is none.';

COMMENT ON FUNCTION "private"."recommendation_score"(double precision, double precision, integer, boolean) IS 'The score of a recommendation from its closeness to the liked centroid, closeness to a dislike, picked notes and family.';

COMMENT ON FUNCTION "private"."recommendations_cold_start"(uuid[], integer) IS 'The first k recommendations for a user with nothing liked and no answers: the most-owned fragrances, then the earliest launched.';

COMMENT ON FUNCTION "private"."recommendations_from_answers"(private.taste, text, integer, private.recommendation[]) IS 'The first k fragrances a user''s onboarding answers name, scored (private.recommendation), leaving out the ones already scored.';

COMMENT ON FUNCTION "private"."recommendations_near"(private.taste, text) IS 'The fragrances nearest a user''s liked centroid, scored (private.recommendation).';

COMMENT ON FUNCTION "private"."taste_of"(uuid, text) IS 'A user''s collection, liked centroid, dislikes and onboarding answers, as recommendations read them.';

REVOKE ALL ON FUNCTION "private"."closeness_to_dislikes"(extensions.vector, extensions.vector[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."recommendation_score"(double precision, double precision, integer, boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."recommendations_cold_start"(uuid[], integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."recommendations_from_answers"(private.taste, text, integer, private.recommendation[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."recommendations_near"(private.taste, text) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."taste_of"(uuid, text) FROM PUBLIC;
