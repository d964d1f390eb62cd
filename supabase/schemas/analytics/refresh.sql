-- The analytics schema: materialized views, not exposed, each with a unique
-- index so pg_cron refreshes it CONCURRENTLY through
-- private.refresh_materialized_view (below; it records the refresh as an
-- mv-refresh run: the view's "last refreshed"); a small star schema for
-- reporting; service_role dashboard RPCs in public. Grain and refresh of each
-- view are in its comment and in docs/ANALYTICS.md.

create schema if not exists analytics;
comment on schema analytics is 'Materialized views and the reporting star schema; not exposed, read through service_role RPCs.';
revoke all on schema analytics from public;
grant usage on schema analytics to service_role;

/** Refreshes a materialized view (concurrently when it has a unique index and data) and records the run. */
create or replace function private.refresh_materialized_view(view regclass)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  started timestamptz := clock_timestamp();
  concurrent boolean;
  message text;
  row_count bigint;
begin
  select m.ispopulated and exists (
           select from pg_catalog.pg_index i
           where i.indrelid = view and i.indisunique and i.indpred is null and i.indexprs is null)
  into concurrent
  from pg_catalog.pg_matviews m
  where format('%I.%I', m.schemaname, m.matviewname)::regclass = view;
  if concurrent is null then
    raise exception '% is not a materialized view', view using errcode = '22023';
  end if;
  begin
    execute format('refresh materialized view %s %s', case when concurrent then 'concurrently' else '' end, view);
    execute format('select count(*) from %s', view) into row_count;
  exception when others then
    get stacked diagnostics message = message_text;
    perform private.record_pipeline_run('mv-refresh', started, null, null, null, message, '{}', view::text);
    return jsonb_build_object('status', 'failed', 'view', view::text, 'error', message);
  end;
  perform private.record_pipeline_run('mv-refresh', started, null, row_count, 0, null,
                                      jsonb_build_object('concurrently', concurrent), view::text);
  return jsonb_build_object('status', 'succeeded', 'view', view::text, 'rows', row_count, 'concurrently', concurrent);
end;
$$;
comment on function private.refresh_materialized_view(regclass) is
  'Refreshes a materialized view (CONCURRENTLY when it has a unique index and is populated) and records an mv-refresh run with the view as subject; a failure is recorded and returned.';
revoke execute on function private.refresh_materialized_view(regclass) from public;
grant execute on function private.refresh_materialized_view(regclass) to service_role;
