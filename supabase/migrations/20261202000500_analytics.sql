-- Baseline, analytics: the analytics schema, its materialized views, the star schema, event retention, dashboard RPCs.
-- The concatenation of supabase/schemas/analytics/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/analytics/refresh.sql ==========

-- The analytics schema: materialized views, not exposed, each with a unique
-- index so pg_cron refreshes it CONCURRENTLY through
-- private.refresh_materialized_view (below; it records the refresh as an
-- mv-refresh run: the view's "last refreshed"); a small star schema for
-- reporting; service_role dashboard RPCs in public. Grain and refresh of each
-- view are in its comment and in docs/ANALYTICS.md.

create schema if not exists analytics;
comment on schema analytics is 'Materialized views and the reporting star schema; not exposed, read through service_role RPCs.';
revoke all on schema analytics from public;
grant usage on schema analytics to service_role;

/** Refreshes a materialized view (concurrently when it has a unique index and data) and records the run. */
create or replace function private.refresh_materialized_view(view regclass)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  started timestamptz := clock_timestamp();
  concurrent boolean;
  message text;
  row_count bigint;
begin
  select m.ispopulated and exists (
           select from pg_catalog.pg_index i
           where i.indrelid = view and i.indisunique and i.indpred is null and i.indexprs is null)
  into concurrent
  from pg_catalog.pg_matviews m
  where format('%I.%I', m.schemaname, m.matviewname)::regclass = view;
  if concurrent is null then
    raise exception '% is not a materialized view', view using errcode = '22023';
  end if;
  begin
    execute format('refresh materialized view %s %s', case when concurrent then 'concurrently' else '' end, view);
    execute format('select count(*) from %s', view) into row_count;
  exception when others then
    get stacked diagnostics message = message_text;
    perform private.record_pipeline_run('mv-refresh', started, null, null, null, message, '{}', view::text);
    return jsonb_build_object('status', 'failed', 'view', view::text, 'error', message);
  end;
  perform private.record_pipeline_run('mv-refresh', started, null, row_count, 0, null,
                                      jsonb_build_object('concurrently', concurrent), view::text);
  return jsonb_build_object('status', 'succeeded', 'view', view::text, 'rows', row_count, 'concurrently', concurrent);
end;
$$;
comment on function private.refresh_materialized_view(regclass) is
  'Refreshes a materialized view (CONCURRENTLY when it has a unique index and is populated) and records an mv-refresh run with the view as subject; a failure is recorded and returned.';
revoke execute on function private.refresh_materialized_view(regclass) from public;
grant execute on function private.refresh_materialized_view(regclass) to service_role;

-- ========== supabase/schemas/analytics/product_metrics.sql ==========

-- Product metrics: materialized views over user data and prices, refreshed by
-- pg_cron (schedules in analytics/data.sql). Grain and refresh of each view
-- are in its comment and in docs/ANALYTICS.md.

create materialized view analytics.recommendation_daily as
select occurred_at::date as day,
       count(*) filter (where action = 'impression') as impressions,
       count(*) filter (where action = 'click') as clicks,
       count(*) filter (where action = 'accept') as accepts,
       count(*) filter (where action = 'dismiss') as dismisses,
       round(count(*) filter (where action = 'accept')::numeric / nullif(count(*) filter (where action = 'impression'), 0), 4) as acceptance_rate,
       count(distinct user_id) as users
from public.recommendation_events
group by 1;
comment on materialized view analytics.recommendation_daily is 'Grain: one row per day. Recommendation impressions, clicks, accepts, dismisses, acceptance rate (accepts / impressions), distinct users. Refreshed hourly.';
create unique index recommendation_daily_day_idx on analytics.recommendation_daily (day);
grant select on analytics.recommendation_daily to service_role;

create materialized view analytics.affiliate_ctr_daily as
with impressions as (
  select occurred_at::date as day, (properties ->> 'retailer_id')::uuid as retailer_id, count(*) as impressions
  from public.events
  where name = 'offer_impression' and properties ->> 'retailer_id' ~ '^[0-9a-f-]{36}$'
  group by 1, 2
),
clicks as (
  select clicked_at::date as day, retailer_id, count(*) as clicks, count(distinct coalesce(user_id::text, session_id)) as clickers
  from public.affiliate_clicks
  group by 1, 2
)
select coalesce(i.day, c.day) as day, coalesce(i.retailer_id, c.retailer_id) as retailer_id,
       coalesce(i.impressions, 0) as impressions, coalesce(c.clicks, 0) as clicks, coalesce(c.clickers, 0) as clickers,
       round(coalesce(c.clicks, 0)::numeric / nullif(i.impressions, 0), 4) as ctr
from impressions i full join clicks c on c.day = i.day and c.retailer_id = i.retailer_id;
comment on materialized view analytics.affiliate_ctr_daily is 'Grain: one row per day and retailer. Offer impressions (events named offer_impression with properties.retailer_id), affiliate clicks, distinct clickers, CTR = clicks / impressions. Refreshed hourly.';
create unique index affiliate_ctr_daily_key_idx on analytics.affiliate_ctr_daily (day, retailer_id);
grant select on analytics.affiliate_ctr_daily to service_role;

create materialized view analytics.onboarding_funnel as
with steps as (
  select s.step, s.position from unnest(enum_range(null::public.onboarding_step)) with ordinality as s(step, position)
),
counts as (
  select st.step, st.position,
         count(a.user_id) as started,
         count(a.user_id) filter (where a.completed_at is not null) as completed
  from steps st left join public.onboarding_answers a on a.step = st.step
  group by st.step, st.position
)
select step, position, started, completed,
       round(completed::numeric / nullif(started, 0), 4) as completion_rate,
       round(completed::numeric / nullif(lag(completed) over (order by position), 0), 4) as conversion_from_previous
from counts;
comment on materialized view analytics.onboarding_funnel is 'Grain: one row per quiz step. Users who started and completed it, completion rate, and step-to-step conversion (completed / completed of the previous step). Refreshed hourly.';
create unique index onboarding_funnel_step_idx on analytics.onboarding_funnel (step);
grant select on analytics.onboarding_funnel to service_role;

create materialized view analytics.collection_pairs as
select a.fragrance_id as fragrance_a, b.fragrance_id as fragrance_b, count(*) as owners
from public.collection_entries a
join public.collection_entries b on b.user_id = a.user_id and b.fragrance_id > a.fragrance_id and b.status = 'owned'
where a.status = 'owned'
group by 1, 2
having count(*) >= 2;
comment on materialized view analytics.collection_pairs is 'Grain: one row per pair of fragrances (fragrance_a < fragrance_b) owned together by at least two users. Refreshed daily.';
create unique index collection_pairs_key_idx on analytics.collection_pairs (fragrance_a, fragrance_b);
grant select on analytics.collection_pairs to service_role;
create index collection_pairs_owners_idx on analytics.collection_pairs (owners desc);

create materialized view analytics.family_affinity as
with owner_families as (
  select distinct c.user_id, f.family_slug
  from public.collection_entries c join public.fragrances f on f.id = c.fragrance_id
  where c.status = 'owned' and f.family_slug is not null
),
totals as (select count(distinct user_id)::numeric as owners from owner_families),
per_family as (select family_slug, count(*) as users from owner_families group by 1)
select a.family_slug as family_a, b.family_slug as family_b, count(*) as users,
       round(count(*) * t.owners / (pa.users * pb.users), 4) as lift
from owner_families a
join owner_families b on b.user_id = a.user_id and b.family_slug >= a.family_slug
join per_family pa on pa.family_slug = a.family_slug
join per_family pb on pb.family_slug = b.family_slug
cross join totals t
group by a.family_slug, b.family_slug, t.owners, pa.users, pb.users;
comment on materialized view analytics.family_affinity is 'Grain: one row per pair of olfactive families (family_a <= family_b; equal = the family itself). Owners of both, and lift = P(both) / (P(a) P(b)) over users who own anything. Refreshed daily.';
create unique index family_affinity_key_idx on analytics.family_affinity (family_a, family_b);
grant select on analytics.family_affinity to service_role;

create materialized view analytics.price_index_daily as
select o.observed_at::date as day, v.fragrance_id,
       round(percentile_cont(0.5) within group (order by o.price_per_100ml_base)::numeric, 2) as median_per_100ml,
       count(*) as observations, count(distinct l.retailer_id) as retailers
from private.price_observations o
join public.retailer_listings l on l.id = o.listing_id
join public.variants v on v.id = l.variant_id
where o.anomaly is null and o.price_per_100ml_base is not null
group by 1, 2;
comment on materialized view analytics.price_index_daily is 'Grain: one row per day and fragrance. Median price per 100 ml in the base currency over unflagged observations (until they are rolled up), with observation and retailer counts. Refreshed daily.';
create unique index price_index_daily_key_idx on analytics.price_index_daily (fragrance_id, day);
grant select on analytics.price_index_daily to service_role;

-- ========== supabase/schemas/analytics/star_schema.sql ==========

-- A small star schema for reporting: date, fragrance and retailer dimensions,
-- price and click facts (the dates of dim_date are rows: analytics/data.sql).

create table analytics.dim_date (
  date_key integer primary key,
  date date not null unique,
  year smallint not null,
  quarter smallint not null,
  month smallint not null,
  iso_week smallint not null,
  day_of_week smallint not null,
  is_weekend boolean not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table analytics.dim_date is 'Date dimension, one row per day from 2020 to 2040 (static).';
grant select on analytics.dim_date to service_role;
comment on column analytics.dim_date.date_key is 'YYYYMMDD.';
comment on column analytics.dim_date.date is 'The day.';
comment on column analytics.dim_date.year is 'Calendar year.';
comment on column analytics.dim_date.quarter is 'Quarter, 1-4.';
comment on column analytics.dim_date.month is 'Month, 1-12.';
comment on column analytics.dim_date.iso_week is 'ISO week number.';
comment on column analytics.dim_date.day_of_week is 'ISO day of week, 1 (Monday) to 7.';
comment on column analytics.dim_date.is_weekend is 'Saturday or Sunday.';

create materialized view analytics.dim_fragrance as
select f.id as fragrance_id, f.name, b.name as brand, f.concentration, f.gender, f.family_slug, f.launch_year, f.deleted_at is not null as deleted
from public.fragrances f join public.brands b on b.id = f.brand_id;
comment on materialized view analytics.dim_fragrance is 'Fragrance dimension: one row per fragrance (deleted ones flagged, so old facts keep their label). Refreshed daily.';
create unique index dim_fragrance_key_idx on analytics.dim_fragrance (fragrance_id);
grant select on analytics.dim_fragrance to service_role;

create materialized view analytics.dim_retailer as
select r.id as retailer_id, r.slug, r.name, r.country, r.currency, r.affiliate_network, r.active
from public.retailers r;
comment on materialized view analytics.dim_retailer is 'Retailer dimension: one row per retailer. Refreshed daily.';
create unique index dim_retailer_key_idx on analytics.dim_retailer (retailer_id);
grant select on analytics.dim_retailer to service_role;

create materialized view analytics.fact_price_daily as
select to_char(o.observed_at, 'YYYYMMDD')::int as date_key, o.listing_id, l.retailer_id, v.fragrance_id, v.id as variant_id,
       min(o.price_base) as min_price_base, min(o.price_per_100ml_base) as min_per_100ml_base, count(*) as observations
from private.price_observations o
join public.retailer_listings l on l.id = o.listing_id
join public.variants v on v.id = l.variant_id
where o.anomaly is null
group by 1, 2, 3, 4, 5;
comment on materialized view analytics.fact_price_daily is 'Price fact. Grain: one row per listing and day (matched listings, unflagged observations): lowest price and per-100 ml price in the base currency. Keys: dim_date, dim_retailer, dim_fragrance. Refreshed daily.';
create unique index fact_price_daily_key_idx on analytics.fact_price_daily (listing_id, date_key);
grant select on analytics.fact_price_daily to service_role;
create index fact_price_daily_fragrance_idx on analytics.fact_price_daily (fragrance_id, date_key);

create materialized view analytics.fact_click_daily as
select to_char(c.clicked_at, 'YYYYMMDD')::int as date_key, c.retailer_id, v.fragrance_id,
       count(*) as clicks, count(*) filter (where c.user_id is not null) as signed_in_clicks
from public.affiliate_clicks c
join public.retailer_listings l on l.id = c.listing_id
join public.variants v on v.id = l.variant_id
group by 1, 2, 3;
comment on materialized view analytics.fact_click_daily is 'Click fact. Grain: one row per day, retailer and fragrance: affiliate clicks, of which signed in. Keys: dim_date, dim_retailer, dim_fragrance. Refreshed hourly.';
create unique index fact_click_daily_key_idx on analytics.fact_click_daily (date_key, retailer_id, fragrance_id);
grant select on analytics.fact_click_daily to service_role;

-- ========== supabase/schemas/analytics/event_rollup.sql ==========

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
    select c.relname, to_date(right(c.relname, 7), 'YYYY_MM') as month
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'public.events'::regclass and c.relname ~ '^events_[0-9]{4}_[0-9]{2}$'
    order by 2
  loop
    exit when part.month + interval '1 month' > horizon;
    execute format($sql$
      insert into analytics.event_daily (day, name, events, users, sessions)
      select occurred_at::date, name, count(*), count(distinct user_id), count(distinct session_id)
      from private.%I group by 1, 2
      on conflict (day, name) do update set events = event_daily.events + excluded.events,
        users = event_daily.users + excluded.users, sessions = event_daily.sessions + excluded.sessions
      $sql$, part.relname);
    execute format('drop table private.%I', part.relname);
    dropped := dropped + 1;
  end loop;
  return dropped;
end;
$$;
comment on function private.rollup_events() is 'Aggregates event partitions older than event_retention_days into analytics.event_daily and drops them; returns partitions dropped. Scheduled daily.';
revoke execute on function private.rollup_events() from public;

-- ========== supabase/schemas/analytics/dashboards.sql ==========

-- Dashboard RPCs: thin readers of the analytics views, for service_role only.

create or replace function public.dashboard_recommendations("from" date, "to" date default current_date)
returns setof analytics.recommendation_daily
language sql stable set search_path = ''
as $$ select * from analytics.recommendation_daily where day between "from" and "to" order by day $$;
comment on function public.dashboard_recommendations(date, date) is 'Daily recommendation acceptance between two days. service_role only.';

create or replace function public.dashboard_affiliate_ctr("from" date, "to" date default current_date, retailer_id uuid default null)
returns table (day date, retailer_id uuid, retailer text, impressions bigint, clicks bigint, clickers bigint, ctr numeric)
language sql stable set search_path = ''
as $$
  select c.day, c.retailer_id, r.slug, c.impressions, c.clicks, c.clickers, c.ctr
  from analytics.affiliate_ctr_daily c left join analytics.dim_retailer r on r.retailer_id = c.retailer_id
  where c.day between "from" and "to" and (dashboard_affiliate_ctr.retailer_id is null or c.retailer_id = dashboard_affiliate_ctr.retailer_id)
  order by c.day, r.slug
$$;
comment on function public.dashboard_affiliate_ctr(date, date, uuid) is 'Affiliate click-through rate by retailer and day. service_role only.';

create or replace function public.dashboard_onboarding_funnel()
returns setof analytics.onboarding_funnel
language sql stable set search_path = ''
as $$ select * from analytics.onboarding_funnel order by position $$;
comment on function public.dashboard_onboarding_funnel() is 'Onboarding funnel: started, completed and conversion per quiz step. service_role only.';

create or replace function public.dashboard_collection_pairs(k integer default 20)
returns table (fragrance_a uuid, name_a text, fragrance_b uuid, name_b text, owners bigint)
language sql stable set search_path = ''
as $$
  select p.fragrance_a, fa.name, p.fragrance_b, fb.name, p.owners
  from (select * from analytics.collection_pairs order by owners desc, fragrance_a, fragrance_b limit least(greatest(k, 1), 1000)) p
  join analytics.dim_fragrance fa on fa.fragrance_id = p.fragrance_a
  join analytics.dim_fragrance fb on fb.fragrance_id = p.fragrance_b
  order by p.owners desc, fa.name, fb.name
$$;
comment on function public.dashboard_collection_pairs(integer) is 'The k (1-1000) fragrance pairs most often owned together. service_role only.';

create or replace function public.dashboard_family_affinity()
returns setof analytics.family_affinity
language sql stable set search_path = ''
as $$ select * from analytics.family_affinity order by lift desc, family_a, family_b $$;
comment on function public.dashboard_family_affinity() is 'Olfactive families owned together, with lift. service_role only.';

create or replace function public.dashboard_price_index(fragrance_id uuid, "from" date, "to" date default current_date)
returns setof analytics.price_index_daily
language sql stable set search_path = ''
as $$
  select * from analytics.price_index_daily p
  where p.fragrance_id = dashboard_price_index.fragrance_id and p.day between "from" and "to" order by p.day
$$;
comment on function public.dashboard_price_index(uuid, date, date) is 'Daily median price per 100 ml of a fragrance. service_role only.';

create or replace function public.dashboard_refreshes()
returns table (view text, populated boolean, last_refreshed_at timestamptz, last_status text, last_error text, rows bigint)
language sql stable set search_path = ''
as $$
  select format('%I.%I', m.schemaname, m.matviewname), m.ispopulated, r.finished_at, r.status, r.error, r.rows_out
  from pg_catalog.pg_matviews m
  left join lateral (select * from private.pipeline_runs r where r.pipeline = 'mv-refresh' and r.subject = format('%I.%I', m.schemaname, m.matviewname)
                     order by r.started_at desc limit 1) r on true
  where m.schemaname = 'analytics'
  order by 1
$$;
comment on function public.dashboard_refreshes() is 'Each analytics view with its latest refresh (time, status, error, rows). service_role only.';

-- service_role only.
revoke execute on function public.dashboard_recommendations(date, date) from public, anon, authenticated;
grant execute on function public.dashboard_recommendations(date, date) to service_role;
revoke execute on function public.dashboard_affiliate_ctr(date, date, uuid) from public, anon, authenticated;
grant execute on function public.dashboard_affiliate_ctr(date, date, uuid) to service_role;
revoke execute on function public.dashboard_onboarding_funnel() from public, anon, authenticated;
grant execute on function public.dashboard_onboarding_funnel() to service_role;
revoke execute on function public.dashboard_collection_pairs(integer) from public, anon, authenticated;
grant execute on function public.dashboard_collection_pairs(integer) to service_role;
revoke execute on function public.dashboard_family_affinity() from public, anon, authenticated;
grant execute on function public.dashboard_family_affinity() to service_role;
revoke execute on function public.dashboard_price_index(uuid, date, date) from public, anon, authenticated;
grant execute on function public.dashboard_price_index(uuid, date, date) to service_role;
revoke execute on function public.dashboard_refreshes() from public, anon, authenticated;
grant execute on function public.dashboard_refreshes() to service_role;

-- ========== supabase/schemas/analytics/data.sql ==========

-- Rows analytics needs: the days of dim_date, the event retention setting,
-- the pipeline registry entries and the pg_cron jobs that roll up events and
-- refresh the views. `supabase db diff` does not see rows: a change here goes
-- into its migration by hand (the schema-equality test in npm test fails until it does).

insert into analytics.dim_date (date_key, date, year, quarter, month, iso_week, day_of_week, is_weekend)
select to_char(d, 'YYYYMMDD')::int, d, extract(year from d), extract(quarter from d), extract(month from d),
       extract(week from d), extract(isodow from d), extract(isodow from d) in (6, 7)
from generate_series(date '2020-01-01', date '2040-12-31', interval '1 day') as g(t), lateral (select t::date as d) x;

insert into private.settings (key, value, description) values
  ('event_retention_days', '400', 'Monthly partitions of public.events wholly older than this are rolled up into analytics.event_daily and dropped.')
on conflict do nothing;
insert into private.pipelines (name, description, schedule) values
  ('mv-refresh', 'Refreshes one materialized view (subject: the view).', 'pg_cron, one job per view'),
  ('event-rollup', 'Rolls event partitions older than event_retention_days into analytics.event_daily and drops them.', 'pg_cron event-rollup, daily 01:25')
on conflict do nothing;

select cron.schedule('event-rollup', '25 1 * * *', $$select private.run_pipeline('event-rollup', 'private.rollup_events')$$);
select cron.schedule(format('refresh-%s', v.name), v.schedule, format($$select private.refresh_materialized_view('analytics.%s')$$, v.name))
from (values ('recommendation_daily', '7 * * * *'), ('affiliate_ctr_daily', '9 * * * *'), ('onboarding_funnel', '11 * * * *'),
             ('fact_click_daily', '13 * * * *'), ('collection_pairs', '30 2 * * *'), ('family_affinity', '35 2 * * *'),
             ('price_index_daily', '40 2 * * *'), ('dim_fragrance', '45 2 * * *'), ('dim_retailer', '46 2 * * *'),
             ('fact_price_daily', '50 2 * * *')) as v(name, schedule);
