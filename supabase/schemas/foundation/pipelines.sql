-- Pipeline runs: every pipeline records what it did (rows in, out and
-- rejected, how long, and the error when it failed) in one table that
-- ops_status and the runbook read. SQL pipelines scheduled by pg_cron go
-- through private.run_pipeline(), which records a failure instead of losing
-- it with the rolled-back transaction; edge functions call
-- private.record_pipeline_run(); price batches are recorded by a trigger on
-- private.ingest_batches when their result is stored.

create table private.pipelines (
  name text primary key constraint pipelines_name_format check (name ~ '^[a-z0-9-]+$'),
  description text not null,
  schedule text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.pipelines is 'The pipelines that record runs (one row each); docs/PIPELINES.md describes them in full.';
comment on column private.pipelines.name is 'Pipeline name, as in private.pipeline_runs.pipeline.';
comment on column private.pipelines.description is 'What the pipeline does.';
comment on column private.pipelines.schedule is 'What starts it (pg_cron schedule, webhook, ...).';
call private.track_updates('private.pipelines');

create table private.pipeline_runs (
  id bigint generated always as identity primary key,
  pipeline text not null references private.pipelines (name),
  subject text,
  started_at timestamptz not null,
  finished_at timestamptz not null default clock_timestamp(),
  status text not null constraint pipeline_runs_status_known check (status in ('succeeded', 'failed')),
  rows_in bigint constraint pipeline_runs_rows_in_nonnegative check (rows_in >= 0),
  rows_out bigint constraint pipeline_runs_rows_out_nonnegative check (rows_out >= 0),
  rows_rejected bigint constraint pipeline_runs_rows_rejected_nonnegative check (rows_rejected >= 0),
  error text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint pipeline_runs_finished_after_start check (finished_at >= started_at),
  constraint pipeline_runs_error_iff_failed check ((status = 'failed') = (error is not null))
);
comment on table private.pipeline_runs is 'One row per finished pipeline run: counts, duration, and the error of a failed run. Append-only by convention; ops_status reads it.';
comment on column private.pipeline_runs.id is 'Run number.';
comment on column private.pipeline_runs.pipeline is 'Which pipeline ran.';
comment on column private.pipeline_runs.subject is 'What it ran on, when a pipeline has several (retailer slug, materialized view, embedding model).';
comment on column private.pipeline_runs.started_at is 'When the run started.';
comment on column private.pipeline_runs.finished_at is 'When it finished (succeeded or failed).';
comment on column private.pipeline_runs.status is 'succeeded or failed (a failed run wrote nothing but this row).';
comment on column private.pipeline_runs.rows_in is 'Rows the run read (offers in the batch, jobs claimed); null when not meaningful.';
comment on column private.pipeline_runs.rows_out is 'Rows it produced (offers accepted, embeddings written, partitions created or dropped).';
comment on column private.pipeline_runs.rows_rejected is 'Rows it refused or failed (rejected offers, failed jobs).';
comment on column private.pipeline_runs.error is 'Error message of a failed run.';
comment on column private.pipeline_runs.details is 'Pipeline-specific result (batch id, anomalies, stale offers, ...).';
create index pipeline_runs_pipeline_idx on private.pipeline_runs (pipeline, subject, started_at desc);
create index pipeline_runs_failed_idx on private.pipeline_runs (started_at desc) where status = 'failed';
call private.track_updates('private.pipeline_runs');

/** Records one finished run; failed when error is given. Returns the run id. */
create or replace function private.record_pipeline_run(
  pipeline text, started_at timestamptz, rows_in bigint, rows_out bigint, rows_rejected bigint default 0,
  error text default null, details jsonb default '{}', subject text default null
)
returns bigint
language sql
set search_path = ''
as $$
  insert into private.pipeline_runs (pipeline, subject, started_at, status, rows_in, rows_out, rows_rejected, error, details)
  values (pipeline, subject, started_at, case when error is null then 'succeeded' else 'failed' end,
          rows_in, rows_out, rows_rejected, error, coalesce(details, '{}'))
  returning id
$$;
comment on function private.record_pipeline_run(text, timestamptz, bigint, bigint, bigint, text, jsonb, text) is
  'Records one finished pipeline run (failed when error is not null); called by edge functions and SQL pipelines.';
revoke execute on function private.record_pipeline_run(text, timestamptz, bigint, bigint, bigint, text, jsonb, text) from public;

/**
 * Runs a SQL pipeline step (a function called without arguments) and records
 * the run. A failure is caught, recorded with its message and returned, so it
 * outlives the rolled-back work; the step's own writes are all or nothing.
 * A step returning a number reports rows out; one returning a JSON object may
 * carry rows_in, rows_out and rows_rejected.
 */
create or replace function private.run_pipeline(pipeline text, step regproc, subject text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  started timestamptz := clock_timestamp();
  result jsonb;
  run bigint;
  message text;
begin
  begin
    execute format('select to_jsonb(%s())', step) into result;
  exception when others then
    get stacked diagnostics message = message_text;
    run := private.record_pipeline_run(pipeline, started, null, null, null, message, '{}', subject);
    return jsonb_build_object('run_id', run, 'status', 'failed', 'error', message);
  end;
  run := private.record_pipeline_run(
    pipeline, started,
    case when jsonb_typeof(result) = 'object' then (result ->> 'rows_in')::bigint end,
    case jsonb_typeof(result) when 'number' then (result #>> '{}')::bigint when 'object' then (result ->> 'rows_out')::bigint end,
    case when jsonb_typeof(result) = 'object' then coalesce((result ->> 'rows_rejected')::bigint, 0) else 0 end,
    null,
    case when jsonb_typeof(result) = 'object' then result else jsonb_build_object('result', result) end,
    subject);
  return jsonb_build_object('run_id', run, 'status', 'succeeded', 'result', result);
end;
$$;
comment on function private.run_pipeline(text, regproc, text) is
  'Runs a pipeline step function and records the run in private.pipeline_runs; a failure is recorded and returned instead of raised (pg_cron then shows success: read pipeline_runs).';
revoke execute on function private.run_pipeline(text, regproc, text) from public;

grant select on private.pipelines, private.pipeline_runs to service_role;
grant execute on function private.record_pipeline_run(text, timestamptz, bigint, bigint, bigint, text, jsonb, text) to service_role;
grant execute on function private.run_pipeline(text, regproc, text) to service_role;
