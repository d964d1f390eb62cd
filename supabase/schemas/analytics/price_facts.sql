-- Price analytics kept up to date by what changed: the price-facts pipeline (hourly) recomputes
-- analytics.fact_price_daily (listing × day) and analytics.price_index_daily (day × fragrance)
-- only where they can have changed — the days observations were inserted for since the last run,
-- and every day of a listing whose match changed (with the fragrances it left and joined). As
-- materialized views they re-read every observation at each refresh, and a year of daily feeds
-- from 50 shops is ~100M observations.

create table analytics.fact_price_daily (
  date_key integer not null,
  listing_id uuid not null,
  retailer_id uuid not null,
  fragrance_id uuid not null,
  variant_id uuid not null,
  min_price_base numeric(12, 2) not null,
  min_per_100ml_base numeric(12, 2),
  observations bigint not null constraint fact_price_daily_observations_positive check (observations > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (date_key, listing_id)
);
comment on table analytics.fact_price_daily is 'Price fact. Grain: one row per listing and day (matched listings, unflagged observations): lowest price and per-100 ml price in the base currency. Keys: dim_date, dim_retailer, dim_fragrance. Kept by the price-facts pipeline (hourly).';
comment on column analytics.fact_price_daily.date_key is 'The day (dim_date key, YYYYMMDD).';
comment on column analytics.fact_price_daily.listing_id is 'The listing.';
comment on column analytics.fact_price_daily.retailer_id is 'Its retailer.';
comment on column analytics.fact_price_daily.fragrance_id is 'The fragrance of its variant when the day was computed.';
comment on column analytics.fact_price_daily.variant_id is 'The variant it is matched to.';
comment on column analytics.fact_price_daily.min_price_base is 'Lowest base-currency price that day.';
comment on column analytics.fact_price_daily.min_per_100ml_base is 'Lowest base-currency price per 100 ml that day.';
comment on column analytics.fact_price_daily.observations is 'Unflagged observations that day.';
create index fact_price_daily_fragrance_idx on analytics.fact_price_daily (fragrance_id, date_key);
call private.track_updates('analytics.fact_price_daily');
grant select on analytics.fact_price_daily to service_role;

create table analytics.price_index_daily (
  day date not null,
  fragrance_id uuid not null,
  median_per_100ml numeric not null,
  observations bigint not null constraint price_index_daily_observations_positive check (observations > 0),
  retailers bigint not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- covering: a dashboard reads a fragrance's year of figures from the index alone, not from 365 heap pages
  primary key (fragrance_id, day) include (median_per_100ml, observations, retailers)
);
comment on table analytics.price_index_daily is 'Grain: one row per day and fragrance. Median price per 100 ml in the base currency over unflagged observations, with observation and retailer counts. Kept by the price-facts pipeline (hourly); days past the observation horizon keep their figures.';
comment on column analytics.price_index_daily.day is 'The day (UTC).';
comment on column analytics.price_index_daily.fragrance_id is 'The fragrance.';
comment on column analytics.price_index_daily.median_per_100ml is 'Median base-currency price per 100 ml that day, 2 decimals.';
comment on column analytics.price_index_daily.observations is 'Unflagged observations with a per-100 ml price that day.';
comment on column analytics.price_index_daily.retailers is 'Distinct retailers among them.';
call private.track_updates('analytics.price_index_daily');
grant select on analytics.price_index_daily to service_role;

-- What changed since the last run: marked by triggers, taken by the run.
create table private.price_facts_stale (
  id bigint generated always as identity primary key,
  day date,
  listing_id uuid,
  fragrance_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint price_facts_stale_day_or_listing check ((day is null) <> (listing_id is null))
);
comment on table private.price_facts_stale is 'Marks for the next price-facts run: a day observations were inserted for, or a listing whose variant changed (or that was deleted) with the fragrance it had.';
comment on column private.price_facts_stale.id is 'Mark id.';
comment on column private.price_facts_stale.day is 'A day to recompute whole (null for a listing mark).';
comment on column private.price_facts_stale.listing_id is 'A listing to recompute on every day (null for a day mark).';
comment on column private.price_facts_stale.fragrance_id is 'The fragrance the listing belonged to before the change (null when it had none).';
call private.track_updates('private.price_facts_stale');

/** AFTER INSERT (statement) on price_observations: marks the days the new rows fall on. */
create or replace function private.mark_price_fact_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.price_facts_stale (day)
  select distinct n.observed_at::date from new_rows n;
  return null;
end;
$$;
comment on function private.mark_price_fact_days() is 'AFTER INSERT statement trigger on private.price_observations: records the days new observations fall on, for the next price-facts run.';
revoke execute on function private.mark_price_fact_days() from public;

create trigger price_fact_days after insert on private.price_observations
  referencing new table as new_rows for each statement execute function private.mark_price_fact_days();

/** AFTER UPDATE OF variant_id or DELETE on retailer_listings: marks the listing and the fragrance it had. */
create or replace function private.mark_price_fact_listing()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.price_facts_stale (listing_id, fragrance_id)
  values (old.id, (select v.fragrance_id from public.variants v where v.id = old.variant_id));
  return null;
end;
$$;
comment on function private.mark_price_fact_listing() is 'AFTER UPDATE OF variant_id (when it changed) or DELETE row trigger on public.retailer_listings: records the listing and its former fragrance for the next price-facts run.';
revoke execute on function private.mark_price_fact_listing() from public;

create trigger price_fact_listing_rematched after update of variant_id on public.retailer_listings
  for each row when (old.variant_id is distinct from new.variant_id) execute function private.mark_price_fact_listing();
create trigger price_fact_listing_deleted after delete on public.retailer_listings
  for each row when (old.variant_id is not null) execute function private.mark_price_fact_listing();

-- What both tables aggregate, defined once for both steps below: unflagged observations of matched
-- listings, with the retailer and the fragrance of each listing's variant.
create view private.price_fact_observations with (security_invoker = true) as
select o.observed_at, o.observed_at::date as day, o.listing_id, l.retailer_id, v.fragrance_id, v.id as variant_id,
       o.price_base, o.price_per_100ml_base
from private.price_observations o
join public.retailer_listings l on l.id = o.listing_id
join public.variants v on v.id = l.variant_id
where o.anomaly is null;
comment on view private.price_fact_observations is 'Unflagged observations of matched listings with their retailer, variant and fragrance: the rows fact_price_daily and price_index_daily aggregate.';
grant select on private.price_fact_observations to service_role;

/**
 * Recomputes both tables on the given whole days (the caller passes a month at most, so what the
 * statement holds in memory and spills is bounded). Observations are read by time range (the BRIN
 * index on observed_at), once for both tables. Rows are upserted and left alone where nothing
 * changed: observations are append-only, so a day's rows only grow or change (a listing that
 * changes fragrance is the listing step's), and an hourly run mostly confirms what the last one
 * wrote for today.
 */
create or replace function private.recompute_price_fact_days(days date[])
returns integer
language plpgsql
set search_path = ''
as $$
declare
  days_from date := (select min(d) from unnest(days) d);
  days_to date := (select max(d) + 1 from unnest(days) d);
  written integer;
begin
  with observations as materialized (
    select * from private.price_fact_observations o
    where o.observed_at >= days_from and o.observed_at < days_to and o.day = any (days)
  ),
  facts as (
    insert into analytics.fact_price_daily as f
      (date_key, listing_id, retailer_id, fragrance_id, variant_id, min_price_base, min_per_100ml_base, observations)
    select to_char(o.day, 'YYYYMMDD')::int, o.listing_id, o.retailer_id, o.fragrance_id, o.variant_id, min(o.price_base), min(o.price_per_100ml_base), count(*)
    from observations o
    group by o.day, o.listing_id, o.retailer_id, o.fragrance_id, o.variant_id
    on conflict (date_key, listing_id) do update
      set retailer_id = excluded.retailer_id, fragrance_id = excluded.fragrance_id, variant_id = excluded.variant_id,
          min_price_base = excluded.min_price_base, min_per_100ml_base = excluded.min_per_100ml_base, observations = excluded.observations
      where (f.retailer_id, f.fragrance_id, f.variant_id, f.min_price_base, f.min_per_100ml_base, f.observations)
            is distinct from (excluded.retailer_id, excluded.fragrance_id, excluded.variant_id, excluded.min_price_base,
                              excluded.min_per_100ml_base, excluded.observations)
  )
  insert into analytics.price_index_daily as p (day, fragrance_id, median_per_100ml, observations, retailers)
  select o.day, o.fragrance_id, round(percentile_cont(0.5) within group (order by o.price_per_100ml_base)::numeric, 2), count(*), count(distinct o.retailer_id)
  from observations o
  where o.price_per_100ml_base is not null
  group by o.day, o.fragrance_id
  on conflict (fragrance_id, day) do update
    set median_per_100ml = excluded.median_per_100ml, observations = excluded.observations, retailers = excluded.retailers
    where (p.median_per_100ml, p.observations, p.retailers) is distinct from (excluded.median_per_100ml, excluded.observations, excluded.retailers);
  get diagnostics written = row_count;
  return written;
end;
$$;
comment on function private.recompute_price_fact_days(date[]) is 'Price-facts step: recomputes fact_price_daily and price_index_daily on the given days (a month at most), writing only rows that changed; returns price-index rows written.';
revoke execute on function private.recompute_price_fact_days(date[]) from public;

/** Every day that can hold observations from `since` on: the days of each monthly partition, and those in the default partition. */
create or replace function private.price_observation_days(since date)
returns setof date
language sql
stable
set search_path = ''
as $$
  select d::date
  from private.monthly_partitions('private.price_observations') m
  cross join lateral generate_series(greatest(m.month, since)::timestamp, (m.month + interval '1 month' - interval '1 day')::timestamp, interval '1 day') d
  union
  select o.observed_at::date from private.price_observations_default o where o.observed_at >= since
$$;
comment on function private.price_observation_days(date) is 'The days from `since` that can hold price observations: each day of every monthly partition, and the days of the rows in the default one.';
revoke execute on function private.price_observation_days(date) from public;

/**
 * Recomputes, on every day, the facts of the given listings and the price index of the given
 * fragrances (those the listings left and joined), through the observations' listing index.
 */
create or replace function private.recompute_price_fact_listings(listings uuid[], fragrances uuid[])
returns integer
language plpgsql
set search_path = ''
as $$
declare
  written integer;
begin
  delete from analytics.fact_price_daily f where f.fragrance_id = any (fragrances) and f.listing_id = any (listings);
  delete from analytics.price_index_daily p where p.fragrance_id = any (fragrances);
  insert into analytics.fact_price_daily (date_key, listing_id, retailer_id, fragrance_id, variant_id, min_price_base, min_per_100ml_base, observations)
  select to_char(o.day, 'YYYYMMDD')::int, o.listing_id, o.retailer_id, o.fragrance_id, o.variant_id, min(o.price_base), min(o.price_per_100ml_base), count(*)
  from private.price_fact_observations o
  where o.listing_id = any (listings)
  group by o.day, o.listing_id, o.retailer_id, o.fragrance_id, o.variant_id;
  insert into analytics.price_index_daily (day, fragrance_id, median_per_100ml, observations, retailers)
  select o.day, o.fragrance_id, round(percentile_cont(0.5) within group (order by o.price_per_100ml_base)::numeric, 2), count(*), count(distinct o.retailer_id)
  from private.price_fact_observations o
  where o.fragrance_id = any (fragrances) and o.price_per_100ml_base is not null
  group by o.day, o.fragrance_id;
  get diagnostics written = row_count;
  return written;
end;
$$;
comment on function private.recompute_price_fact_listings(uuid[], uuid[]) is 'Price-facts step: recomputes the facts of the given listings and the price index of the given fragrances on every day; returns price-index rows written.';
revoke execute on function private.recompute_price_fact_listings(uuid[], uuid[]) from public;

/**
 * The price-facts pipeline: recomputes the days and listings marked since the last run, and every
 * day from `since` when given (the migration that made these tables passed -infinity), month by
 * month, and says what it did.
 */
create or replace function private.rollup_price_facts(since date default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  days date[];
  listings uuid[];
  fragrances uuid[];
  month date;
  day_rows integer := 0;
  listing_rows integer := 0;
begin
  -- Marks are taken first: observations committed after this still have their mark for the next run.
  with taken as (delete from private.price_facts_stale s returning s.day, s.listing_id, s.fragrance_id)
  select coalesce(array_agg(distinct t.day) filter (where t.day is not null), '{}'),
         coalesce(array_agg(distinct t.listing_id) filter (where t.listing_id is not null), '{}'),
         coalesce(array_agg(distinct t.fragrance_id) filter (where t.fragrance_id is not null), '{}')
  into days, listings, fragrances
  from taken t;
  if since is not null then
    select array(select unnest(days) union select private.price_observation_days(since)) into days;
  end if;
  -- a month at a time: a run from -infinity holds one month in memory and temporary files, not all history
  for month in select distinct date_trunc('month', d)::date from unnest(days) d order by 1 loop
    day_rows := day_rows + private.recompute_price_fact_days(
      array(select d from unnest(days) d where d >= month and d < (month + interval '1 month')::date));
  end loop;
  if cardinality(listings) > 0 then
    -- the fragrances the listings joined, besides those they left
    select array(select unnest(fragrances) union select v.fragrance_id from public.retailer_listings l join public.variants v on v.id = l.variant_id
                 where l.id = any (listings))
    into fragrances;
    listing_rows := private.recompute_price_fact_listings(listings, fragrances);
  end if;
  return jsonb_build_object('rows_out', day_rows + listing_rows, 'days', cardinality(days), 'since', since,
                            'listings', cardinality(listings), 'fragrances', cardinality(fragrances));
end;
$$;
comment on function private.rollup_price_facts(date) is
  'Recomputes analytics.fact_price_daily and price_index_daily where they can have changed: the days observations were inserted for and the listings whose variant changed since the last run (marked by triggers), and every day from `since` when given, a month at a time. The price-facts pipeline, hourly.';
revoke execute on function private.rollup_price_facts(date) from public;
grant execute on function private.rollup_price_facts(date) to service_role;
