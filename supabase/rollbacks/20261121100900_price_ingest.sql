-- Rollback of 20261121100900_price_ingest.sql.
drop function if exists private.apply_offers(bigint, jsonb);
drop function if exists private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb);
drop function if exists private.match_listings(jsonb);
drop index if exists public.fragrances_brand_name_trgm_idx;
