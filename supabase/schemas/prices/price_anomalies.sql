-- Prices held for review instead of becoming current (a 100x currency slip,
-- a per-oz price, a jump against the 30-day median, ...), and the service_role
-- RPC that approves or rejects one.

create type public.price_anomaly_kind as enum ('currency_error', 'unit_error', 'jump', 'below_30d_low', 'implausible');
comment on type public.price_anomaly_kind is 'Why a price was held: a 100x currency slip, per-oz vs per-ml, a jump against the 30-day median, a drop under the 30-day low, or an implausible price with no history.';
create type public.review_status as enum ('pending', 'approved', 'rejected');
comment on type public.review_status is 'Where a held item is in review.';

create table private.price_anomalies (
  id bigint generated always as identity primary key,
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  batch_id bigint not null references private.ingest_batches (id),
  row_number integer not null,
  observed_at timestamptz not null,
  price numeric(12, 2) not null,
  currency text not null constraint price_anomalies_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  price_base numeric(12, 2) not null,
  in_stock boolean not null,
  kind public.price_anomaly_kind not null,
  reason text not null,
  reference_price_base numeric(12, 2),
  status public.review_status not null default 'pending',
  reviewed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint price_anomalies_reviewed_consistent check ((status = 'pending') = (reviewed_at is null))
);
comment on table private.price_anomalies is 'Prices held for review instead of becoming the current offer; approving one applies it.';
comment on column private.price_anomalies.id is 'Anomaly id.';
comment on column private.price_anomalies.listing_id is 'The listing.';
comment on column private.price_anomalies.batch_id is 'Batch that sent it.';
comment on column private.price_anomalies.row_number is 'Row in that batch.';
comment on column private.price_anomalies.observed_at is 'When the price was observed.';
comment on column private.price_anomalies.price is 'Price as sent.';
comment on column private.price_anomalies.currency is 'Currency as sent.';
comment on column private.price_anomalies.price_base is 'Price in the base currency.';
comment on column private.price_anomalies.in_stock is 'Availability as sent.';
comment on column private.price_anomalies.kind is 'What looked wrong.';
comment on column private.price_anomalies.reason is 'Human-readable reason with the numbers.';
comment on column private.price_anomalies.reference_price_base is 'The median or low it was compared with.';
comment on column private.price_anomalies.status is 'pending, approved or rejected.';
comment on column private.price_anomalies.reviewed_at is 'When it was reviewed.';
create index price_anomalies_listing_idx on private.price_anomalies (listing_id);
create index price_anomalies_batch_idx on private.price_anomalies (batch_id);
create index price_anomalies_pending_idx on private.price_anomalies (created_at) where status = 'pending';
call private.track_updates('private.price_anomalies');
grant select on private.price_anomalies to service_role;

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
    raise exception 'no pending price anomaly %', anomaly_id using errcode = 'PT404';  -- HTTP 404 through PostgREST
  end if;
  if approve then
    perform private.apply_offers(a.batch_id, (
      select jsonb_build_array(jsonb_build_object(
        'listing_id', a.listing_id, 'variant_id', l.variant_id, 'price', a.price, 'currency', a.currency, 'price_base', a.price_base,
        'price_per_100ml_base', round(a.price_base / l.volume_ml * 100, 2), 'in_stock', a.in_stock, 'observed_at', a.observed_at,
        -- the shipping sent with the price, from its observation, at the price's day's rate
        'shipping', po.shipping, 'shipping_base', round(po.shipping * public.fx_rate(a.currency, a.observed_at::date), 2)))
      from public.retailer_listings l
      left join private.price_observations po
        on po.listing_id = a.listing_id and po.observed_at = a.observed_at and po.batch_id = a.batch_id and po.row_number = a.row_number
      where l.id = a.listing_id));
  end if;
  return a.status;
end;
$$;
comment on function public.review_price_anomaly(bigint, boolean) is 'Approves (the price becomes current if it is the latest) or rejects a price held for review. service_role only.';
revoke execute on function public.review_price_anomaly(bigint, boolean) from public, anon, authenticated;
grant execute on function public.review_price_anomaly(bigint, boolean) to service_role;

/**
 * The review queue: prices held for review, oldest first, each with what a reviewer needs to decide:
 * the retailer and its listing as sent, the variant it is matched to, the price against the reference
 * it was compared with, and the price shown now. Paged by id: pass the last id seen as after_id.
 */
create or replace function public.pending_price_anomalies(page_size integer default 50, after_id bigint default null)
returns table (
  anomaly_id bigint, kind public.price_anomaly_kind, reason text, held_at timestamptz, observed_at timestamptz,
  price numeric, currency text, price_base numeric, reference_price_base numeric, current_price_base numeric,
  retailer_slug text, listing_id uuid, retailer_sku text, title text, url text,
  fragrance_slug text, fragrance_name text, brand_name text, size_ml numeric, packaging public.packaging
)
language plpgsql
stable
set search_path = ''
as $$
begin
  if page_size is null or page_size not between 1 and 500 then
    raise exception 'page_size must be between 1 and 500, got %', page_size using errcode = '22023';
  end if;
  return query
  select a.id, a.kind, a.reason, a.created_at, a.observed_at, a.price, a.currency, a.price_base, a.reference_price_base,
         o.price_base, r.slug, l.id, l.retailer_sku, l.title, l.url, f.slug, f.name, b.name, v.size_ml, v.packaging
  from private.price_anomalies a
  join public.retailer_listings l on l.id = a.listing_id
  join public.retailers r on r.id = l.retailer_id
  left join public.variants v on v.id = l.variant_id
  left join public.fragrances f on f.id = v.fragrance_id
  left join public.brands b on b.id = f.brand_id
  left join public.current_offers o on o.listing_id = l.id
  where a.status = 'pending' and (after_id is null or a.id > after_id)
  order by a.id
  limit page_size;
end;
$$;
comment on function public.pending_price_anomalies(integer, bigint) is
  'The review queue of held prices, oldest first, with the listing, its variant, the reference price and the price shown now; approve or reject each with review_price_anomaly. service_role only.';
revoke execute on function public.pending_price_anomalies(integer, bigint) from public, anon, authenticated;
grant execute on function public.pending_price_anomalies(integer, bigint) to service_role;
