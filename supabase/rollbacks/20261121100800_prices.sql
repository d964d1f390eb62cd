-- Rollback of 20261121100800_prices.sql.
drop table if exists private.freshness_breaches;
drop table if exists private.price_daily;
drop table if exists private.listing_match_candidates;
drop table if exists private.price_anomalies;
drop type if exists public.review_status;
drop type if exists public.price_anomaly_kind;
drop table if exists public.price_history;
alter publication supabase_realtime drop table public.current_offers;
drop table if exists public.current_offers;
drop function if exists private.ensure_price_partitions(integer, integer);
drop table if exists private.price_observations;  -- and every partition
drop function if exists private.prevent_change();
drop table if exists private.ingest_batches;
drop table if exists private.retailer_webhooks;
drop function if exists public.fx_rate(text, date);
drop function if exists public.base_currency();
drop table if exists public.fx_rates;
drop function if exists private.setting(text);
drop table if exists private.settings;
