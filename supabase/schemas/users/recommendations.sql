-- Recommendations: what a user was shown and did with it, recommend_for_me
-- (with a reason per pick) and the feedback RPC.

create table public.recommendation_events (
  id bigint generated always as identity primary key,
  user_id uuid references public.profiles (id) on delete set null,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  action public.recommendation_action not null,
  context jsonb not null default '{}' constraint recommendation_events_context_object check (jsonb_typeof(context) = 'object'),
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.recommendation_events is 'Impressions, clicks, accepts and dismisses of recommendations; user_id is nulled when the account is erased (the counts stay).';
comment on column public.recommendation_events.id is 'Event number.';
comment on column public.recommendation_events.user_id is 'Who (null once the account is erased).';
comment on column public.recommendation_events.fragrance_id is 'The recommended fragrance.';
comment on column public.recommendation_events.action is 'impression, click, accept or dismiss.';
comment on column public.recommendation_events.context is 'Where it was shown (surface, position, reason).';
comment on column public.recommendation_events.occurred_at is 'When it happened.';
create index recommendation_events_user_id_idx on public.recommendation_events (user_id);
create index recommendation_events_fragrance_id_idx on public.recommendation_events (fragrance_id);
create index recommendation_events_occurred_at_idx on public.recommendation_events (occurred_at);
call private.make_user_table('public.recommendation_events', 'user_id', array['select']);



/** What a user's recommendations start from: their collection, tastes and onboarding answers. */
create type private.taste as (
  collection uuid[],              -- every fragrance in their collection (never recommended)
  liked_ids uuid[],               -- the liked ones: owned, wishlist or tried, rated 3+ or unrated
  liked extensions.vector,        -- the centroid of the liked ones' embeddings
  disliked extensions.vector[],   -- the embeddings of the disliked ones (status disliked, or rated 1-2)
  families text[],                -- the families they asked for
  picked_notes uuid[]             -- the notes they picked
);

/** A fragrance considered for a user, and what its score is made of. */
create type private.recommendation as (
  fragrance_id uuid,
  name text,
  brand_id uuid,
  family_slug text,
  sim double precision,           -- closeness to the liked centroid (the 200 nearest only, else null)
  picked integer,                 -- how many of the picked notes it has (in any tier)
  family_match boolean,           -- in a family they asked for
  score double precision
);

/** The caller's taste in the embeddings of `model` (private.taste). */
create or replace function private.taste_of(me uuid, model text)
returns private.taste
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function private.taste_of(uuid, text) is 'A user''s collection, liked centroid, dislikes and onboarding answers, as recommendations read them.';

/**
 * A recommendation's score: closeness to the liked centroid, minus half of any closeness to a
 * dislike above 0.5, plus 0.1 a picked note (up to three) and 0.15 for an asked family, rounded to
 * 4 places. With no dislike's closeness it is the most a fragrance can score.
 */
create or replace function private.recommendation_score(
  sim double precision, disliked_sim double precision, picked integer, family_match boolean
)
returns double precision
language plpgsql
immutable
set search_path = ''
as $$
begin
  return round((coalesce(sim, 0) - 0.5 * greatest(disliked_sim - 0.5, 0) + 0.1 * least(picked, 3)
                + case when family_match then 0.15 else 0 end)::numeric, 4)::double precision;
end;
$$;
comment on function private.recommendation_score(double precision, double precision, integer, boolean) is
  'The score of a recommendation from its closeness to the liked centroid, closeness to a dislike, picked notes and family.';

/** The closest `embedding` comes to any of `disliked` (cosine similarity), 0 without either. */
create or replace function private.closeness_to_dislikes(embedding extensions.vector, disliked extensions.vector[])
returns double precision
language sql
immutable
set search_path = ''
as $$
  select coalesce(max(1 - (embedding operator(extensions.<=>) d)), 0) from unnest(disliked) d
$$;
comment on function private.closeness_to_dislikes(extensions.vector, extensions.vector[]) is
  'The highest cosine similarity of an embedding to the disliked ones; 0 when there is none.';

/** The 200 fragrances nearest the liked centroid, scored, leaving out the collection and deleted ones. */
create or replace function private.recommendations_near(t private.taste, model text)
returns setof private.recommendation
language plpgsql
stable
set search_path = ''
set hnsw.ef_search = 200  -- (the index answers at most ef_search rows: 40 by default)
as $$
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
$$;
comment on function private.recommendations_near(private.taste, text) is 'The fragrances nearest a user''s liked centroid, scored (private.recommendation).';

/**
 * The first k of the fragrances the onboarding answers name (in an asked family, or with a picked
 * note), scored; `ahead` are the ones already scored (private.recommendations_near), left out here.
 * What a candidate can score at most (its ceiling) depends only on its picked notes and family, so
 * the k with the highest ceilings are scored first, and the k-th best score so far is a bar the
 * others must reach to be scored at all: a user who asked for a family and two notes has ~15,000
 * candidates at 100k fragrances, and most of them fall under the bar.
 */
create or replace function private.recommendations_from_answers(t private.taste, model text, k integer, ahead private.recommendation[])
returns setof private.recommendation
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function private.recommendations_from_answers(private.taste, text, integer, private.recommendation[]) is
  'The first k fragrances a user''s onboarding answers name, scored (private.recommendation), leaving out the ones already scored.';

/**
 * A new user's recommendations (nothing liked, no answers): what most users own, then well-known
 * fragrances (the earliest launched first), leaving out `collection`. The owned ones are read from
 * the kept counts, most owned first (private.fragrance_owners), and the ones nobody owns in launch
 * order from an index: k of each at most (and the ties of the k-th), however many users and
 * fragrances there are.
 */
create or replace function private.recommendations_cold_start(collection uuid[], k integer)
returns table (fragrance_id uuid, name text, brand text, score double precision, reason text)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
  with firsts as (
    (select f.id, f.name, f.brand_id, f.launch_year, o.owners
     from private.fragrance_owners o join public.fragrances f on f.id = o.fragrance_id and f.deleted_at is null
     where f.id <> all (collection)
     order by o.owners desc, f.launch_year nulls last, f.name, f.id
     limit k)
    union all
    (select f.id, f.name, f.brand_id, f.launch_year, 0
     from public.fragrances f
     where f.deleted_at is null and f.id <> all (collection) and not exists (select from private.fragrance_owners o where o.fragrance_id = f.id)
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
$$;
comment on function private.recommendations_cold_start(uuid[], integer) is
  'The first k recommendations for a user with nothing liked and no answers: the most-owned fragrances, then the earliest launched.';

/**
 * Recommendations for the caller, best first (private.recommendation_score): the 200 fragrances
 * nearest the centroid of what they like, and the ones their onboarding answers name (read only
 * when they can outscore the k-th nearest). Never a fragrance already in the collection. Cold
 * start (nothing liked, no answers): the most-owned fragrances. Equal scores go by name, then id,
 * so a page is the same on every call. The reason is built for the page only.
 */
create or replace function private.recommend_for_me(k integer)
returns table (fragrance_id uuid, name text, brand text, score double precision, reason text)
language plpgsql
stable
security definer
set search_path = ''
set jit = off  -- (at 100k fragrances the query's estimate passed the JIT threshold: compiling took longer than running)
as $$
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
$$;
comment on function private.recommend_for_me(integer) is 'Recommendations for auth.uid() (see public.recommend_for_me).';
revoke execute on function private.recommend_for_me(integer) from public;
revoke execute on function private.taste_of(uuid, text), private.recommendation_score(double precision, double precision, integer, boolean),
  private.closeness_to_dislikes(extensions.vector, extensions.vector[]), private.recommendations_near(private.taste, text),
  private.recommendations_from_answers(private.taste, text, integer, private.recommendation[]),
  private.recommendations_cold_start(uuid[], integer) from public;
grant execute on function private.recommend_for_me(integer) to authenticated;

create or replace function public.recommend_for_me(k integer default 10)
returns table (fragrance_id uuid, name text, brand text, score double precision, reason text)
language sql
stable
set search_path = ''
as $$ select * from private.recommend_for_me(k) $$;
comment on function public.recommend_for_me(integer) is
  'Up to k (1-100) fragrances for the signed-in caller, best first, each with a short reason; never one already in their collection. From liked and disliked fragrances'' embeddings and onboarding answers; most-owned fragrances for a new user.';
revoke execute on function public.recommend_for_me(integer) from public, anon;
grant execute on function public.recommend_for_me(integer) to authenticated;

create or replace function public.record_recommendation_feedback(
  fragrance_id uuid, action public.recommendation_action, context jsonb default '{}'
)
returns bigint
language sql
set search_path = ''
as $$
  insert into public.recommendation_events (user_id, fragrance_id, action, context)
  values (private.require_user(), fragrance_id, action, coalesce(context, '{}'))
  returning id
$$;
comment on function public.record_recommendation_feedback(uuid, public.recommendation_action, jsonb) is
  'Records an impression, click, accept or dismiss of a recommendation by the signed-in caller; returns the event id.';
revoke execute on function public.record_recommendation_feedback(uuid, public.recommendation_action, jsonb) from public, anon;
grant execute on function public.record_recommendation_feedback(uuid, public.recommendation_action, jsonb) to authenticated;
grant execute on function private.require_user() to authenticated;
-- The insert runs as the caller: it needs the privilege, and RLS checks the owner.
grant insert on public.recommendation_events to authenticated;
create policy "owner can insert" on public.recommendation_events for insert to authenticated with check (user_id = (select auth.uid()));
