-- Baseline, users: profiles, collections, onboarding, recommendations, affiliate clicks, events, GDPR export and erase.
-- The concatenation of supabase/schemas/users/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/users/types.sql ==========

-- User data vocabulary. User data (profiles, collections, onboarding answers,
-- recommendation events, affiliate clicks, events) is owner-only under RLS
-- (private.make_user_table); the service role reads it for analytics.

create type public.collection_status as enum ('owned', 'wishlist', 'tried', 'disliked');
comment on type public.collection_status is 'Where a fragrance sits in a user''s collection.';
create type public.onboarding_step as enum ('families', 'notes', 'occasions', 'budget');
comment on type public.onboarding_step is 'Quiz steps, in the order they are asked.';
create type public.recommendation_action as enum ('impression', 'click', 'accept', 'dismiss');
comment on type public.recommendation_action is 'What a user did with a recommendation.';

-- ========== supabase/schemas/users/profiles.sql ==========

-- Profiles, made when an auth user appears, and private.require_user(), which
-- every user RPC calls first.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text constraint profiles_display_name_length check (length(display_name) between 1 and 80),
  home_currency text not null default 'EUR' references public.currencies (code),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'One per auth user, created by a trigger on auth.users; the owner reads and edits it.';
comment on column public.profiles.id is 'The auth user''s id.';
comment on column public.profiles.display_name is 'Name shown in the app (optional).';
comment on column public.profiles.home_currency is 'Currency prices are shown in.';
create index profiles_home_currency_idx on public.profiles (home_currency);
call private.make_user_table('public.profiles', 'id', array['select', 'update']);

/** Creates the profile of a new auth user (security definer: the auth service inserts users, not the project's roles). */
create or replace function private.create_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, display_name)
  values (new.id, nullif(left(btrim(coalesce(new.raw_user_meta_data ->> 'display_name', new.raw_user_meta_data ->> 'name', '')), 80), ''))
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.create_profile() is 'AFTER INSERT trigger on auth.users: creates the public.profiles row.';
revoke execute on function private.create_profile() from public;
create trigger create_profile after insert on auth.users for each row execute function private.create_profile();

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

-- ========== supabase/schemas/users/collections.sql ==========

-- Collections: a user's fragrances as owned, wishlist, tried or disliked, with ratings.

create table public.collection_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  status public.collection_status not null,
  rating smallint constraint collection_entries_rating_range check (rating between 1 and 5),
  note text constraint collection_entries_note_length check (length(note) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint collection_entries_one_per_fragrance unique (user_id, fragrance_id)
);
comment on table public.collection_entries is 'A fragrance in a user''s collection: owned, wishlist, tried or disliked, with an optional rating and note.';
comment on column public.collection_entries.id is 'Public identifier.';
comment on column public.collection_entries.user_id is 'Owner (defaults to the caller).';
comment on column public.collection_entries.fragrance_id is 'The fragrance.';
comment on column public.collection_entries.status is 'owned, wishlist, tried or disliked.';
comment on column public.collection_entries.rating is 'Rating 1 to 5 (optional).';
comment on column public.collection_entries.note is 'Free note, up to 2,000 characters.';
create index collection_entries_fragrance_id_idx on public.collection_entries (fragrance_id);
call private.make_user_table('public.collection_entries');

-- ========== supabase/schemas/users/onboarding.sql ==========

-- Onboarding quiz answers, one row per user and step.

create table public.onboarding_answers (
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  step public.onboarding_step not null,
  answer jsonb not null,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, step),
  constraint onboarding_answers_shape check (case step
    when 'families' then jsonb_typeof(answer -> 'families') = 'array'
    when 'notes' then jsonb_typeof(answer -> 'notes') = 'array'
    when 'occasions' then jsonb_typeof(answer -> 'occasions') = 'array'
    when 'budget' then jsonb_typeof(answer -> 'max_price') = 'number' and (answer -> 'max_price')::numeric > 0
                       and coalesce(answer ->> 'currency', 'EUR') ~ '^[A-Z]{3}$'
  end)
);
comment on table public.onboarding_answers is 'Quiz answers, one row per step: {"families": [slug]}, {"notes": [slug]}, {"occasions": [text]}, {"max_price": n, "currency": "EUR"}.';
comment on column public.onboarding_answers.user_id is 'Owner (defaults to the caller).';
comment on column public.onboarding_answers.step is 'Quiz step.';
comment on column public.onboarding_answers.answer is 'The answer; its shape depends on the step (checked).';
comment on column public.onboarding_answers.completed_at is 'When the step was completed (null: seen, not finished).';
call private.make_user_table('public.onboarding_answers');

-- ========== supabase/schemas/users/recommendations.sql ==========

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

-- ========== supabase/schemas/users/affiliate_clicks.sql ==========

-- Affiliate clicks: every click on an offer (anon too), and the RPC that records
-- one and answers the retailer URL with the network's click id.

create table public.affiliate_clicks (
  id uuid primary key default gen_random_uuid(),
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  user_id uuid references public.profiles (id) on delete set null,
  session_id text constraint affiliate_clicks_session_id_length check (length(session_id) between 1 and 128),
  referrer text constraint affiliate_clicks_referrer_format check (referrer ~ '^https?://' and length(referrer) <= 2048),
  redirect_url text not null,
  clicked_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.affiliate_clicks is 'One row per click out to a retailer; the id is the click id sent to the affiliate network. Written by track_affiliate_click only.';
comment on column public.affiliate_clicks.id is 'Click id, passed to the network (clickref, sid, u1, subId1).';
comment on column public.affiliate_clicks.listing_id is 'The listing clicked.';
comment on column public.affiliate_clicks.retailer_id is 'Its retailer. Denormalized: from retailer_listings.retailer_id, for per-retailer analytics without a join.';
comment on column public.affiliate_clicks.user_id is 'Signed-in user (null for anonymous clicks and once the account is erased).';
comment on column public.affiliate_clicks.session_id is 'The app''s anonymous session id (nulled when the account is erased).';
comment on column public.affiliate_clicks.referrer is 'Page the click came from.';
comment on column public.affiliate_clicks.redirect_url is 'Where the user was sent, with the click id.';
comment on column public.affiliate_clicks.clicked_at is 'When.';
create index affiliate_clicks_listing_id_idx on public.affiliate_clicks (listing_id);
create index affiliate_clicks_retailer_id_idx on public.affiliate_clicks (retailer_id, clicked_at);
create index affiliate_clicks_user_id_idx on public.affiliate_clicks (user_id);
create index affiliate_clicks_clicked_at_idx on public.affiliate_clicks (clicked_at);
call private.make_user_table('public.affiliate_clicks', 'user_id', array['select']);



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

-- ========== supabase/schemas/users/events.sql ==========

-- A generic app event log, partitioned by month (partitions in `private`, made
-- ahead by the daily event-partitions job, rolled up by analytics' event-rollup).

create table public.events (
  id bigint generated always as identity,
  user_id uuid default auth.uid() references public.profiles (id) on delete set null,
  session_id text constraint events_session_id_length check (length(session_id) between 1 and 128),
  name text not null constraint events_name_format check (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  properties jsonb not null default '{}' constraint events_properties_object check (jsonb_typeof(properties) = 'object'),
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, occurred_at)
) partition by range (occurred_at);
comment on table public.events is 'Generic app events (name + properties), partitioned by month; rolled up into analytics.event_daily and dropped after event_retention_days.';
comment on column public.events.id is 'Event number.';
comment on column public.events.user_id is 'Signed-in user (defaults to the caller; null once the account is erased).';
comment on column public.events.session_id is 'Anonymous session id (nulled when the account is erased).';
comment on column public.events.name is 'Event name, snake_case (e.g. offer_impression, search, onboarding_step_viewed).';
comment on column public.events.properties is 'Event properties (e.g. {"retailer_id": ..., "listing_id": ...}).';
comment on column public.events.occurred_at is 'When it happened; the partition key.';
create index events_user_id_idx on public.events (user_id);
create index events_name_occurred_at_idx on public.events (name, occurred_at);
-- Partitions live in `private`, out of the API's reach: only the parent, under RLS, is exposed.
create table private.events_default partition of public.events default;
comment on table private.events_default is 'Events outside every monthly partition (should stay empty).';
call private.make_user_table('public.events', 'user_id', array['select', 'insert']);
-- Anonymous visitors log events too (offer impressions count for click-through rates), never as a user.
grant insert on public.events to anon;
create policy "anon can insert anonymous events" on public.events for insert to anon with check (user_id is null);
/** The event-partitions step (a function without arguments, for run_pipeline). */
create or replace function private.ensure_event_partitions()
returns integer
language sql
set search_path = ''
as $$ select private.ensure_monthly_partitions('public.events') $$;
comment on function private.ensure_event_partitions() is 'Creates the monthly partitions of public.events 3 months ahead; scheduled daily.';
revoke execute on function private.ensure_event_partitions() from public;
select private.ensure_event_partitions();

-- ========== supabase/schemas/users/gdpr.sql ==========

-- GDPR: export everything that names the caller, and erase it. Security
-- definer helpers in `private` behind thin public wrappers; each acts only for auth.uid().


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

-- ========== supabase/schemas/users/data.sql ==========

-- Rows user data needs: the event-partitions pipeline and its job. `supabase db diff` does not see rows: a change here goes into its
-- migration by hand (the schema-equality test in npm test fails until it does).

insert into private.pipelines (name, description, schedule) values
  ('event-partitions', 'Creates the monthly partitions of public.events ahead of time.', 'pg_cron event-partitions, daily 00:10')
on conflict do nothing;
select cron.schedule('event-partitions', '10 0 * * *', $$select private.run_pipeline('event-partitions', 'private.ensure_event_partitions')$$);

-- Every auth user has a profile (a project that had users before this schema gets theirs here).
insert into public.profiles (id) select id from auth.users on conflict do nothing;
