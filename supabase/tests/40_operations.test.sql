-- Operations: pipeline runs are recorded, and each ops_status rule turns its
-- item warn or critical when a failure is planted.
begin;
\ir helpers.sql
select plan(69);

create function pg_temp.ops(i text) returns text language sql as $$ select status from public.ops_status() where item = i $$;
create function pg_temp.set_threshold(k text, v jsonb) returns void language sql as $$ update private.settings set value = v where key = k $$;

-- Access ------------------------------------------------------------------------------------------
select ok(has_function_privilege('service_role', 'public.ops_status()', 'execute'), 'service_role can call ops_status');
select ok(not has_function_privilege(r, 'public.ops_status()', 'execute'), format('%s cannot call ops_status', r))
from unnest(array['anon', 'authenticated']) as r;
select ok(not has_table_privilege(r, 'private.pipeline_runs', 'select'), format('%s cannot read pipeline runs', r))
from unnest(array['anon', 'authenticated']) as r;
select tests.authenticate_as_service_role();
select is((select array_agg(item) from public.ops_status()),
  array['embedding_queue', 'dead_letter', 'freshness', 'cron', 'pipelines', 'materialized_views', 'data_quality',
        'slow_queries', 'connections', 'database_size', 'embeddings', 'price_anomalies', 'notifications'],
  'service_role gets every item, in a fixed order');
select is((select count(*)::int from public.ops_status() where status not in ('ok', 'warn', 'critical')), 0, 'every item is ok, warn or critical');
select tests.clear_authentication();

-- Pipeline runs ------------------------------------------------------------------------------------
delete from private.pipeline_runs;
select is(private.run_pipeline('price-partitions', 'private.ensure_price_partitions') ->> 'status', 'succeeded', 'run_pipeline runs a step');
select results_eq($$select pipeline, status, rows_out, rows_rejected, error from private.pipeline_runs$$,
  $$values ('price-partitions', 'succeeded', 0::bigint, 0::bigint, null::text)$$, 'a successful step is recorded with its count');

create function private.ops_test_failing_step() returns integer language plpgsql set search_path = '' as $$
begin
  insert into private.settings (key, value, description) values ('ops_test_written', '1', 'written by a failing step');
  raise exception 'step exploded';
end $$;
select is(private.run_pipeline('price-rollup', 'private.ops_test_failing_step') ->> 'error', 'step exploded', 'a failing step returns its error');
select results_eq($$select status, error from private.pipeline_runs where pipeline = 'price-rollup'$$,
  $$values ('failed', 'step exploded')$$, 'the failure is recorded');
select is((select count(*)::int from private.settings where key = 'ops_test_written'), 0, 'the failing step''s writes are rolled back');
select throws_ok($$insert into private.pipeline_runs (pipeline, started_at, status) values ('no-such-pipeline', now(), 'succeeded')$$,
  '23503', null, 'runs name a known pipeline');
select throws_ok($$insert into private.pipeline_runs (pipeline, started_at, status) values ('embed', now(), 'failed')$$,
  '23514', null, 'a failed run carries its error');

select is((select array_agg(command order by jobname) from cron.job where jobname in ('catalog-data-quality', 'price-partitions', 'price-rollup', 'price-freshness')),
  array[$$select private.run_pipeline('data-quality', 'private.run_data_quality_checks')$$,
        $$select private.run_pipeline('price-freshness', 'private.check_freshness')$$,
        $$select private.run_pipeline('price-partitions', 'private.ensure_price_partitions')$$,
        $$select private.run_pipeline('price-rollup', 'private.rollup_price_observations')$$],
  'the SQL pipelines'' cron jobs record their runs');

-- A price batch whose result is stored is one run; a replay stores nothing.
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count)
select id, repeat('a', 64), 'json', 3 from public.retailers where slug = 'notino-de';
update private.ingest_batches set result = '{"accepted": 2, "rejected": 1, "matched": 2, "unmatched": 0, "anomalies": 0}' where payload_hash = repeat('a', 64);
select results_eq($$select subject, status, rows_in, rows_out, rows_rejected from private.pipeline_runs where pipeline = 'price-ingest'$$,
  $$values ('notino-de', 'succeeded', 3::bigint, 2::bigint, 1::bigint)$$, 'a stored batch result records a price-ingest run');

-- Materialized views: refreshed and recorded.
select count(private.refresh_materialized_view(format('%I.%I', schemaname, matviewname)::regclass)) from pg_matviews where schemaname = 'analytics';
create materialized view private.ops_test_mv as select 1 as id, now() as at;
create unique index on private.ops_test_mv (id);
select is(pg_temp.ops('materialized_views'), 'warn', 'materialized_views: a view never refreshed through the pipeline warns');
select is(private.refresh_materialized_view('private.ops_test_mv') ->> 'concurrently', 'true', 'a populated view with a unique index refreshes concurrently');
select results_eq($$select subject, status, rows_out from private.pipeline_runs where pipeline = 'mv-refresh' and subject like 'private.%'$$,
  $$values ('private.ops_test_mv', 'succeeded', 1::bigint)$$, 'the refresh is recorded with the view as subject');
select is(pg_temp.ops('materialized_views'), 'ok', 'materialized_views: just refreshed is ok');
update private.pipeline_runs set started_at = now() - interval '3 hours', finished_at = now() - interval '3 hours' where pipeline = 'mv-refresh';
select is(pg_temp.ops('materialized_views'), 'warn', 'materialized_views: refreshed 3 hours ago warns');
update private.pipeline_runs set started_at = now() - interval '2 days', finished_at = now() - interval '2 days' where pipeline = 'mv-refresh';
select is(pg_temp.ops('materialized_views'), 'critical', 'materialized_views: refreshed 2 days ago is critical');
refresh materialized view private.ops_test_mv with no data;
select is(pg_temp.ops('materialized_views'), 'critical', 'materialized_views: an unpopulated view is critical');
select throws_ok($$select private.refresh_materialized_view('public.fragrances')$$, '22023', null, 'refreshing a table is refused');
drop materialized view private.ops_test_mv;

-- pipelines: the latest run failing is critical; an earlier failure in the window warns; older ones are forgotten.
delete from private.pipeline_runs;
select is(pg_temp.ops('pipelines'), 'ok', 'pipelines: no runs is ok');
select private.record_pipeline_run('embed', now() - interval '1 minute', 5, 0, 5, 'provider answered 503', '{}', 'use-lite-512');
select is(pg_temp.ops('pipelines'), 'critical', 'pipelines: a pipeline whose latest run failed is critical');
select private.record_pipeline_run('embed', now(), 5, 5, 0, null, '{}', 'use-lite-512');
select is(pg_temp.ops('pipelines'), 'warn', 'pipelines: recovered, with a failure in the window, warns');
update private.pipeline_runs set started_at = now() - interval '2 days', finished_at = now() - interval '2 days' where status = 'failed';
select is(pg_temp.ops('pipelines'), 'ok', 'pipelines: failures older than the window are ok');

-- embedding_queue and dead_letter.
delete from private.embedding_jobs;
select is(pg_temp.ops('embedding_queue'), 'ok', 'embedding_queue: empty is ok');
insert into private.embedding_jobs (fragrance_id, content_hash, created_at)
select fragrance_id, content_hash, now() - interval '30 minutes' from public.fragrance_documents order by fragrance_id limit 2;
select is(pg_temp.ops('embedding_queue'), 'warn', 'embedding_queue: a job waiting 30 minutes warns');
update private.embedding_jobs set created_at = now() - interval '2 hours';
select is(pg_temp.ops('embedding_queue'), 'critical', 'embedding_queue: a job waiting 2 hours is critical');
select is(pg_temp.ops('dead_letter'), 'ok', 'dead_letter: none is ok');
update private.embedding_jobs set status = 'dead', last_error = 'provider answered 400'
where id = (select min(id) from private.embedding_jobs);
select is(pg_temp.ops('dead_letter'), 'warn', 'dead_letter: one dead job warns');
select pg_temp.set_threshold('ops_dead_jobs', '{"warn": 1, "critical": 1}');
select is(pg_temp.ops('dead_letter'), 'critical', 'dead_letter: at the critical threshold is critical');
select is((select details -> 'last_errors' ->> 0 from public.ops_status() where item = 'dead_letter'), 'provider answered 400', 'dead_letter shows the last errors');

-- embeddings: missing or stale against the content hash.
delete from private.embedding_jobs;
insert into public.fragrance_embeddings (fragrance_id, model, content_hash, embedding)
select fragrance_id, 'use-lite-512', content_hash, array_fill(0.0441941738::real, array[512])::extensions.vector
from public.fragrance_documents
on conflict (fragrance_id) do update set content_hash = excluded.content_hash, model = excluded.model;
select is(pg_temp.ops('embeddings'), 'ok', 'embeddings: every document current is ok');
update public.fragrance_embeddings set content_hash = md5('old') where fragrance_id = (select fragrance_id from public.fragrance_embeddings order by fragrance_id limit 1);
select is(pg_temp.ops('embeddings'), 'critical', 'embeddings: a stale embedding with no job to fix it is critical');
select private.enqueue_embeddings(array(select fragrance_id from public.fragrance_embeddings where content_hash = md5('old')));
select is(pg_temp.ops('embeddings'), 'ok', 'embeddings: queued, and under the warn share, is ok');
select pg_temp.set_threshold('ops_embeddings_stale_share', '{"warn": 0.001, "critical": 0.5}');
select is(pg_temp.ops('embeddings'), 'warn', 'embeddings: over the warn share warns');

-- freshness: one active retailer (of its own: the seed's send batches), its last batch moved back in time.
insert into public.retailers (slug, name, country, currency, website, update_interval)
values ('ops-shop', 'Ops Shop', 'DE', 'EUR', 'https://ops.example', '12 hours');
update public.retailers set active = slug = 'ops-shop';
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count, received_at)
select id, repeat('b', 64), 'json', 1, now() from public.retailers where slug = 'ops-shop';
select is(pg_temp.ops('freshness'), 'ok', 'freshness: a retailer that just sent is ok');
update private.ingest_batches set received_at = now() - interval '18 hours' where payload_hash = repeat('b', 64);
select is(pg_temp.ops('freshness'), 'warn', 'freshness: a retailer past its update interval warns');
update private.ingest_batches set received_at = now() - interval '36 hours' where payload_hash = repeat('b', 64);
select is(pg_temp.ops('freshness'), 'critical', 'freshness: a retailer past the stale horizon (its offers hidden) is critical');

-- cron: a planted job and its run history.
select cron.schedule('ops-test-job', '*/5 * * * *', 'select 1');
create function pg_temp.job_verdict() returns text language sql as $$
  select coalesce((select p ->> 'status' from public.ops_status() o, jsonb_array_elements(o.details -> 'problems') p
                   where o.item = 'cron' and p ->> 'job' = 'ops-test-job'), 'ok') $$;
create function pg_temp.plant_run(run_status text, started timestamptz) returns void language sql as $$
  insert into cron.job_run_details (jobid, database, username, command, status, return_message, start_time, end_time)
  select jobid, 'postgres', 'postgres', command, run_status, case run_status when 'failed' then 'ERROR: boom' else '1 row' end, started, started
  from cron.job where jobname = 'ops-test-job' $$;
select is(pg_temp.job_verdict(), 'ok', 'cron: a job that has not run yet is ok');
select pg_temp.plant_run('succeeded', now() - interval '1 minute');
select is(pg_temp.job_verdict(), 'ok', 'cron: a job that ran on time is ok');
select pg_temp.plant_run('failed', now() - interval '30 seconds');
select is(pg_temp.job_verdict(), 'critical', 'cron: a job whose latest run failed is critical');
select is(pg_temp.ops('cron'), 'critical', 'cron: ... and so is the item');
select pg_temp.plant_run('succeeded', now() - interval '10 seconds');
select is(pg_temp.job_verdict(), 'warn', 'cron: a failure in the window warns after a success');
delete from cron.job_run_details where jobid = (select jobid from cron.job where jobname = 'ops-test-job');
select pg_temp.plant_run('succeeded', now() - interval '1 hour');
select is(pg_temp.job_verdict(), 'warn', 'cron: a five-minute job last run an hour ago is late');
select pg_temp.plant_run('running', now() - interval '2 hours');
delete from cron.job_run_details where jobid = (select jobid from cron.job where jobname = 'ops-test-job') and status = 'succeeded';
select is(pg_temp.job_verdict(), 'warn', 'cron: a run stuck for two hours warns');
select is(private.cron_period('10 seconds'), interval '10 seconds', 'cron_period reads seconds');
select is(private.cron_period('17 3 * * *'), interval '1 day', 'cron_period reads daily schedules');
select is(private.cron_period('0 9 1,15 * *'), null, 'cron_period gives up on irregular schedules');

-- data_quality: the latest run's failures by severity.
delete from private.data_quality_results;
select is(pg_temp.ops('data_quality'), 'warn', 'data_quality: no run yet warns');
insert into private.data_quality_results (run_id, check_name, severity, failing_count)
select '00000000-0000-0000-0000-000000000001', name, severity, 0 from private.data_quality_checks;
select is(pg_temp.ops('data_quality'), 'ok', 'data_quality: a clean run is ok');
insert into private.data_quality_results (run_id, check_name, severity, failing_count, checked_at)
select '00000000-0000-0000-0000-000000000002', name, severity, case when name = 'fragrance_without_notes' then 3 else 0 end, now() + interval '1 second'
from private.data_quality_checks;
select is(pg_temp.ops('data_quality'), 'warn', 'data_quality: a failing warn-severity check warns');
update private.data_quality_results set severity = 'error' where run_id = '00000000-0000-0000-0000-000000000002' and failing_count > 0;
select is(pg_temp.ops('data_quality'), 'critical', 'data_quality: a failing error-severity check is critical');

-- slow_queries, connections, database_size: thresholds decide.
select pg_temp.set_threshold('ops_query_mean_ms', '{"warn": 0, "critical": 1000000000}');
select is(pg_temp.ops('slow_queries'), 'warn', 'slow_queries: a mean over the warn threshold warns');
select pg_temp.set_threshold('ops_query_mean_ms', '{"warn": 0, "critical": 0}');
select is(pg_temp.ops('slow_queries'), 'critical', 'slow_queries: over the critical threshold is critical');
select is(pg_temp.ops('connections'), 'ok', 'connections: a few in use is ok');
select pg_temp.set_threshold('ops_connections_share', '{"warn": 0.001, "critical": 2}');
select is(pg_temp.ops('connections'), 'warn', 'connections: over the warn share warns');
select is(pg_temp.ops('database_size'), 'ok', 'database_size: a small database is ok');
select pg_temp.set_threshold('ops_database_bytes', '{"warn": 1, "critical": 2}');
select is(pg_temp.ops('database_size'), 'critical', 'database_size: over the critical size is critical');


-- price_anomalies: held prices waiting for review, by count and by the age of the oldest.
delete from private.price_anomalies;
select is(pg_temp.ops('price_anomalies'), 'ok', 'price_anomalies: nothing held is ok');
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count)
select id, repeat('c', 64), 'json', 1 from public.retailers where slug = 'notino-de';
insert into private.price_anomalies (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock, kind, reason, created_at)
select (select id from public.retailer_listings order by id limit 1), max(id), 1, now(), 1, 'EUR', 1, true, 'jump', 'planted', now()
from private.ingest_batches;
select is(pg_temp.ops('price_anomalies'), 'warn', 'price_anomalies: one held price warns');
update private.price_anomalies set created_at = now() - interval '4 days';
select is(pg_temp.ops('price_anomalies'), 'critical', 'price_anomalies: one held for days is critical');

-- notifications: dead-lettered deliveries, and the wait of the oldest deliverable one.
delete from public.alert_notifications;
select is(pg_temp.ops('notifications'), 'ok', 'notifications: an empty outbox is ok');
select tests.create_user('ops-alerts@example.com', 'cccccccc-0000-0000-0000-000000000000');
insert into public.price_alerts (id, user_id, fragrance_id, kind)
values ('cccccccc-0000-0000-0000-00000000a1e7', 'cccccccc-0000-0000-0000-000000000000', tests.fragrance('dior-sauvage-edp'), 'back_in_stock');
insert into public.alert_notifications (user_id, alert_id, event, payload, created_at)
values ('cccccccc-0000-0000-0000-000000000000', 'cccccccc-0000-0000-0000-00000000a1e7', 1, '{}', now() - interval '1 hour');
select is(pg_temp.ops('notifications'), 'ok', 'notifications: waiting for a user without a webhook is not a backlog');
insert into private.notification_webhooks (user_id, url, secret) values ('cccccccc-0000-0000-0000-000000000000', 'https://hooks.example/ops', 'whsec_ops');
select is(pg_temp.ops('notifications'), 'warn', 'notifications: one waiting an hour to be delivered warns');
update public.alert_notifications set status = 'dead', last_error = 'HTTP 410' where user_id = 'cccccccc-0000-0000-0000-000000000000';
select is((select (status, details ->> 'dead', details -> 'last_errors' ->> 0)::text from public.ops_status() where item = 'notifications'),
  '(warn,1,"HTTP 410")', 'notifications: a dead-lettered one warns, with its error');

select * from finish();
rollback;
