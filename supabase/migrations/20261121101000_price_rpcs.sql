-- Prices for the frontend (best offers, history), freshness SLAs, anomaly
-- review, partition rollup, and the pg_cron schedules that keep them going.

create or replace function public.best_offers(fragrance_id uuid, currency text default 'EUR')
returns table (
  variant_id uuid, size_ml numeric, packaging public.packaging, quantity smallint,
  retailer_id uuid, retailer_name text, listing_id uuid, title text,
  price numeric, price_currency text, price_converted numeric, price_per_100ml numeric, converted_currency text,
  in_stock boolean, url text, observed_at timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
declare
  rate numeric := public.fx_rate(upper(best_offers.currency));
begin
  if rate is null then
    raise exception 'unknown currency "%"', best_offers.currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  return query
  select distinct on (v.id)
    v.id, v.size_ml, v.packaging, v.quantity, r.id, r.name, l.id, l.title,
    o.price, o.currency, round(o.price_base / rate, 2), round(o.price_per_100ml_base / rate, 2), upper(best_offers.currency),
    o.in_stock, coalesce(l.affiliate_url, l.url), o.observed_at
  from public.variants v
  join public.current_offers o on o.variant_id = v.id and not o.stale
  join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = v.id
  join public.retailers r on r.id = o.retailer_id and r.active
  where v.fragrance_id = best_offers.fragrance_id
  order by v.id, o.in_stock desc, o.price_base, o.observed_at desc;
end;
$$;
comment on function public.best_offers(uuid, text) is
  'Best current offer per variant of a fragrance: in stock first, then cheapest; stale offers and prices held for review excluded; converted to the requested currency at today''s rate.';
revoke execute on function public.best_offers(uuid, text) from public;
grant execute on function public.best_offers(uuid, text) to anon, authenticated, service_role;

create or replace function public.price_history(variant_id uuid, "from" timestamptz, "to" timestamptz default now(), bucket text default 'day')
returns table (bucket_start timestamptz, min_price numeric, avg_price numeric, max_price numeric, currency text, retailers integer)
language plpgsql
stable
set search_path = ''
as $$
begin
  if bucket not in ('day', 'week', 'month') then
    raise exception 'bucket must be day, week or month, not "%"', bucket using errcode = '22023';
  end if;
  if "from" is null or "to" is null or "from" >= "to" then
    raise exception '"from" must be before "to"' using errcode = '22023';
  end if;
  if "to" - "from" > interval '5 years' then
    raise exception 'at most 5 years per call' using errcode = '22023';
  end if;
  return query
  select b.start, min(h.price_base), round(avg(h.price_base), 2), max(h.price_base), public.base_currency(),
         count(distinct h.listing_id)::integer
  from generate_series(date_trunc(bucket, "from"), "to", ('1 ' || bucket)::interval) as b (start)
  join public.price_history h on h.valid && tstzrange(b.start, b.start + ('1 ' || bucket)::interval)
  join public.retailer_listings l on l.id = h.listing_id and l.variant_id = price_history.variant_id and l.status = 'matched'
  group by b.start
  order by b.start;
end;
$$;
comment on function public.price_history(uuid, timestamptz, timestamptz, text) is
  'Min, mean and max base-currency price of a variant across retailers per day, week or month, from the validity ranges of public.price_history.';
revoke execute on function public.price_history(uuid, timestamptz, timestamptz, text) from public;
grant execute on function public.price_history(uuid, timestamptz, timestamptz, text) to anon, authenticated, service_role;

-- Freshness ------------------------------------------------------------------------------

/** Marks offers stale past their retailer's SLA and records retailers that went silent. */
create or replace function private.check_freshness()
returns jsonb
language sql
set search_path = ''
as $$
  with stale as (
    update public.current_offers o set stale = true
    from public.retailers r
    where r.id = o.retailer_id and not o.stale
      and o.observed_at < now() - r.update_interval * (private.setting('stale_after_intervals'))::int
    returning o.listing_id
  ),
  last_batch as (
    select r.id, r.update_interval, max(b.received_at) as last_at
    from public.retailers r left join private.ingest_batches b on b.retailer_id = r.id
    where r.active
    group by r.id
  ),
  breached as (
    insert into private.freshness_breaches (retailer_id, last_batch_at, expected_interval)
    select lb.id, lb.last_at, lb.update_interval from last_batch lb
    where (lb.last_at is null or lb.last_at < now() - lb.update_interval)
    on conflict (retailer_id) where resolved_at is null do nothing
    returning retailer_id
  )
  select jsonb_build_object('stale_offers', (select count(*) from stale), 'new_breaches', (select count(*) from breached))
$$;
comment on function private.check_freshness() is 'Marks offers stale past stale_after_intervals x their retailer''s update interval and opens a breach for every silent retailer. Scheduled every 15 minutes.';
revoke execute on function private.check_freshness() from public;

create or replace function public.retailer_freshness()
returns table (
  retailer_id uuid, slug text, expected_interval interval, last_batch_at timestamptz, age interval,
  status text, offers integer, stale_offers integer, breached_since timestamptz
)
language sql
stable
set search_path = ''
as $$
  select r.id, r.slug, r.update_interval, b.last_at, now() - b.last_at,
         case when b.last_at is null then 'never' when b.last_at >= now() - r.update_interval then 'fresh' else 'late' end,
         coalesce(o.offers, 0)::integer, coalesce(o.stale, 0)::integer, fb.detected_at
  from public.retailers r
  left join lateral (select max(received_at) as last_at from private.ingest_batches where retailer_id = r.id) b on true
  left join lateral (select count(*) as offers, count(*) filter (where stale) as stale from public.current_offers where retailer_id = r.id) o on true
  left join private.freshness_breaches fb on fb.retailer_id = r.id and fb.resolved_at is null
  where r.active
  order by r.slug
$$;
comment on function public.retailer_freshness() is 'Per active retailer: its SLA, last batch, status (fresh, late, never), offers and stale offers, open breach. service_role only.';
revoke execute on function public.retailer_freshness() from public, anon, authenticated;
grant execute on function public.retailer_freshness() to service_role;

-- Anomaly review ---------------------------------------------------------------------------

create or replace function public.review_price_anomaly(anomaly_id bigint, approve boolean)
returns public.review_status
language plpgsql
set search_path = ''
as $$
declare
  a private.price_anomalies;
begin
  update private.price_anomalies set status = case when approve then 'approved' else 'rejected' end::public.review_status,
         reviewed_at = now()
  where id = anomaly_id and status = 'pending'
  returning * into a;
  if not found then
    raise exception 'no pending price anomaly %', anomaly_id using errcode = 'P0002';
  end if;
  if approve then
    perform private.apply_offers(a.batch_id, jsonb_build_array(jsonb_build_object(
      'listing_id', a.listing_id, 'variant_id', (select variant_id from public.retailer_listings where id = a.listing_id),
      'price', a.price, 'currency', a.currency, 'price_base', a.price_base,
      'price_per_100ml_base', (select round(a.price_base / (v.size_ml * v.quantity) * 100, 2)
                               from public.retailer_listings l join public.variants v on v.id = l.variant_id where l.id = a.listing_id),
      'in_stock', a.in_stock, 'observed_at', a.observed_at)));
  end if;
  return a.status;
end;
$$;
comment on function public.review_price_anomaly(bigint, boolean) is 'Approves (the price becomes current if it is the latest) or rejects a price held for review. service_role only.';
revoke execute on function public.review_price_anomaly(bigint, boolean) from public, anon, authenticated;
grant execute on function public.review_price_anomaly(bigint, boolean) to service_role;
grant select, insert, update on public.current_offers, public.price_history to service_role;

-- Rollup of old partitions -------------------------------------------------------------------

/** Rolls every monthly partition wholly older than the horizon into private.price_daily, then drops it. */
create or replace function private.rollup_price_observations()
returns integer
language plpgsql
set search_path = ''
as $$
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
$$;
comment on function private.rollup_price_observations() is 'Aggregates monthly observation partitions older than observation_horizon_days into private.price_daily and drops them; returns partitions dropped. Scheduled daily.';
revoke execute on function private.rollup_price_observations() from public;

select cron.schedule('price-partitions', '5 0 * * *', 'select private.ensure_price_partitions()');
select cron.schedule('price-rollup', '15 1 * * *', 'select private.rollup_price_observations()');
select cron.schedule('price-freshness', '*/15 * * * *', 'select private.check_freshness()');
