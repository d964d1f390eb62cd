-- Rollback of 20261202000200_prices.sql: FX, webhooks, batches, observations, offers, history,
-- anomalies, matching, the ingest function, freshness, best offers, their settings and jobs.
select cron.unschedule(jobid) from cron.job where jobname in ('price-partitions', 'price-rollup', 'price-freshness');
delete from private.pipeline_runs where pipeline in ('price-ingest', 'price-partitions', 'price-rollup', 'price-freshness');
delete from private.pipelines where name in ('price-ingest', 'price-partitions', 'price-rollup', 'price-freshness');
delete from private.settings where key in ('match_auto_threshold', 'match_review_threshold', 'match_min_margin', 'anomaly_jump_share',
  'anomaly_below_low_margin', 'anomaly_factor_tolerance', 'plausible_per_100ml_base', 'observation_horizon_days',
  'stale_after_intervals', 'max_batch_rows');
drop function if exists public.best_offers(uuid, text);
drop function if exists private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb);
drop function if exists private.apply_offers(bigint, jsonb);
drop function if exists private.apply_staged_offers(bigint);
drop function if exists private.stage_offers_to_apply();
drop function if exists public.retailer_freshness();
drop function if exists private.check_freshness();
drop table if exists private.freshness_breaches;
drop function if exists private.rollup_price_observations();
drop table if exists private.price_daily;
drop function if exists private.match_listings(jsonb);
drop table if exists private.listing_match_candidates;
drop function if exists public.review_price_anomaly(bigint, boolean);
drop table if exists private.price_anomalies;
drop type if exists public.review_status;
drop type if exists public.price_anomaly_kind;
drop function if exists public.price_history(uuid, timestamptz, timestamptz, text);
drop table if exists public.price_history;
alter publication supabase_realtime drop table public.current_offers;
drop table if exists public.current_offers;
drop function if exists private.ensure_price_partitions(integer, integer);
drop table if exists private.price_observations;  -- and every partition
drop table if exists private.ingest_batches;
drop function if exists private.ingest_batches_record_run();
drop table if exists private.retailer_webhooks;
drop function if exists public.fx_rate(text, date);
drop function if exists public.base_currency();
drop table if exists public.fx_rates;
