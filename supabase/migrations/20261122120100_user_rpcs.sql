-- The frontend's user RPCs: recommendations with a reason, recommendation
-- feedback, affiliate click tracking (anon too), and the GDPR pair: export
-- everything, erase everything that names the caller. The ones that read
-- settings or write where the caller may not are security definer helpers in
-- `private` behind thin public wrappers; each acts only for auth.uid().

-- API roles may call the private helpers granted to them below, and nothing else in `private`.
grant usage on schema private to anon, authenticated;

/** The caller's user id, or 42501 when the request is not signed in. */
create or replace function private.require_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'sign in first: this needs an authenticated user' using errcode = '42501';
  end if;
  return auth.uid();
end;
$$;
comment on function private.require_user() is 'auth.uid(), or raises 42501 when there is none.';
revoke execute on function private.require_user() from public;

-- Recommendations ------------------------------------------------------------------------------

/**
 * Recommendations for the caller. Taste = the centroid of the embeddings of
 * liked fragrances (owned, wishlist, tried; rated 3+ or unrated) minus a
 * penalty for closeness to disliked ones (status disliked or rated 1-2),
 * plus onboarding's preferred families and notes. Never returns a fragrance
 * already in the collection. Cold start (nothing liked, no answers): the
 * most-owned fragrances.
 */
create or replace function private.recommend_for_me(k integer)
returns table (fragrance_id uuid, name text, brand text, score double precision, reason text)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function private.recommend_for_me(integer) is 'Recommendations for auth.uid() (see public.recommend_for_me).';
revoke execute on function private.recommend_for_me(integer) from public;
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

-- Affiliate clicks ----------------------------------------------------------------------------------

/** A URL with one more query parameter (before any #fragment). */
create or replace function private.with_query_param(url text, param text, value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when position('#' in url) > 0
              then private.with_query_param(split_part(url, '#', 1), param, value) || '#' || substr(url, position('#' in url) + 1)
              else url || case when position('?' in url) > 0 then '&' else '?' end || param || '=' || value end
$$;
comment on function private.with_query_param(text, text, text) is 'Appends param=value to a URL''s query string (value must be URL-safe).';
revoke execute on function private.with_query_param(text, text, text) from public;

/** Records a click out to a retailer and returns the redirect URL carrying the click id (security definer: anon may not write clicks directly). */
create or replace function private.track_affiliate_click(listing_id uuid, session_id text, referrer text)
returns table (click_id uuid, redirect_url text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target record;
  click uuid := gen_random_uuid();
  url text;
begin
  if session_id is not null and length(session_id) not between 1 and 128 then
    raise exception 'session_id must be 1 to 128 characters' using errcode = '22023';
  end if;
  if referrer is not null and (referrer !~ '^https?://' or length(referrer) > 2048) then
    raise exception 'referrer must be an http(s) URL of at most 2048 characters' using errcode = '22023';
  end if;
  select l.id, l.retailer_id, coalesce(l.affiliate_url, l.url) as url, r.affiliate_network into target
  from public.retailer_listings l join public.retailers r on r.id = l.retailer_id
  where l.id = track_affiliate_click.listing_id and r.active and l.status = 'matched';
  if not found then
    raise exception 'no active listing %', listing_id using errcode = 'P0002';
  end if;
  url := case target.affiliate_network
    when 'awin' then private.with_query_param(target.url, 'clickref', click::text)
    when 'cj' then private.with_query_param(target.url, 'sid', click::text)
    when 'rakuten' then private.with_query_param(target.url, 'u1', click::text)
    when 'impact' then private.with_query_param(target.url, 'subId1', click::text)
    else target.url
  end;
  insert into public.affiliate_clicks (id, listing_id, retailer_id, user_id, session_id, referrer, redirect_url)
  values (click, target.id, target.retailer_id,
          (select p.id from public.profiles p where p.id = auth.uid()), session_id, referrer, url);
  return query select click, url;
end;
$$;
comment on function private.track_affiliate_click(uuid, text, text) is 'Records an affiliate click (see public.track_affiliate_click).';
revoke execute on function private.track_affiliate_click(uuid, text, text) from public;
grant execute on function private.track_affiliate_click(uuid, text, text) to anon, authenticated;

create or replace function public.track_affiliate_click(listing_id uuid, session_id text default null, referrer text default null)
returns table (click_id uuid, redirect_url text)
language sql
set search_path = ''
as $$ select * from private.track_affiliate_click(listing_id, session_id, referrer) $$;
comment on function public.track_affiliate_click(uuid, text, text) is
  'Records a click on a listing (signed in or anonymous, with the app''s session id) and returns the URL to redirect to, carrying the click id in the network''s sub-id parameter: Awin clickref, CJ sid, Rakuten u1, Impact subId1.';
grant execute on function public.track_affiliate_click(uuid, text, text) to anon, authenticated;

-- GDPR: export and erase ---------------------------------------------------------------------------

/** Everything ScentMatch holds about the caller, as one JSON document; the export is audited. */
create or replace function private.export_my_data()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  doc jsonb;
begin
  select jsonb_build_object(
    'exported_at', now(),
    'user', (select jsonb_build_object('id', u.id, 'email', u.email, 'phone', u.phone, 'created_at', u.created_at,
                                       'user_metadata', u.raw_user_meta_data) from auth.users u where u.id = me),
    'profile', (select to_jsonb(p) from public.profiles p where p.id = me),
    'collection', coalesce((select jsonb_agg(to_jsonb(c) order by c.created_at) from public.collection_entries c where c.user_id = me), '[]'),
    'onboarding', coalesce((select jsonb_agg(to_jsonb(a) order by a.step) from public.onboarding_answers a where a.user_id = me), '[]'),
    'recommendation_events', coalesce((select jsonb_agg(to_jsonb(r) order by r.id) from public.recommendation_events r where r.user_id = me), '[]'),
    'affiliate_clicks', coalesce((select jsonb_agg(to_jsonb(a) order by a.clicked_at) from public.affiliate_clicks a where a.user_id = me), '[]'),
    'events', coalesce((select jsonb_agg(to_jsonb(e) order by e.occurred_at, e.id) from public.events e where e.user_id = me), '[]'),
    'searches', coalesce((select jsonb_agg(jsonb_build_object('query', s.query, 'filters', s.filters, 'searched_at', s.created_at) order by s.id)
                          from private.search_queries s where s.user_id = me), '[]'),
    'audit_log', coalesce((select jsonb_agg(jsonb_build_object('action', l.action, 'occurred_at', l.occurred_at) order by l.id)
                           from private.audit_log l where l.actor = me), '[]'))
  into doc;
  insert into private.audit_log (actor, action) values (me, 'account.export');
  return doc;
end;
$$;
comment on function private.export_my_data() is 'GDPR export for auth.uid() (see public.export_my_data).';
revoke execute on function private.export_my_data() from public;
grant execute on function private.export_my_data() to authenticated;

create or replace function public.export_my_data()
returns jsonb
language sql
set search_path = ''
as $$ select private.export_my_data() $$;
comment on function public.export_my_data() is
  'All of the signed-in caller''s data as one JSON document: account, profile, collection, onboarding, recommendation events, affiliate clicks, events, searches, audit entries.';
revoke execute on function public.export_my_data() from public, anon;
grant execute on function public.export_my_data() to authenticated;

/**
 * Erases the caller: deletes what is theirs alone (profile, collection,
 * onboarding, the auth user) and anonymizes what feeds aggregates
 * (recommendation events, clicks, events, searches, audit entries keep
 * their counts but lose user and session). Audited without naming them.
 */
create or replace function private.erase_my_account()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  sessions text[];
  counts jsonb;
begin
  -- Anonymous sessions the user was seen in also identify them.
  select array(select distinct s from (
           select a.session_id as s from public.affiliate_clicks a where a.user_id = me
           union select e.session_id from public.events e where e.user_id = me) x where s is not null)
  into sessions;
  with rec as (update public.recommendation_events set user_id = null, context = context - 'session_id' where user_id = me returning 1),
  clicks as (update public.affiliate_clicks set user_id = null, session_id = null
             where user_id = me or session_id = any(sessions) returning 1),
  ev as (update public.events set user_id = null, session_id = null where user_id = me or session_id = any(sessions) returning 1),
  searches as (update private.search_queries set user_id = null where user_id = me returning 1),
  audit as (update private.audit_log set actor = null where actor = me returning 1)
  select jsonb_build_object('recommendation_events', (select count(*) from rec), 'affiliate_clicks', (select count(*) from clicks),
                            'events', (select count(*) from ev), 'searches', (select count(*) from searches),
                            'audit_entries', (select count(*) from audit))
  into counts;
  counts := counts || jsonb_build_object(
    'collection_entries', (select count(*) from public.collection_entries where user_id = me),
    'onboarding_answers', (select count(*) from public.onboarding_answers where user_id = me));
  delete from auth.users where id = me; -- cascades to the profile, collection and onboarding answers
  insert into private.audit_log (actor, action, details) values (null, 'account.erase', jsonb_build_object('anonymized_and_deleted', counts));
  return counts;
end;
$$;
comment on function private.erase_my_account() is 'GDPR erasure of auth.uid() (see public.erase_my_account).';
revoke execute on function private.erase_my_account() from public;
grant execute on function private.erase_my_account() to authenticated;

create or replace function public.erase_my_account()
returns jsonb
language sql
set search_path = ''
as $$ select private.erase_my_account() $$;
comment on function public.erase_my_account() is
  'Erases the signed-in caller''s account: deletes their profile, collection, onboarding answers and auth user; anonymizes their events, clicks, recommendation feedback and searches (aggregates stay). Returns the counts. Irreversible.';
revoke execute on function public.erase_my_account() from public, anon;
grant execute on function public.erase_my_account() to authenticated;
