-- Rollback of 20261207004324_price_facts_by_month.sql.
-- Restores the one-statement recompute from `since`, the price index's plain primary key, and the
-- two rollups' own partition lists; reviewed.

set local check_function_bodies = off;

ALTER TABLE "analytics"."price_index_daily"
  DROP CONSTRAINT "price_index_daily_pkey";

DROP FUNCTION "private"."monthly_partitions"(regclass);

DROP FUNCTION "private"."price_observation_days"(date);

DROP FUNCTION "private"."recompute_price_fact_days"(date[]);

CREATE OR REPLACE FUNCTION private.recompute_price_fact_days (
  days     date[],
  from_day date   DEFAULT NULL::date
)
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  days_from date := (select min(d) from unnest(days) d);
  days_to date := (select max(d) + 1 from unnest(days) d);
  written integer;
begin
  with observations as materialized (
    select * from private.price_fact_observations o where o.observed_at >= from_day
    union all
    -- the given days: a range condition of its own (an OR of the two read every partition)
    select * from private.price_fact_observations o
    where o.observed_at >= days_from and o.observed_at < least(days_to, from_day) and o.day = any (days)
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
$function$;

CREATE OR REPLACE FUNCTION private.rollup_events()
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.rollup_price_facts (
  since date DEFAULT NULL::date
)
  RETURNS jsonb
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  days date[];
  listings uuid[];
  fragrances uuid[];
  day_rows integer;
  listing_rows integer := 0;
begin
  -- Marks are taken first: observations committed after this still have their mark for the next run.
  with taken as (delete from private.price_facts_stale s returning s.day, s.listing_id, s.fragrance_id)
  select coalesce(array_agg(distinct t.day) filter (where t.day is not null), '{}'),
         coalesce(array_agg(distinct t.listing_id) filter (where t.listing_id is not null), '{}'),
         coalesce(array_agg(distinct t.fragrance_id) filter (where t.fragrance_id is not null), '{}')
  into days, listings, fragrances
  from taken t;
  day_rows := private.recompute_price_fact_days(days, since);
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
$function$;

CREATE OR REPLACE FUNCTION private.rollup_price_observations()
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  SET work_mem TO '256MB'
  AS $function$
declare
  horizon timestamptz := now() - make_interval(days => (private.setting('observation_horizon_days'))::int);
  part record;
  dropped integer := 0;
begin
  for part in
    select c.relname, to_date(right(c.relname, 7), 'YYYY_MM') as month
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'private.price_observations'::regclass and c.relname ~ '_[0-9]{4}_[0-9]{2}$'
    order by 2
  loop
    exit when part.month + interval '1 month' > horizon;
    execute format($sql$
      insert into private.price_daily (listing_id, day, currency, min_price, max_price, avg_price, min_price_base, observations)
      select listing_id, observed_at::date, currency, min(price), max(price), round(avg(price), 2), min(price_base), count(*)
      from private.%I
      where anomaly is null
      group by listing_id, observed_at::date, currency
      order by listing_id, observed_at::date, currency
      on conflict (listing_id, day, currency) do update
        set min_price = least(price_daily.min_price, excluded.min_price),
            max_price = greatest(price_daily.max_price, excluded.max_price),
            avg_price = round((price_daily.avg_price * price_daily.observations + excluded.avg_price * excluded.observations)
                              / (price_daily.observations + excluded.observations), 2),
            min_price_base = least(price_daily.min_price_base, excluded.min_price_base),
            observations = price_daily.observations + excluded.observations
      $sql$, part.relname);
    execute format('drop table private.%I', part.relname);
    dropped := dropped + 1;
  end loop;
  return dropped;
end;
$function$;

ALTER TABLE "analytics"."price_index_daily"
  ADD CONSTRAINT "price_index_daily_pkey" PRIMARY KEY (fragrance_id, day);

COMMENT ON FUNCTION "private"."recompute_price_fact_days"(date[], date) IS 'Price-facts step: recomputes fact_price_daily and price_index_daily on the given days and on every day from from_day, writing only rows that changed; returns price-index rows written.';

COMMENT ON FUNCTION "private"."rollup_price_facts"(date) IS 'Recomputes analytics.fact_price_daily and price_index_daily where they can have changed: the days observations were inserted for and the listings whose variant changed since the last run (marked by triggers), and every day from `since` when given. The price-facts pipeline, hourly.';

REVOKE ALL ON FUNCTION "private"."recompute_price_fact_days"(date[], date) FROM PUBLIC;
