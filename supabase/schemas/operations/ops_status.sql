-- ops_status: one row per thing worth watching, each ok, warn or critical by
-- thresholds kept in private.settings (operations/data.sql; docs/RUNBOOK.md
-- says what each means and what to do). Read by the ops-status edge function
-- and by service_role through public.ops_status().

/** ok, warn or critical: value against {"warn": w, "critical": c} (at or above). */
create or replace function private.ops_level(value numeric, thresholds jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when value >= (thresholds ->> 'critical')::numeric then 'critical'
              when value >= (thresholds ->> 'warn')::numeric then 'warn'
              else 'ok' end
$$;
comment on function private.ops_level(numeric, jsonb) is 'Status of a value against {"warn", "critical"} thresholds (at or above each).';
revoke execute on function private.ops_level(numeric, jsonb) from public;

/** The worst of some statuses: critical, then warn, then ok. */
create or replace function private.ops_worst(variadic statuses text[])
returns text
language sql
immutable
set search_path = ''
as $$
  select case when 'critical' = any (statuses) then 'critical' when 'warn' = any (statuses) then 'warn' else 'ok' end
$$;
comment on function private.ops_worst(text[]) is 'The worst of the given ops statuses (critical > warn > ok).';
revoke execute on function private.ops_worst(text[]) from public;

/** The period of a pg_cron schedule in its common forms (null when irregular): for lateness. */
create or replace function private.cron_period(schedule text)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case
    when schedule ~ '^\d+ seconds?$' then make_interval(secs => split_part(schedule, ' ', 1)::int)
    when schedule = '* * * * *' then interval '1 minute'
    when schedule ~ '^\*/\d+ \* \* \* \*$' then make_interval(mins => substr(split_part(schedule, ' ', 1), 3)::int)
    when schedule ~ '^\d+ \* \* \* \*$' then interval '1 hour'
    when schedule ~ '^\d+ \d+ \* \* \*$' then interval '1 day'
    when schedule ~ '^\d+ \d+ \* \* \d$' then interval '7 days'
    when schedule ~ '^\d+ \d+ \d+ \* \*$' then interval '31 days'
  end
$$;
comment on function private.cron_period(text) is 'Period of a pg_cron schedule ("10 seconds", "*/15 * * * *", "5 0 * * *", ...); null for irregular ones, which are not checked for lateness.';
revoke execute on function private.cron_period(text) from public;

/**
 * Every ops item with its status. security definer: it reads cron,
 * pg_stat_statements and pg_stat_activity, which API roles cannot.
 */
create or replace function private.ops_status()
returns table (item text, status text, summary text, details jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  window_start timestamptz := now() - make_interval(hours => (private.setting('ops_window_hours'))::int);
  d jsonb;
  n numeric;
  s text;
  failing_errors integer;
  failing_warnings integer;
begin
  -- 1. Embedding queue: depth and the age of the oldest job.
  select jsonb_build_object('queued', count(*), 'visible', count(*) filter (where visible_at <= now()),
                            'oldest_age_minutes', round(extract(epoch from now() - min(created_at)) / 60, 1))
  into d from private.embedding_jobs where status = 'queued';
  item := 'embedding_queue';
  status := private.ops_level(coalesce((d ->> 'oldest_age_minutes')::numeric, 0), private.setting('ops_queue_oldest_minutes'));
  summary := format('%s jobs queued, oldest %s min', d ->> 'queued', coalesce(d ->> 'oldest_age_minutes', '0'));
  details := d;
  return next;

  -- 2. Dead letters.
  select jsonb_build_object('dead', count(*), 'oldest', min(updated_at),
                            'last_errors', coalesce((array_agg(distinct left(last_error, 200)))[1:5], '{}'))
  into d from private.embedding_jobs where status = 'dead';
  item := 'dead_letter';
  status := private.ops_level((d ->> 'dead')::numeric, private.setting('ops_dead_jobs'));
  summary := format('%s dead-lettered embedding jobs', d ->> 'dead');
  details := d;
  return next;

  -- 3. Retailers breaching their freshness SLA (late) or past the stale horizon (their offers are hidden).
  select jsonb_build_object(
           'late', coalesce(jsonb_agg(jsonb_build_object('retailer', f.slug, 'last_batch_at', f.last_batch_at,
                                                         'expected_interval', f.expected_interval, 'status', f.status))
                            filter (where f.status <> 'fresh'), '[]'),
           'hidden', count(*) filter (where f.last_batch_at < now() - f.expected_interval * (private.setting('stale_after_intervals'))::int),
           'retailers', count(*))
  into d from public.retailer_freshness() f;
  item := 'freshness';
  status := case when (d ->> 'hidden')::int > 0 then 'critical' when jsonb_array_length(d -> 'late') > 0 then 'warn' else 'ok' end;
  summary := format('%s of %s retailers late, %s past the stale horizon', jsonb_array_length(d -> 'late'), d ->> 'retailers', d ->> 'hidden');
  details := d;
  return next;

  -- 4. pg_cron: latest run failed (critical); failures in the window, stuck or late jobs (warn).
  with last_run as (
    select distinct on (r.jobid) r.jobid, r.status, r.start_time, r.return_message
    from cron.job_run_details r order by r.jobid, r.start_time desc
  ),
  jobs as (
    select j.jobname, j.schedule, lr.status as last_status, lr.start_time as last_start, left(lr.return_message, 200) as last_message,
           (select count(*) from cron.job_run_details r where r.jobid = j.jobid and r.status = 'failed' and r.start_time >= window_start) as failures,
           private.cron_period(j.schedule) as period
    from cron.job j left join last_run lr on lr.jobid = j.jobid
    where j.active
  ),
  judged as (
    select jobs.*,
           case when last_status = 'failed' then 'critical'
                when failures > 0 then 'warn'
                when last_status in ('running', 'starting')
                     and last_start < now() - make_interval(mins => (private.setting('ops_cron_stuck_minutes'))::int) then 'warn'
                when last_start < now() - 2 * period - interval '5 minutes' then 'warn'
                else 'ok' end as verdict
    from jobs
  )
  select jsonb_build_object('jobs', count(*),
           'problems', coalesce(jsonb_agg(jsonb_build_object('job', jobname, 'schedule', schedule, 'status', verdict,
                                                             'last_status', last_status, 'last_start', last_start,
                                                             'failures_in_window', failures, 'last_message', last_message)
                                          order by jobname) filter (where verdict <> 'ok'), '[]'),
           'worst', max(case verdict when 'critical' then 2 when 'warn' then 1 else 0 end))
  into d from judged;
  item := 'cron';
  status := case (d ->> 'worst')::int when 2 then 'critical' when 1 then 'warn' else 'ok' end;
  summary := format('%s of %s active jobs need attention', jsonb_array_length(d -> 'problems'), d ->> 'jobs');
  details := d - 'worst';
  return next;

  -- 5. Pipeline runs: the latest run of a pipeline (per subject) failed (critical); failures in the window (warn).
  with latest as (
    select distinct on (r.pipeline, r.subject) r.pipeline, r.subject, r.status, r.started_at, r.error
    from private.pipeline_runs r
    order by r.pipeline, r.subject, r.started_at desc, r.id desc
  ),
  window_runs as (
    select r.pipeline, count(*) as runs, count(*) filter (where r.status = 'failed') as failed,
           sum(r.rows_in) as rows_in, sum(r.rows_out) as rows_out, sum(r.rows_rejected) as rows_rejected
    from private.pipeline_runs r where r.started_at >= window_start group by r.pipeline
  )
  select jsonb_build_object(
           'failing', coalesce((select jsonb_agg(jsonb_build_object('pipeline', l.pipeline, 'subject', l.subject, 'at', l.started_at,
                                                                    'error', left(l.error, 200)) order by l.pipeline, l.subject)
                                from latest l where l.status = 'failed'), '[]'),
           'window', coalesce((select jsonb_object_agg(w.pipeline, jsonb_build_object('runs', w.runs, 'failed', w.failed, 'rows_in', w.rows_in,
                                                                                      'rows_out', w.rows_out, 'rows_rejected', w.rows_rejected))
                               from window_runs w), '{}'))
  into d;
  select coalesce(sum((v ->> 'failed')::int), 0) into n from jsonb_each(d -> 'window') as w(k, v);
  item := 'pipelines';
  status := case when jsonb_array_length(d -> 'failing') > 0 then 'critical' when n > 0 then 'warn' else 'ok' end;
  summary := format('%s pipelines failing now, %s failed runs in the window', jsonb_array_length(d -> 'failing'), n);
  details := d;
  return next;

  -- 6. Materialized views: last successful refresh (recorded by private.refresh_materialized_view).
  with views as (
    select format('%I.%I', m.schemaname, m.matviewname) as view, m.ispopulated,
           (select max(r.finished_at) from private.pipeline_runs r
            where r.pipeline = 'mv-refresh' and r.subject = format('%I.%I', m.schemaname, m.matviewname) and r.status = 'succeeded') as refreshed_at
    from pg_catalog.pg_matviews m
    where m.schemaname not in ('pg_catalog', 'information_schema')
  ),
  judged as (
    select v.*, case when not v.ispopulated then 'critical'
                     when v.refreshed_at is null then 'warn'
                     else private.ops_level(extract(epoch from now() - v.refreshed_at) / 60, private.setting('ops_mv_age_minutes')) end as verdict
    from views v
  )
  select jsonb_build_object('views', coalesce(jsonb_agg(jsonb_build_object('view', view, 'refreshed_at', refreshed_at,
                                                                           'populated', ispopulated, 'status', verdict) order by view), '[]'),
                            'worst', coalesce(max(case verdict when 'critical' then 2 when 'warn' then 1 else 0 end), 0))
  into d from judged;
  item := 'materialized_views';
  status := case (d ->> 'worst')::int when 2 then 'critical' when 1 then 'warn' else 'ok' end;
  summary := format('%s materialized views, %s stale or never refreshed',
                    jsonb_array_length(d -> 'views'), (select count(*) from jsonb_array_elements(d -> 'views') v where v ->> 'status' <> 'ok'));
  details := d - 'worst';
  return next;

  -- 7. Data quality: the latest run's failing checks (public.data_quality_report), by severity.
  select jsonb_build_object('checked_at', max(q.checked_at),
           'failing', coalesce(jsonb_agg(jsonb_build_object('check', q.check_name, 'severity', q.severity, 'failing', q.failing_count,
                                                            'sample_ids', q.sample_ids) order by q.severity desc, q.check_name)
                               filter (where q.failing_count > 0), '[]')),
         count(*) filter (where q.failing_count > 0 and q.severity = 'error'),
         count(*) filter (where q.failing_count > 0 and q.severity = 'warn')
  into d, failing_errors, failing_warnings
  from public.data_quality_report() q;
  item := 'data_quality';
  status := case when failing_errors > 0 then 'critical'
                 when failing_warnings > 0 then 'warn'
                 when d ->> 'checked_at' is null
                      or (d ->> 'checked_at')::timestamptz < now() - make_interval(hours => (private.setting('ops_data_quality_max_age_hours'))::int) then 'warn'
                 else 'ok' end;
  summary := case when d ->> 'checked_at' is null then 'no data-quality run yet'
                  else format('%s checks failing in the run of %s', jsonb_array_length(d -> 'failing'), d ->> 'checked_at') end;
  details := d;
  return next;

  -- 8. Top statements by total time (pg_stat_statements); slow means a high mean time.
  select jsonb_build_object('top', coalesce(jsonb_agg(jsonb_build_object('query', left(regexp_replace(t.query, '\s+', ' ', 'g'), 200),
                                                                          'calls', t.calls, 'total_ms', round(t.total_exec_time::numeric, 1),
                                                                          'mean_ms', round(t.mean_exec_time::numeric, 2))
                                                      order by t.total_exec_time desc), '[]'),
                            'max_mean_ms', coalesce(max(round(t.mean_exec_time::numeric, 2)), 0))
  into d
  from (select s.query, s.calls, s.total_exec_time, s.mean_exec_time
        from extensions.pg_stat_statements s
        where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
        order by s.total_exec_time desc limit 5) t;
  item := 'slow_queries';
  status := private.ops_level((d ->> 'max_mean_ms')::numeric, private.setting('ops_query_mean_ms'));
  summary := format('slowest mean among the top 5 by total time: %s ms', d ->> 'max_mean_ms');
  details := d;
  return next;

  -- 9. Connections in use against the limit.
  select count(*) into n from pg_catalog.pg_stat_activity where backend_type = 'client backend';
  d := jsonb_build_object('in_use', n,
                          'limit', current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int);
  item := 'connections';
  status := private.ops_level(n / (d ->> 'limit')::numeric, private.setting('ops_connections_share'));
  summary := format('%s of %s connections in use', n, d ->> 'limit');
  details := d;
  return next;

  -- 10. Database size and the largest tables.
  select jsonb_build_object('bytes', pg_catalog.pg_database_size(current_database()),
                            'size', pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(current_database())),
                            'largest', (select jsonb_agg(jsonb_build_object('table', t.name, 'bytes', t.bytes, 'size', pg_catalog.pg_size_pretty(t.bytes)))
                                        from (select format('%I.%I', n.nspname, c.relname) as name, pg_catalog.pg_total_relation_size(c.oid) as bytes
                                              from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                                              where c.relkind in ('r', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
                                              order by 2 desc limit 5) t))
  into d;
  item := 'database_size';
  status := private.ops_level((d ->> 'bytes')::numeric, private.setting('ops_database_bytes'));
  summary := format('database is %s', d ->> 'size');
  details := d;
  return next;

  -- 11. Embeddings missing or stale against their document's content hash; critical when one has no job to fix it.
  s := private.setting('embedding_model') #>> '{}';
  select jsonb_build_object('documents', count(*),
                            'missing', count(*) filter (where e.fragrance_id is null),
                            'stale', count(*) filter (where e.fragrance_id is not null and (e.content_hash <> doc.content_hash or e.model <> s)),
                            'unqueued', count(*) filter (where (e.fragrance_id is null or e.content_hash <> doc.content_hash or e.model <> s)
                                                         and j.fragrance_id is null))
  into d
  from public.fragrance_documents doc
  left join public.fragrance_embeddings e on e.fragrance_id = doc.fragrance_id
  left join private.embedding_jobs j on j.fragrance_id = doc.fragrance_id;
  n := ((d ->> 'missing')::numeric + (d ->> 'stale')::numeric) / greatest((d ->> 'documents')::numeric, 1);
  item := 'embeddings';
  status := case when (d ->> 'unqueued')::int > 0 then 'critical' else private.ops_level(n, private.setting('ops_embeddings_stale_share')) end;
  summary := format('%s missing and %s stale of %s documents (%s with no job)', d ->> 'missing', d ->> 'stale', d ->> 'documents', d ->> 'unqueued');
  details := d || jsonb_build_object('model', s);
  return next;

  -- 12. Prices held for review: how many, and how long the oldest has waited.
  select jsonb_build_object('pending', count(*), 'oldest', min(created_at),
                            'oldest_age_hours', round(extract(epoch from now() - min(created_at)) / 3600, 1))
  into d from private.price_anomalies where status = 'pending';
  item := 'price_anomalies';
  status := private.ops_worst(private.ops_level((d ->> 'pending')::numeric, private.setting('ops_anomalies_pending')),
                              private.ops_level(coalesce((d ->> 'oldest_age_hours')::numeric, 0), private.setting('ops_anomaly_age_hours')));
  summary := format('%s prices held for review, oldest %s h', d ->> 'pending', coalesce(d ->> 'oldest_age_hours', '0'));
  details := d;
  return next;

  -- 13. Price-alert notifications: dead-lettered deliveries, and how long the oldest deliverable one has waited.
  select jsonb_build_object(
           'dead', count(*) filter (where n.status = 'dead'),
           'waiting', count(*) filter (where n.status <> 'dead' and w.user_id is not null),
           'oldest_waiting_minutes', round(extract(epoch from now() - min(n.created_at) filter (where n.status <> 'dead' and w.user_id is not null)) / 60, 1),
           'last_errors', coalesce((array_agg(distinct left(n.last_error, 200)) filter (where n.status = 'dead'))[1:5], '{}'))
  into d
  from public.alert_notifications n
  left join private.notification_webhooks w on w.user_id = n.user_id
  where n.status <> 'delivered';
  item := 'notifications';
  status := private.ops_worst(private.ops_level((d ->> 'dead')::numeric, private.setting('ops_notifications_dead')),
                              private.ops_level(coalesce((d ->> 'oldest_waiting_minutes')::numeric, 0), private.setting('ops_notification_wait_minutes')));
  summary := format('%s notifications dead-lettered, %s waiting (oldest %s min)', d ->> 'dead', d ->> 'waiting', coalesce(d ->> 'oldest_waiting_minutes', '0'));
  details := d;
  return next;
end;
$$;
comment on function private.ops_status() is 'Every ops item (embedding_queue, dead_letter, freshness, cron, pipelines, materialized_views, data_quality, slow_queries, connections, database_size, embeddings, price_anomalies, notifications) with status ok, warn or critical; thresholds in private.settings (ops_*).';
revoke execute on function private.ops_status() from public;
grant execute on function private.ops_status() to service_role;

create or replace function public.ops_status()
returns table (item text, status text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$ select * from private.ops_status() $$;
comment on function public.ops_status() is 'Operational status: one row per watched item with ok, warn or critical and its figures (see docs/RUNBOOK.md). service_role only.';
revoke execute on function public.ops_status() from public, anon, authenticated;
grant execute on function public.ops_status() to service_role;
