-- Baseline, foundation: extensions, the private schema, table conventions, settings, the audit log, pipeline runs, partition helpers.
-- The concatenation of supabase/schemas/foundation/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/foundation/extensions.sql ==========

-- The extensions the project uses and the schemas every concern builds on.
-- Extensions live in `extensions`, as on hosted Supabase. Where a platform
-- installs one already (pg_cron, pg_stat_statements, vector through supautils,
-- or the local bootstrap), `if not exists` makes this a no-op.

create schema if not exists extensions;
create extension if not exists vector with schema extensions;       -- embeddings, HNSW
create extension if not exists pg_trgm with schema extensions;      -- fuzzy names, typo-tolerant search
create extension if not exists unaccent with schema extensions;     -- "Acqua di Giò" = "acqua di gio"
create extension if not exists btree_gist with schema extensions;   -- exclusion constraints on price history
create extension if not exists pgcrypto with schema extensions;     -- digest(), HMAC
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;      -- schedules (schema cron)

-- Internals: queues, staging, security-definer helpers. Never exposed over the API.
create schema if not exists private;
comment on schema private is 'Internals (queues, staging, security-definer helpers); not exposed through the API.';
revoke all on schema private from public;
-- service_role reads internals through RPCs and the tables granted to it.
grant usage on schema private to service_role;
-- API roles may call the private helpers granted to them, and nothing else in `private`.
grant usage on schema private to anon, authenticated;

-- ========== supabase/schemas/foundation/table_conventions.sql ==========

-- The table conventions, one helper per kind of table: every table tracks
-- created_at/updated_at (track_updates); catalog tables are readable by all and
-- written by service_role only (make_catalog_table); user tables are owner-only
-- (make_user_table). A table's file calls its helper right after `create table`.

/** Sets updated_at on every UPDATE; attach with a BEFORE UPDATE trigger. */
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at with now().';
revoke execute on function private.set_updated_at() from public;

create or replace procedure private.track_updates(tbl regclass)
language plpgsql
set search_path = ''
as $$
begin
  execute format('comment on column %s.created_at is %L', tbl, 'When the row was created.');
  execute format('comment on column %s.updated_at is %L', tbl, 'When the row was last changed.');
  execute format('create trigger set_updated_at before update on %s for each row execute function private.set_updated_at()', tbl);
end;
$$;
comment on procedure private.track_updates(regclass) is
  'Documents a table''s created_at/updated_at columns and keeps updated_at current with a trigger.';
revoke execute on procedure private.track_updates(regclass) from public;

create or replace procedure private.make_catalog_table(tbl regclass, readable_when text default 'true')
language plpgsql
set search_path = ''
as $$
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select on %s to anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  execute format('create policy "catalog is readable by everyone" on %s for select to anon, authenticated using (%s)', tbl, readable_when);
end;
$$;
comment on procedure private.make_catalog_table(regclass, text) is
  'Applies the catalog convention to a table: RLS on; anon and authenticated may only SELECT (rows where readable_when holds); only service_role writes; timestamps documented and updated_at maintained.';
revoke execute on procedure private.make_catalog_table(regclass, text) from public;

/** Owner-only RLS: one permissive policy per action for authenticated on `owner_column = auth.uid()`, and full access for service_role. */
create or replace procedure private.make_user_table(tbl regclass, owner_column text default 'user_id', actions text[] default array['select', 'insert', 'update', 'delete'])
language plpgsql
set search_path = ''
as $$
declare
  action text;
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  foreach action in array actions loop
    execute format('grant %s on %s to authenticated', action, tbl);
    execute format('create policy %I on %s for %s to authenticated %s', format('owner can %s', action), tbl, action,
      case action
        when 'insert' then format('with check (%I = (select auth.uid()))', owner_column)
        when 'update' then format('using (%1$I = (select auth.uid())) with check (%1$I = (select auth.uid()))', owner_column)
        else format('using (%I = (select auth.uid()))', owner_column)
      end);
  end loop;
end;
$$;
comment on procedure private.make_user_table(regclass, text, text[]) is
  'Applies the user-data convention: RLS on; authenticated users reach only their own rows (the listed actions); anon nothing; service_role everything; updated_at maintained.';
revoke execute on procedure private.make_user_table(regclass, text, text[]) from public;

-- ========== supabase/schemas/foundation/settings.sql ==========

-- Settings the pipelines read: one row per knob, read with private.setting(key).
-- Each concern's defaults are rows in its own data.sql; a change is audited
-- (foundation/audit_log.sql).

create table private.settings (
  key text primary key constraint settings_key_format check (key ~ '^[a-z0-9_]+$'),
  value jsonb not null,
  description text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.settings is 'Tunable thresholds of the pipelines (read with private.setting(key)).';
comment on column private.settings.key is 'Setting name.';
comment on column private.settings.value is 'Value as JSON (number, string, ...).';
comment on column private.settings.description is 'What it controls, and its unit.';
call private.track_updates('private.settings');

create or replace function private.setting(setting_key text)
returns jsonb
language sql
stable
set search_path = ''
as $$ select value from private.settings where key = setting_key $$;
comment on function private.setting(text) is 'The value of a private.settings row (null when absent).';
revoke execute on function private.setting(text) from public;
grant select on private.settings to service_role;
grant execute on function private.setting(text) to service_role;

-- ========== supabase/schemas/foundation/audit_log.sql ==========


-- Sensitive changes, written by triggers and by the GDPR functions: data
-- exports, account erasures, retailer secret rotations, settings changes.
create table private.audit_log (
  id bigint generated always as identity primary key,
  actor uuid,
  action text not null constraint audit_log_action_format check (action ~ '^[a-z_.]+$'),
  details jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.audit_log is 'Sensitive changes: data exports, account erasures, secret rotations, settings changes. Holds no secret; an erased user''s rows lose their actor.';
comment on column private.audit_log.id is 'Entry number.';
comment on column private.audit_log.actor is 'The user who acted (null: a service or an erased account).';
comment on column private.audit_log.action is 'What happened (account.export, account.erase, webhook.secret_rotated, setting.changed).';
comment on column private.audit_log.details is 'What changed (never a secret, never the erased user''s data).';
comment on column private.audit_log.occurred_at is 'When.';
create index audit_log_actor_idx on private.audit_log (actor);
create index audit_log_occurred_at_idx on private.audit_log (occurred_at);
call private.track_updates('private.audit_log');
grant select on private.audit_log to service_role;

/** Audits changes of retailer secrets and settings (without the secret values). */
create or replace function private.audit_sensitive_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'retailer_webhooks' then
    if new.secret is distinct from old.secret or new.previous_valid_until is distinct from old.previous_valid_until then
      insert into private.audit_log (actor, action, details)
      values (auth.uid(), 'webhook.secret_rotated',
              jsonb_build_object('retailer_id', new.retailer_id, 'previous_valid_until', new.previous_valid_until, 'by', current_user));
    end if;
  elsif new.value is distinct from old.value then
    insert into private.audit_log (actor, action, details)
    values (auth.uid(), 'setting.changed', jsonb_build_object('key', new.key, 'from', old.value, 'to', new.value, 'by', current_user));
  end if;
  return null;
end;
$$;
comment on function private.audit_sensitive_change() is 'AFTER UPDATE trigger on private.retailer_webhooks and private.settings: writes private.audit_log.';
revoke execute on function private.audit_sensitive_change() from public;
create trigger audit_setting_change after update on private.settings for each row execute function private.audit_sensitive_change();

-- ========== supabase/schemas/foundation/pipelines.sql ==========

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

-- ========== supabase/schemas/foundation/partitions.sql ==========

-- Helpers for partitioned and append-only tables: monthly range partitions made
-- ahead of time by a daily job, and a trigger that refuses UPDATE.

create or replace function private.prevent_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end;
$$;
comment on function private.prevent_change() is 'Trigger: rejects UPDATE on append-only tables.';
revoke execute on function private.prevent_change() from public;

/**
 * Creates the monthly partitions of a table partitioned by a timestamptz range, from months_back to months_ahead,
 * as private.<table>_YYYY_MM (out of the API's reach whatever the parent's schema); returns how many it made.
 */
create or replace function private.ensure_monthly_partitions(parent regclass, months_back integer default 1, months_ahead integer default 3)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  m date;
  created integer := 0;
  schema_name text;
  table_name text;
  part text;
begin
  select c.relname into table_name from pg_catalog.pg_class c where c.oid = parent;
  schema_name := 'private';
  for m in
    select generate_series(date_trunc('month', now() - make_interval(months => months_back)),
                           date_trunc('month', now() + make_interval(months => months_ahead)), interval '1 month')::date
  loop
    part := format('%s_%s', table_name, to_char(m, 'YYYY_MM'));
    if to_regclass(format('%I.%I', schema_name, part)) is null then
      execute format('create table %I.%I partition of %s for values from (%L) to (%L)', schema_name, part, parent, m, (m + interval '1 month')::date);
      execute format('comment on table %I.%I is %L', schema_name, part, format('%s of %s.', table_name, to_char(m, 'YYYY-MM')));
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;
comment on function private.ensure_monthly_partitions(regclass, integer, integer) is 'Creates missing monthly partitions private.<table>_YYYY_MM of a range-partitioned table around now; idempotent.';
revoke execute on function private.ensure_monthly_partitions(regclass, integer, integer) from public;
