-- A generic app event log, partitioned by month (partitions in `private`, made
-- ahead by the daily event-partitions job, rolled up by analytics' event-rollup).

create table public.events (
  id bigint generated always as identity,
  user_id uuid default auth.uid() references public.profiles (id) on delete set null,
  session_id text constraint events_session_id_length check (length(session_id) between 1 and 128),
  name text not null constraint events_name_format check (name ~ '^[a-z][a-z0-9_]{0,63}$'),
  properties jsonb not null default '{}' constraint events_properties_object check (jsonb_typeof(properties) = 'object')
    constraint events_properties_size check (octet_length(properties::text) <= 4096),
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
-- Anonymous visitors log events too (offer impressions count for click-through rates), never as a
-- user, and always under their session id (what their rate limit counts).
grant insert on public.events to anon;
create policy "anon can insert anonymous events" on public.events for insert to anon with check (user_id is null and session_id is not null);

/**
 * BEFORE INSERT on events, for API roles: counts each row against its session's (anon) or user's
 * per-minute limit, and all anonymous events against one more; PT429 over either.
 */
create or replace function private.limit_event_rate()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user = 'anon' and new.session_id is not null then
    perform private.take_rate_limit('events:session:' || new.session_id, 'events_per_minute_per_session');
    perform private.take_rate_limit('events:anon', 'anonymous_events_per_minute');
  elsif current_user = 'authenticated' then
    perform private.take_rate_limit('events:user:' || coalesce(new.user_id, auth.uid())::text, 'events_per_minute_per_user');
  end if;
  return new;
end;
$$;
comment on function private.limit_event_rate() is 'Trigger: anon and authenticated events count against their per-minute limits (settings events_per_minute_*).';
revoke execute on function private.limit_event_rate() from public;
create trigger limit_event_rate before insert on public.events for each row execute function private.limit_event_rate();
/** The event-partitions step (a function without arguments, for run_pipeline). */
create or replace function private.ensure_event_partitions()
returns integer
language sql
set search_path = ''
as $$ select private.ensure_monthly_partitions('public.events') $$;
comment on function private.ensure_event_partitions() is 'Creates the monthly partitions of public.events 3 months ahead; scheduled daily.';
revoke execute on function private.ensure_event_partitions() from public;
select private.ensure_event_partitions();
