-- The current offer of each listing: its latest reviewed price, in the
-- realtime publication so a frontend can watch prices change.

create table public.current_offers (
  listing_id uuid primary key,  -- the references of this table are set-wise (below)
  retailer_id uuid not null,
  variant_id uuid,
  price numeric(12, 2) not null constraint current_offers_price_positive check (price > 0),
  currency text not null,
  price_base numeric(12, 2) not null constraint current_offers_price_base_positive check (price_base > 0),
  price_per_100ml_base numeric(12, 2),
  in_stock boolean not null,
  observed_at timestamptz not null,
  batch_id bigint not null,
  stale boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  low_30d_base numeric(12, 2),
  median_30d_base numeric(12, 2),
  change_vs_low_pct numeric generated always as (round(100 * (price_base / low_30d_base - 1), 1)) stored,
  shipping numeric(12, 2) constraint current_offers_shipping_nonnegative check (shipping >= 0),
  shipping_base numeric(12, 2) constraint current_offers_shipping_base_nonnegative check (shipping_base >= 0)
)
-- Room on each page for every row's next version at once: a feed batch confirms or reprices a run of
-- offers in one transaction, so all rows of a page are updated together (HOT only if they all fit).
with (fillfactor = 50);
comment on table public.current_offers is 'The latest reviewed price of each listing. In the supabase_realtime publication: subscribe to see prices change. Prices held for review never land here until approved.';
-- A price batch reads these comments as the reasons of its rejects (prices/ingest_rules.sql).
comment on constraint current_offers_price_positive on public.current_offers is 'must be at least 0.01';
comment on constraint current_offers_price_base_positive on public.current_offers is 'is under 0.01 in the base currency once converted';
comment on column public.current_offers.listing_id is 'The listing.';
comment on column public.current_offers.retailer_id is 'Denormalized from the listing so freshness can be judged per retailer without a join; set by the ingest function from the same row.';
comment on column public.current_offers.variant_id is 'Denormalized: the listing''s matched variant, copied by the ingest function and by matching, so best_offers reads one table per variant.';
comment on column public.current_offers.price is 'Price as sent.';
comment on column public.current_offers.currency is 'Currency as sent.';
comment on column public.current_offers.price_base is 'Price in the base currency.';
comment on column public.current_offers.price_per_100ml_base is 'Base-currency price per 100 ml.';
comment on column public.current_offers.in_stock is 'Availability.';
comment on column public.current_offers.observed_at is 'When the retailer last reported this price.';
comment on column public.current_offers.batch_id is 'Batch that reported it (lineage).';
comment on column public.current_offers.low_30d_base is 'Lowest in-stock base price of the 30 days before this price began: the EU Omnibus reference for an announced discount. Null without an earlier price in that window. Set when the price begins (private.apply_staged_offers).';
comment on column public.current_offers.median_30d_base is 'Median in-stock base price of the 30 days before this price began, each earlier price weighted by how long it held. Null like low_30d_base.';
comment on column public.current_offers.change_vs_low_pct is 'Generated: the price against low_30d_base, in percent (-20.0 is 20 % under the 30-day low).';
comment on constraint current_offers_shipping_nonnegative on public.current_offers is 'must be 0 (free) or more';
comment on constraint current_offers_shipping_base_nonnegative on public.current_offers is 'must be 0 (free) or more';
comment on column public.current_offers.shipping is 'Shipping cost as sent with the latest price, in its currency (0 is free); null when the feed did not say.';
comment on column public.current_offers.shipping_base is 'Shipping in the base currency, at the rate of the price.';
comment on column public.current_offers.stale is 'Not confirmed within the retailer''s freshness SLA; excluded from best offers.';
create index current_offers_variant_idx on public.current_offers (variant_id);
create index current_offers_retailer_idx on public.current_offers (retailer_id);
call private.make_catalog_table('public.current_offers');
-- A batch writes thousands of offers of one retailer in one currency: their references are checked
-- once per statement, not once per row (foundation/references.sql). A currency is rarely deleted, so
-- its check reads the table rather than keep an index every offer would write.
call private.reference('public.current_offers', 'listing_id', 'public.retailer_listings', 'cascade');
call private.reference('public.current_offers', 'retailer_id', 'public.retailers', 'cascade');
call private.reference('public.current_offers', 'variant_id', 'public.variants', 'set null');
call private.reference('public.current_offers', 'currency', 'public.currencies', 'no action', 'code');
alter publication supabase_realtime add table public.current_offers;
-- Statements that write updated_at themselves (the ingest's confirm step) skip the per-row trigger call.
drop trigger set_updated_at on public.current_offers;
create trigger set_updated_at before update on public.current_offers
  for each row when (new.updated_at is not distinct from old.updated_at) execute function private.set_updated_at();
