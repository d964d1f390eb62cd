-- Rollback of 20261122120200_analytics.sql.
select cron.unschedule(jobid) from cron.job where jobname like 'refresh-%' or jobname = 'event-rollup';
delete from private.pipeline_runs where pipeline = 'event-rollup' or (pipeline = 'mv-refresh' and subject like 'analytics.%');
delete from private.pipelines where name = 'event-rollup';
delete from private.settings where key = 'event_retention_days';
drop function if exists private.rollup_events();
drop function if exists public.dashboard_refreshes();
drop function if exists public.dashboard_price_index(uuid, date, date);
drop function if exists public.dashboard_family_affinity();
drop function if exists public.dashboard_collection_pairs(integer);
drop function if exists public.dashboard_onboarding_funnel();
drop function if exists public.dashboard_affiliate_ctr(date, date, uuid);
drop function if exists public.dashboard_recommendations(date, date);
drop schema if exists analytics cascade;
