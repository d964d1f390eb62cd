-- Rollback of 20261125090000_listing_volume.sql.
drop trigger volume_to_listings on public.variants;
drop trigger set_volume on public.retailer_listings;
drop function private.variant_volume_to_listings();
drop function private.set_listing_volume();
alter table public.retailer_listings drop column volume_ml;
