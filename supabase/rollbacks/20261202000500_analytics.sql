-- Rollback of 20261202000500_analytics.sql: the analytics schema and everything in it, its jobs, rows and RPCs.
select cron.unschedule(jobid) from cron.job where jobname = 'event-rollup' or jobname like 'refresh-%';
drop function if exists public.dashboard_recommendations(date, date);
drop function if exists public.dashboard_affiliate_ctr(date, date, uuid);
drop function if exists public.dashboard_onboarding_funnel();
drop function if exists public.dashboard_collection_pairs(integer);
drop function if exists public.dashboard_family_affinity();
drop function if exists public.dashboard_price_index(uuid, date, date);
drop function if exists public.dashboard_refreshes();
drop function if exists private.rollup_events();
drop function if exists private.refresh_materialized_view(regclass);
delete from private.pipeline_runs where pipeline in ('mv-refresh', 'event-rollup');
delete from private.pipelines where name in ('mv-refresh', 'event-rollup');
delete from private.settings where key = 'event_retention_days';
-- The schema's materialized views and tables go with it.
drop schema if exists analytics cascade;
