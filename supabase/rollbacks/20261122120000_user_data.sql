-- Rollback of 20261122120000_user_data.sql.
drop trigger if exists audit_setting_change on private.settings;
drop trigger if exists audit_secret_rotation on private.retailer_webhooks;
drop function if exists private.audit_sensitive_change();
drop table if exists private.audit_log;
select cron.unschedule(jobid) from cron.job where jobname = 'event-partitions';
delete from private.pipeline_runs where pipeline = 'event-partitions';
delete from private.pipelines where name = 'event-partitions';
drop function if exists private.ensure_event_partitions();
-- ensure_price_partitions gets its own loop back before the shared helper goes.
create or replace function private.ensure_price_partitions(months_back integer default 1, months_ahead integer default 3)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  m date;
  created integer := 0;
  part text;
begin
  for m in
    select generate_series(date_trunc('month', now() - make_interval(months => months_back)),
                           date_trunc('month', now() + make_interval(months => months_ahead)), interval '1 month')::date
  loop
    part := format('price_observations_%s', to_char(m, 'YYYY_MM'));
    if to_regclass('private.' || part) is null then
      execute format('create table private.%I partition of private.price_observations for values from (%L) to (%L)',
                     part, m, (m + interval '1 month')::date);
      execute format('comment on table private.%I is %L', part, format('Price observations of %s.', to_char(m, 'YYYY-MM')));
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;
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
