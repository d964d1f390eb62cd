-- Rollback of 20261121101000_price_rpcs.sql.
select cron.unschedule(jobid) from cron.job where jobname in ('price-partitions', 'price-rollup', 'price-freshness');
drop function if exists private.rollup_price_observations();
revoke select, insert, update on public.current_offers, public.price_history from service_role;
drop function if exists public.review_price_anomaly(bigint, boolean);
drop function if exists public.retailer_freshness();
drop function if exists private.check_freshness();
drop function if exists public.price_history(uuid, timestamptz, timestamptz, text);
drop function if exists public.best_offers(uuid, text);
