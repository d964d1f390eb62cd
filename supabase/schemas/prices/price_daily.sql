-- Daily aggregates of observation partitions past the horizon, which the
-- daily price-rollup job rolls up and drops.

-- listing_id names a listing without a foreign key: a rollup writes a month of a year of feeds at
-- once (~8M rows at 100M observations), and the per-row key check was 40 % of its time. Every row
-- comes from an observation of an existing listing; a listing's rows go with it (trigger below).
create table private.price_daily (
  listing_id uuid not null,
  day date not null,
  currency text not null constraint price_daily_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  min_price numeric(12, 2) not null,
  max_price numeric(12, 2) not null,
  avg_price numeric(12, 2) not null,
  min_price_base numeric(12, 2) not null,
  observations integer not null constraint price_daily_observations_positive check (observations > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (listing_id, day, currency)
);
comment on table private.price_daily is 'Daily aggregates of observations older than the horizon (their partitions are dropped after rollup).';
comment on column private.price_daily.listing_id is 'The listing (deleted with it by a trigger on public.retailer_listings).';
comment on column private.price_daily.day is 'UTC day.';
comment on column private.price_daily.currency is 'Currency as sent.';
comment on column private.price_daily.min_price is 'Lowest price that day.';
comment on column private.price_daily.max_price is 'Highest price that day.';
comment on column private.price_daily.avg_price is 'Mean price that day.';
comment on column private.price_daily.min_price_base is 'Lowest base-currency price that day.';
comment on column private.price_daily.observations is 'Observations aggregated.';
call private.track_updates('private.price_daily');
grant select on private.price_daily to service_role;

/** AFTER DELETE (statement) on retailer_listings: the daily aggregates of deleted listings go too. */
create or replace function private.delete_listing_price_daily()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.price_daily d using gone g where d.listing_id = g.id;
  return null;
end;
$$;
comment on function private.delete_listing_price_daily() is 'AFTER DELETE statement trigger on public.retailer_listings: deletes the daily price aggregates of the deleted listings (what a cascading foreign key would do, without a key check per rolled-up row).';
revoke execute on function private.delete_listing_price_daily() from public;

create trigger price_daily_cascade after delete on public.retailer_listings
  referencing old table as gone for each statement execute function private.delete_listing_price_daily();

/**
 * Rolls every monthly partition wholly older than the horizon into private.price_daily, then drops
 * it. Rows go in key order with room to aggregate in memory: a month is millions of rows.
 */
create or replace function private.rollup_price_observations()
returns integer
language plpgsql
set search_path = ''
set work_mem = '256MB'
as $$
declare
  horizon timestamptz := now() - make_interval(days => (private.setting('observation_horizon_days'))::int);
  part record;
  dropped integer := 0;
begin
  for part in
    select p.partition_name, p.month from private.monthly_partitions('private.price_observations') p order by p.month
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
      $sql$, part.partition_name);
    execute format('drop table private.%I', part.partition_name);
    dropped := dropped + 1;
  end loop;
  return dropped;
end;
$$;
comment on function private.rollup_price_observations() is 'Aggregates monthly observation partitions older than observation_horizon_days into private.price_daily and drops them; returns partitions dropped. Scheduled daily.';
revoke execute on function private.rollup_price_observations() from public;
