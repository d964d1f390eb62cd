-- Rollback of 20261123100000_ingest_fast_path.sql: the previous ingest functions (their migration only
-- creates or replaces, so it is applied again), and last_seen_at filled from each listing's latest observation.
alter table public.retailer_listings add column last_seen_at timestamptz not null default now();
update public.retailer_listings l
set last_seen_at = greatest(l.first_seen_at, (select max(o.observed_at) from private.price_observations o where o.listing_id = l.id));
alter table public.retailer_listings add constraint retailer_listings_seen_order check (last_seen_at >= first_seen_at);
comment on column public.retailer_listings.last_seen_at is 'Latest time a feed contained it.';
\ir ../migrations/20261121100900_price_ingest.sql
drop function private.apply_staged_offers(bigint);
drop function private.stage_offers_to_apply();
drop index public.price_history_open_idx;
alter table public.current_offers reset (fillfactor);
