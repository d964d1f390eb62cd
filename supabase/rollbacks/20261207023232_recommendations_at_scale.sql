-- Rollback of 20261207023232_recommendations_at_scale.sql.
-- Restores recommend_for_me as it was (JIT allowed, reasons and dislike penalty for every
-- candidate, picked notes by slug); reviewed.

set local check_function_bodies = off;

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
  AS $function$
#variable_conflict use_column
declare
  me uuid := private.require_user();
  current_model text := private.setting('embedding_model') #>> '{}';
  liked extensions.vector;
  families text[];
  picked_notes text[];
begin
  if k is null or k not between 1 and 100 then
    raise exception 'k must be between 1 and 100' using errcode = '22023';
  end if;
  select extensions.avg(e.embedding) into liked
  from public.collection_entries c join public.fragrance_embeddings e on e.fragrance_id = c.fragrance_id and e.model = current_model
  where c.user_id = me and c.status <> 'disliked' and coalesce(c.rating, 3) >= 3;
  select array(select jsonb_array_elements_text(a.answer -> 'families')) into families
  from public.onboarding_answers a where a.user_id = me and a.step = 'families';
  select array(select jsonb_array_elements_text(a.answer -> 'notes')) into picked_notes
  from public.onboarding_answers a where a.user_id = me and a.step = 'notes';

  return query
  with mine as (
    select c.fragrance_id, (c.status <> 'disliked' and coalesce(c.rating, 3) >= 3) as likes
    from public.collection_entries c where c.user_id = me
  ),
  candidates as (
    select n.fragrance_id, n.sim from (
      select e.fragrance_id, 1 - (e.embedding operator(extensions.<=>) liked) as sim
      from public.fragrance_embeddings e
      where liked is not null and e.model = current_model
      order by e.embedding operator(extensions.<=>) liked
      limit 200) n
    union
    select f.id, null::double precision from public.fragrances f
    where f.deleted_at is null
      and (f.family_slug = any(families)
           or exists (select from public.fragrance_notes fn join public.notes nt on nt.id = fn.note_id
                      where fn.fragrance_id = f.id and nt.slug = any(picked_notes)))
  ),
  fresh as (
    select c.fragrance_id, max(c.sim) as sim from candidates c
    where not exists (select from mine m where m.fragrance_id = c.fragrance_id)
    group by c.fragrance_id
  ),
  -- The liked fragrance sharing most notes with each candidate, and up to two of those notes (most prominent first).
  shared as (
    select distinct on (x.candidate) x.candidate, x.liked_name, x.notes
    from (
      select fr.fragrance_id as candidate, lf.name as liked_name, count(*) as n,
             (array_agg(nt.name order by cn.tier, cn.position))[1:2] as notes
      from fresh fr
      join public.fragrance_notes cn on cn.fragrance_id = fr.fragrance_id
      join mine m on m.likes
      join public.fragrance_notes ln on ln.fragrance_id = m.fragrance_id and ln.note_id = cn.note_id
      join public.fragrances lf on lf.id = m.fragrance_id
      join public.notes nt on nt.id = cn.note_id
      group by fr.fragrance_id, lf.name) x
    order by x.candidate, x.n desc, x.liked_name
  ),
  scored as (
    select fr.fragrance_id, fr.sim,
           coalesce((select max(1 - (e.embedding operator(extensions.<=>) d.embedding))
                     from public.fragrance_embeddings e, mine m
                     join public.fragrance_embeddings d on d.fragrance_id = m.fragrance_id and d.model = current_model
                     where not m.likes and e.fragrance_id = fr.fragrance_id), 0) as disliked_sim,
           (select array_agg(nt.name order by fn.tier, fn.position) from public.fragrance_notes fn join public.notes nt on nt.id = fn.note_id
            where fn.fragrance_id = fr.fragrance_id and nt.slug = any(picked_notes)) as picked,
           f.family_slug = any(families) as family_match
    from fresh fr join public.fragrances f on f.id = fr.fragrance_id and f.deleted_at is null
  )
  select s.fragrance_id, f.name, b.name,
         round((coalesce(s.sim, 0) - 0.5 * greatest(s.disliked_sim - 0.5, 0)
                + 0.1 * least(coalesce(cardinality(s.picked), 0), 3) + case when s.family_match then 0.15 else 0 end)::numeric, 4)::double precision,
         case
           when sh.candidate is not null then format('shares %s with %s', array_to_string(sh.notes, ' and '), sh.liked_name)
           when s.picked is not null then format('has %s, which you picked', array_to_string(s.picked[1:2], ' and '))
           when s.family_match then format('a %s fragrance, as you asked', replace(f.family_slug, '-', ' '))
           else 'close to what you like'
         end
  from scored s
  join public.fragrances f on f.id = s.fragrance_id
  join public.brands b on b.id = f.brand_id
  left join shared sh on sh.candidate = s.fragrance_id
  order by 4 desc, f.name
  limit k;

  if not found then
    -- Cold start: what most users own, minus what the caller has already.
    return query
    select f.id, f.name, b.name, coalesce(o.owners, 0)::double precision,
           case when coalesce(o.owners, 0) = 1 then 'owned by 1 ScentMatch user'
                when o.owners > 1 then format('owned by %s ScentMatch users', o.owners)
                else 'a well-known fragrance to start with' end
    from public.fragrances f
    join public.brands b on b.id = f.brand_id
    left join (select c.fragrance_id, count(*) as owners from public.collection_entries c where c.status = 'owned' group by 1) o
      on o.fragrance_id = f.id
    where f.deleted_at is null
      and not exists (select from public.collection_entries c where c.user_id = me and c.fragrance_id = f.id)
    order by coalesce(o.owners, 0) desc, f.launch_year nulls last, f.name
    limit k;
  end if;
end;
$function$;
