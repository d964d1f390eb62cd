-- Rollback of 20261121100600_retailers.sql.
drop table if exists public.retailer_listings;
drop table if exists public.retailers;
