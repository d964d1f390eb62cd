-- Rollback of 20261121100100_catalog_types.sql.
drop table if exists public.olfactive_families;
drop table if exists public.currencies;
drop procedure if exists private.make_catalog_table(regclass, text);
drop function if exists public.is_valid_gtin(text);
drop function if exists public.normalize_name(text);
drop type if exists public.listing_status;
drop type if exists public.match_method;
drop type if exists public.feed_format;
drop type if exists public.affiliate_network;
drop type if exists public.note_tier;
drop type if exists public.packaging;
drop type if exists public.gender;
drop type if exists public.concentration;
drop procedure if exists private.track_updates(regclass);
