-- Rollback of 20261207050241_recommendations_picked_notes.sql.
-- Restores recommend_for_me testing every fragrance for a picked note, with names per candidate; reviewed.

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
  SET jit TO 'off'
  AS $function$
#variable_conflict use_column
declare
  me uuid := private.require_user();
  current_model text := private.setting('embedding_model') #>> '{}';
  liked extensions.vector;
  families text[];
  picked_notes text[];
  picked_ids uuid[];
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
  picked_ids := array(select nt.id from public.notes nt where nt.slug = any (picked_notes));

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
           or exists (select from public.fragrance_notes fn where fn.fragrance_id = f.id and fn.note_id = any (picked_ids)))
  ),
  fresh as (
    select c.fragrance_id, max(c.sim) as sim from candidates c
    where not exists (select from mine m where m.fragrance_id = c.fragrance_id)
    group by c.fragrance_id
  ),
  scored as (
    select fr.fragrance_id, fr.sim,
           case when exists (select from mine m where not m.likes) then  -- (read once; nothing per candidate without dislikes)
             coalesce((select max(1 - (e.embedding operator(extensions.<=>) d.embedding))
                       from public.fragrance_embeddings e, mine m
                       join public.fragrance_embeddings d on d.fragrance_id = m.fragrance_id and d.model = current_model
                       where not m.likes and e.fragrance_id = fr.fragrance_id), 0)
           else 0 end as disliked_sim,
           (select array_agg((select nt.name from public.notes nt where nt.id = fn.note_id) order by fn.tier, fn.position)
            from public.fragrance_notes fn where fn.fragrance_id = fr.fragrance_id and fn.note_id = any (picked_ids)) as picked,
           f.family_slug = any(families) as family_match, f.name, f.family_slug, f.brand_id
    from fresh fr join public.fragrances f on f.id = fr.fragrance_id and f.deleted_at is null
  ),
  ranked as (
    select s.fragrance_id, s.name, s.brand_id, s.picked, s.family_match, s.family_slug,
           round((coalesce(s.sim, 0) - 0.5 * greatest(s.disliked_sim - 0.5, 0)
                  + 0.1 * least(coalesce(cardinality(s.picked), 0), 3) + case when s.family_match then 0.15 else 0 end)::numeric, 4)::double precision as score
    from scored s
    order by 7 desc, s.name, s.fragrance_id
    limit k
  )
  select r.fragrance_id, r.name, b.name, r.score,
         case
           when sh.liked_name is not null then format('shares %s with %s', array_to_string(sh.notes, ' and '), sh.liked_name)
           when r.picked is not null then format('has %s, which you picked', array_to_string(r.picked[1:2], ' and '))
           when r.family_match then format('a %s fragrance, as you asked', replace(r.family_slug, '-', ' '))
           else 'close to what you like'
         end
  from ranked r
  join public.brands b on b.id = r.brand_id
  -- The reason, for the page only: the liked fragrance sharing most notes with the pick, and up to
  -- two of those notes (most prominent first).
  left join lateral (
    select lf.name as liked_name, (array_agg(nt.name order by cn.tier, cn.position))[1:2] as notes
    from public.fragrance_notes cn
    join mine m on m.likes
    join public.fragrance_notes ln on ln.fragrance_id = m.fragrance_id and ln.note_id = cn.note_id
    join public.fragrances lf on lf.id = m.fragrance_id
    join public.notes nt on nt.id = cn.note_id
    where cn.fragrance_id = r.fragrance_id
    group by lf.name
    order by count(*) desc, lf.name
    limit 1
  ) sh on true
  order by r.score desc, r.name, r.fragrance_id;

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
    order by coalesce(o.owners, 0) desc, f.launch_year nulls last, f.name, f.id
    limit k;
  end if;
end;
$function$;
