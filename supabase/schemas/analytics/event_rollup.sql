-- Event retention: monthly partitions of public.events older than the horizon
-- become daily counts per event name (analytics.event_daily), then go.

create table analytics.event_daily (
  day date not null,
  name text not null,
  events bigint not null constraint event_daily_events_positive check (events > 0),
  users bigint not null constraint event_daily_users_nonnegative check (users >= 0),
  sessions bigint not null constraint event_daily_sessions_nonnegative check (sessions >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (day, name)
);
comment on table analytics.event_daily is 'Grain: one row per day and event name, from event partitions older than event_retention_days (rolled up, then dropped by the event-rollup pipeline, daily).';
comment on column analytics.event_daily.day is 'The day.';
comment on column analytics.event_daily.name is 'Event name.';
comment on column analytics.event_daily.events is 'Events that day.';
comment on column analytics.event_daily.users is 'Distinct signed-in users that day.';
comment on column analytics.event_daily.sessions is 'Distinct anonymous sessions that day.';
call private.track_updates('analytics.event_daily');
grant select on analytics.event_daily to service_role;

/** Rolls every monthly partition of public.events wholly older than the retention horizon into analytics.event_daily, then drops it; returns partitions dropped. */
create or replace function private.rollup_events()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  horizon timestamptz := now() - make_interval(days => (private.setting('event_retention_days'))::int);
  part record;
  dropped integer := 0;
begin
  for part in
    select p.partition_name, p.month from private.monthly_partitions('public.events') p order by p.month
  loop
    exit when part.month + interval '1 month' > horizon;
    execute format($sql$
      insert into analytics.event_daily (day, name, events, users, sessions)
      select occurred_at::date, name, count(*), count(distinct user_id), count(distinct session_id)
      from private.%I group by 1, 2
      on conflict (day, name) do update set events = event_daily.events + excluded.events,
        users = event_daily.users + excluded.users, sessions = event_daily.sessions + excluded.sessions
      $sql$, part.partition_name);
    execute format('drop table private.%I', part.partition_name);
    dropped := dropped + 1;
  end loop;
  return dropped;
end;
$$;
comment on function private.rollup_events() is 'Aggregates event partitions older than event_retention_days into analytics.event_daily and drops them; returns partitions dropped. Scheduled daily.';
revoke execute on function private.rollup_events() from public;
