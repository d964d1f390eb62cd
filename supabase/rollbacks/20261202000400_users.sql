-- Rollback of 20261202000400_users.sql: user data, its RPCs, and the event-partitions job.
select cron.unschedule(jobid) from cron.job where jobname = 'event-partitions';
delete from private.pipeline_runs where pipeline = 'event-partitions';
delete from private.pipelines where name = 'event-partitions';
drop function if exists public.erase_my_account();
drop function if exists private.erase_my_account();
drop function if exists public.export_my_data();
drop function if exists private.export_my_data();
drop function if exists private.ensure_event_partitions();
drop function if exists public.track_affiliate_click(uuid, text, text);
drop function if exists private.track_affiliate_click(uuid, text, text);
drop function if exists private.with_query_param(text, text, text);
drop function if exists public.record_recommendation_feedback(uuid, public.recommendation_action, jsonb);
drop function if exists public.recommend_for_me(integer);
drop function if exists private.recommend_for_me(integer);
drop function if exists private.require_user();
drop table if exists public.events;  -- and every partition
drop table if exists public.affiliate_clicks;
drop table if exists public.recommendation_events;
drop table if exists public.onboarding_answers;
drop table if exists public.collection_entries;
-- The trigger on auth.users goes with its function (dropping it directly needs auth.users' owner).
drop function if exists private.create_profile() cascade;
drop table if exists public.profiles;
drop type if exists public.recommendation_action;
drop type if exists public.onboarding_step;
drop type if exists public.collection_status;
