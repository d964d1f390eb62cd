-- Rollback of 20261122120000_user_data.sql.
drop trigger if exists audit_setting_change on private.settings;
drop trigger if exists audit_secret_rotation on private.retailer_webhooks;
drop function if exists private.audit_sensitive_change();
drop table if exists private.audit_log;
select cron.unschedule(jobid) from cron.job where jobname = 'event-partitions';
delete from private.pipeline_runs where pipeline = 'event-partitions';
delete from private.pipelines where name = 'event-partitions';
drop function if exists private.ensure_event_partitions();
drop function if exists private.ensure_monthly_partitions(regclass, integer, integer);
drop table if exists public.events;
drop table if exists public.affiliate_clicks;
drop table if exists public.recommendation_events;
drop table if exists public.onboarding_answers;
drop table if exists public.collection_entries;
-- The trigger on auth.users goes with its function (dropping it directly needs auth.users' owner).
drop function if exists private.create_profile() cascade;
drop table if exists public.profiles;
drop procedure if exists private.make_user_table(regclass, text, text[]);
drop type if exists public.recommendation_action;
drop type if exists public.onboarding_step;
drop type if exists public.collection_status;
