-- User data: profiles (made when an auth user appears), collections,
-- onboarding answers, recommendation events, affiliate clicks and a generic
-- event log partitioned by month. Everything is owner-only under RLS; the
-- service role reads it for analytics.

create type public.collection_status as enum ('owned', 'wishlist', 'tried', 'disliked');
comment on type public.collection_status is 'Where a fragrance sits in a user''s collection.';
create type public.onboarding_step as enum ('families', 'notes', 'occasions', 'budget');
comment on type public.onboarding_step is 'Quiz steps, in the order they are asked.';
create type public.recommendation_action as enum ('impression', 'click', 'accept', 'dismiss');
comment on type public.recommendation_action is 'What a user did with a recommendation.';

/** Owner-only RLS: one permissive policy per action for authenticated on `owner_column = auth.uid()`, and full access for service_role. */
create or replace procedure private.make_user_table(tbl regclass, owner_column text default 'user_id', actions text[] default array['select', 'insert', 'update', 'delete'])
language plpgsql
set search_path = ''
as $$
declare
  action text;
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  foreach action in array actions loop
    execute format('grant %s on %s to authenticated', action, tbl);
    execute format('create policy %I on %s for %s to authenticated %s', format('owner can %s', action), tbl, action,
      case action
        when 'insert' then format('with check (%I = (select auth.uid()))', owner_column)
        when 'update' then format('using (%1$I = (select auth.uid())) with check (%1$I = (select auth.uid()))', owner_column)
        else format('using (%I = (select auth.uid()))', owner_column)
      end);
  end loop;
end;
$$;
comment on procedure private.make_user_table(regclass, text, text[]) is
  'Applies the user-data convention: RLS on; authenticated users reach only their own rows (the listed actions); anon nothing; service_role everything; updated_at maintained.';
revoke execute on procedure private.make_user_table(regclass, text, text[]) from public;

-- Profiles ------------------------------------------------------------------------------
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
insert into public.profiles (id) select id from auth.users on conflict do nothing;

-- Collections ---------------------------------------------------------------------------
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

-- Onboarding ----------------------------------------------------------------------------
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

-- Recommendation events -------------------------------------------------------------------
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

-- Affiliate clicks --------------------------------------------------------------------------
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

-- Event log (partitioned by month) ------------------------------------------------------------
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

/**
 * Creates the monthly partitions of a table partitioned by a timestamptz range, from months_back to months_ahead,
 * as private.<table>_YYYY_MM (out of the API's reach whatever the parent's schema); returns how many it made.
 */
create or replace function private.ensure_monthly_partitions(parent regclass, months_back integer default 1, months_ahead integer default 3)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  m date;
  created integer := 0;
  schema_name text;
  table_name text;
  part text;
begin
  select c.relname into table_name from pg_catalog.pg_class c where c.oid = parent;
  schema_name := 'private';
  for m in
    select generate_series(date_trunc('month', now() - make_interval(months => months_back)),
                           date_trunc('month', now() + make_interval(months => months_ahead)), interval '1 month')::date
  loop
    part := format('%s_%s', table_name, to_char(m, 'YYYY_MM'));
    if to_regclass(format('%I.%I', schema_name, part)) is null then
      execute format('create table %I.%I partition of %s for values from (%L) to (%L)', schema_name, part, parent, m, (m + interval '1 month')::date);
      execute format('comment on table %I.%I is %L', schema_name, part, format('%s of %s.', table_name, to_char(m, 'YYYY-MM')));
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;
comment on function private.ensure_monthly_partitions(regclass, integer, integer) is 'Creates missing monthly partitions private.<table>_YYYY_MM of a range-partitioned table around now; idempotent.';
revoke execute on function private.ensure_monthly_partitions(regclass, integer, integer) from public;
select private.ensure_monthly_partitions('public.events');

-- Price observations' partitions are made by the same helper now (same names, same schema).
create or replace function private.ensure_price_partitions(months_back integer default 1, months_ahead integer default 3)
returns integer
language sql
set search_path = ''
as $$ select private.ensure_monthly_partitions('private.price_observations', months_back, months_ahead) $$;

insert into private.pipelines (name, description, schedule) values
  ('event-partitions', 'Creates the monthly partitions of public.events ahead of time.', 'pg_cron event-partitions, daily 00:10')
on conflict do nothing;
/** The event-partitions step (a function without arguments, for run_pipeline). */
create or replace function private.ensure_event_partitions()
returns integer
language sql
set search_path = ''
as $$ select private.ensure_monthly_partitions('public.events') $$;
comment on function private.ensure_event_partitions() is 'Creates the monthly partitions of public.events 3 months ahead; scheduled daily.';
revoke execute on function private.ensure_event_partitions() from public;
select cron.schedule('event-partitions', '10 0 * * *', $$select private.run_pipeline('event-partitions', 'private.ensure_event_partitions')$$);

-- Audit log ---------------------------------------------------------------------------------
create table private.audit_log (
  id bigint generated always as identity primary key,
  actor uuid,
  action text not null constraint audit_log_action_format check (action ~ '^[a-z_.]+$'),
  details jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.audit_log is 'Sensitive changes: data exports, account erasures, secret rotations, settings changes. Holds no secret; an erased user''s rows lose their actor.';
comment on column private.audit_log.id is 'Entry number.';
comment on column private.audit_log.actor is 'The user who acted (null: a service or an erased account).';
comment on column private.audit_log.action is 'What happened (account.export, account.erase, webhook.secret_rotated, setting.changed).';
comment on column private.audit_log.details is 'What changed (never a secret, never the erased user''s data).';
comment on column private.audit_log.occurred_at is 'When.';
create index audit_log_actor_idx on private.audit_log (actor);
create index audit_log_occurred_at_idx on private.audit_log (occurred_at);
call private.track_updates('private.audit_log');
grant select on private.audit_log to service_role;

/** Audits changes of retailer secrets and settings (without the secret values). */
create or replace function private.audit_sensitive_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'retailer_webhooks' then
    if new.secret is distinct from old.secret or new.previous_valid_until is distinct from old.previous_valid_until then
      insert into private.audit_log (actor, action, details)
      values (auth.uid(), 'webhook.secret_rotated',
              jsonb_build_object('retailer_id', new.retailer_id, 'previous_valid_until', new.previous_valid_until, 'by', current_user));
    end if;
  elsif new.value is distinct from old.value then
    insert into private.audit_log (actor, action, details)
    values (auth.uid(), 'setting.changed', jsonb_build_object('key', new.key, 'from', old.value, 'to', new.value, 'by', current_user));
  end if;
  return null;
end;
$$;
comment on function private.audit_sensitive_change() is 'AFTER UPDATE trigger on private.retailer_webhooks and private.settings: writes private.audit_log.';
revoke execute on function private.audit_sensitive_change() from public;
create trigger audit_secret_rotation after update on private.retailer_webhooks for each row execute function private.audit_sensitive_change();
create trigger audit_setting_change after update on private.settings for each row execute function private.audit_sensitive_change();
