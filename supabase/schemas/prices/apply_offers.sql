-- Making reviewed offers current: per listing the latest price wins the current offer, and the price
-- history closes its open range and opens the next when price or stock changes. Used by the ingest
-- (private.ingest_make_current) and by anomaly approval (private.apply_offers).

/**
 * The 30-day reference of the given listings' current offers, from the history before the open
 * range began: the lowest in-stock price (the EU Omnibus reference for an announced discount) and
 * the median, each earlier price weighted by how long it held within the 30 days. It changes only
 * when the open range moves (a batch passes those listings); recomputing it for any other offer
 * gives the same answer, so a migration may pass all offers.
 */
create or replace function private.set_price_references(listings uuid[])
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.current_offers c
  set low_30d_base = r.low, median_30d_base = r.median
  from unnest(listings) as o (listing_id)
  cross join lateral (
    select lower(h.valid) as since from public.price_history h where h.listing_id = o.listing_id and upper_inf(h.valid)
  ) cur
  cross join lateral (
    select min(w.price_base) as low,
           (array_agg(w.price_base order by w.price_base) filter (where w.running >= w.total / 2))[1] as median
    from (
      select e.price_base, sum(e.held) over (order by e.price_base, e.start) as running, sum(e.held) over () as total
      from (
        select h.price_base, lower(h.valid) as start,
               extract(epoch from least(upper(h.valid), cur.since) - greatest(lower(h.valid), cur.since - interval '30 days')) as held
        from public.price_history h
        where h.listing_id = o.listing_id and h.in_stock and h.valid && tstzrange(cur.since - interval '30 days', cur.since)
      ) e
    ) w
  ) r
  where c.listing_id = o.listing_id
    and (c.low_30d_base, c.median_30d_base) is distinct from (r.low, r.median);
end;
$$;
comment on function private.set_price_references(uuid[]) is
  'Sets the 30-day low and median of the given listings'' current offers from their price history before their current price began.';
revoke execute on function private.set_price_references(uuid[]) from public;
grant execute on function private.set_price_references(uuid[]) to service_role;

/**
 * Makes the offers in _offers_to_apply current: per listing, the latest price wins the current offer
 * (whatever the commit order of concurrent batches), and the history closes the open range and opens
 * a new one when the price or stock changes.
 */
create or replace function private.apply_staged_offers(batch bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
  moved uuid[];  -- listings whose open range closed and the next opened
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  analyze _offers_to_apply (listing_id);  -- a plan for this batch's size (see ingest_staging.sql)
  -- The upsert row-locks each listing's offer, so concurrent batches touching a listing take turns below.
  insert into public.current_offers as c
    (listing_id, retailer_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at, batch_id, stale,
     shipping, shipping_base)
  select o.listing_id, o.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock,
         o.observed_at, batch, false, o.shipping, o.shipping_base
  from _offers_to_apply o
  order by o.listing_id
  on conflict (listing_id) do update
    set variant_id = excluded.variant_id, price = excluded.price, currency = excluded.currency, price_base = excluded.price_base,
        price_per_100ml_base = excluded.price_per_100ml_base, in_stock = excluded.in_stock, observed_at = excluded.observed_at,
        batch_id = excluded.batch_id, stale = false, shipping = excluded.shipping, shipping_base = excluded.shipping_base,
        updated_at = now()
    where excluded.observed_at >= c.observed_at;

  -- History, for the listings whose price or stock differs from their open range (or that have none;
  -- the open range holds the current offer's price and stock), from each listing's latest range (one
  -- probe of an index: the open range when there is one, as ranges do not overlap):
  -- a newer, different price closes the open range and opens the next; a listing with no open range
  -- gets one, unless a range ends after the price (then it is late). Older (late) prices leave it alone.
  -- (Lookups by index, one listing at a time: a batch is a sliver of a long history.)
  with o as (
    select o.*, case when upper_inf(h.valid) then h.id end as open_id, lower(h.valid) as open_from
    from _offers_to_apply o
    left join lateral (
      select h.id, h.valid, h.price, h.currency, h.in_stock from public.price_history h
      where h.listing_id = o.listing_id order by lower(h.valid) desc limit 1
    ) h on true
    where h.id is null
       or (upper_inf(h.valid) and (h.price, h.currency, h.in_stock) is distinct from (o.price, o.currency, o.in_stock))
       or upper(h.valid) <= o.observed_at
  ),
  closed as (
    update public.price_history h set valid = tstzrange(lower(h.valid), o.observed_at)
    from o where h.id = any (array(select o.open_id from o where o.open_id is not null and o.observed_at > o.open_from)) and h.id = o.open_id
    returning h.listing_id
  ),
  opened as (
    insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
    select o.listing_id, o.price, o.currency, o.price_base, o.in_stock, tstzrange(o.observed_at, null)
    from o
    where o.open_id is null or o.listing_id in (select listing_id from closed)
  )
  select coalesce(array_agg(c.listing_id), '{}') into moved from closed c;

  -- The 30-day reference moves only with the open range: a listing's first range has no history
  -- before it, and an offer whose range stayed has the reference it had.
  perform private.set_price_references(moved);
  -- The price alerts watching these variants, found by index (alerts/evaluate_alerts.sql).
  perform private.fire_price_alerts(array(select distinct o.variant_id from _offers_to_apply o where o.variant_id is not null));
end;
$$;
comment on function private.apply_staged_offers(bigint) is 'Makes the reviewed offers in _offers_to_apply current (latest wins), extends the price history, and fires the price alerts of their variants.';

revoke execute on function private.apply_staged_offers(bigint) from public;
grant execute on function private.apply_staged_offers(bigint) to service_role;

/**
 * Makes reviewed prices current, as private.apply_staged_offers; called by anomaly approval.
 * offers: [{listing_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at, shipping, shipping_base}],
 * one per listing.
 */
create or replace function private.apply_offers(batch bigint, offers jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  perform private.ingest_staging_tables();
  insert into _offers_to_apply
  select o.listing_id, l.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock, o.observed_at,
         o.shipping, o.shipping_base
  from jsonb_to_recordset(offers) as o (listing_id uuid, variant_id uuid, price numeric, currency text, price_base numeric,
                                        price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz,
                                        shipping numeric, shipping_base numeric)
  join public.retailer_listings l on l.id = o.listing_id;
  perform private.apply_staged_offers(batch);
end;
$$;
comment on function private.apply_offers(bigint, jsonb) is 'Makes reviewed prices current (latest wins) and extends the price history; called by anomaly approval.';
revoke execute on function private.apply_offers(bigint, jsonb) from public;
grant execute on function private.apply_offers(bigint, jsonb) to service_role;
