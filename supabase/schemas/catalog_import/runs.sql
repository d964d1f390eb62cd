-- Catalog import runs: one row per import of one file from one source, with its checkpoint (the
-- rows already committed, so an interrupted import resumes after them), its counts, and the rows
-- it refused with why. The importer (scripts/catalog-import.ts and the import-catalog edge function,
-- one code path: supabase/functions/_shared/catalog-import/) drives them through
-- start_catalog_import -> import_catalog_batch ... -> finish_catalog_import.

create table private.catalog_import_runs (
  id bigint generated always as identity primary key,
  source text not null constraint catalog_import_runs_source_format check (source ~ '^[a-z0-9][a-z0-9-]*$'),
  file_name text,
  file_sha256 text constraint catalog_import_runs_sha256_format check (file_sha256 ~ '^[0-9a-f]{64}$'),
  mapping text,
  status text not null default 'running' constraint catalog_import_runs_status_known
    check (status in ('running', 'succeeded', 'failed')),
  rows_done integer not null default 0 constraint catalog_import_runs_rows_done_nonnegative check (rows_done >= 0),
  counts jsonb not null default '{}',
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint catalog_import_runs_finished_iff_done check ((status = 'running') = (finished_at is null))
);
comment on table private.catalog_import_runs is 'One catalog import of one file: its checkpoint (rows_done), counts and outcome. A run still running or failed for the same source and file is resumed, not restarted.';
comment on column private.catalog_import_runs.id is 'Run number; lineage rows name the runs they came from.';
comment on column private.catalog_import_runs.source is 'Source name (kebab-case), e.g. parfumo, fragrantica, a distributor; with the source key it identifies a source row.';
comment on column private.catalog_import_runs.file_name is 'File name as given (informative).';
comment on column private.catalog_import_runs.file_sha256 is 'SHA-256 of the file: a run of the same source and file resumes an unfinished one.';
comment on column private.catalog_import_runs.mapping is 'The column mapping used (parfumo, fragrantica, a custom one), informative.';
comment on column private.catalog_import_runs.status is 'running (or interrupted: resumable), succeeded or failed (resumable).';
comment on column private.catalog_import_runs.rows_done is 'Checkpoint: the file''s data lines 1..rows_done are committed (the contiguous prefix of private.catalog_import_batches); a resume skips them.';
comment on column private.catalog_import_runs.counts is 'Running totals: inserted, updated, unchanged, merged, review, rejected, plus brands, notes, accords and perfumers created.';
comment on column private.catalog_import_runs.error is 'Why a failed run stopped.';
comment on column private.catalog_import_runs.started_at is 'When the run started.';
comment on column private.catalog_import_runs.finished_at is 'When it succeeded or failed; null while running.';
create index catalog_import_runs_source_file_idx on private.catalog_import_runs (source, file_sha256, id desc);
call private.track_updates('private.catalog_import_runs');

create table private.catalog_import_rejects (
  run_id bigint not null references private.catalog_import_runs (id) on delete cascade,
  line integer not null,
  source_key text,
  field text not null,
  reason text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (run_id, line, field)
);
comment on table private.catalog_import_rejects is 'Source rows an import refused: which line, which field, and why. Nothing of a refused row is written.';
comment on column private.catalog_import_rejects.run_id is 'The run that refused it.';
comment on column private.catalog_import_rejects.line is 'Line of the file (1 = first data row).';
comment on column private.catalog_import_rejects.source_key is 'The row''s source key, when it had one.';
comment on column private.catalog_import_rejects.field is 'The field at fault (brand, name, year, concentration, key, ...).';
comment on column private.catalog_import_rejects.reason is 'What is wrong with it.';
call private.track_updates('private.catalog_import_rejects');

create table private.catalog_import_batches (
  run_id bigint not null references private.catalog_import_runs (id) on delete cascade,
  first_line integer not null,
  last_line integer not null,
  counts jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  part smallint not null default 0,
  parts smallint not null default 1,
  primary key (run_id, last_line, part),
  constraint catalog_import_batches_lines_ordered check (last_line >= first_line),
  constraint catalog_import_batches_part_in_range check (part >= 0 and part < parts)
);
comment on table private.catalog_import_batches is 'The committed batches of each import run, by the file lines they cover: the run''s checkpoint is the contiguous prefix of its whole chunks.';
comment on column private.catalog_import_batches.run_id is 'The run.';
comment on column private.catalog_import_batches.first_line is 'First data line of the file in the batch.';
comment on column private.catalog_import_batches.last_line is 'Last data line of the chunk the batch is a part of (the chunk''s key).';
comment on column private.catalog_import_batches.part is 'Which part of its chunk the batch is (0-based): an import with several workers splits each chunk of lines by brand, one part per worker.';
comment on column private.catalog_import_batches.parts is 'How many parts its chunk has: the chunk is committed when all have been.';
comment on column private.catalog_import_batches.counts is 'The batch''s counts, as import_catalog_batch answered them.';
call private.track_updates('private.catalog_import_batches');

/**
 * A run's checkpoint: the last line of the contiguous prefix of its whole chunks (all parts
 * committed; 0 when none). A chunk's first line is the least of its parts' first lines.
 */
create or replace function private.catalog_import_checkpoint(run_id bigint)
returns integer
language sql
stable
set search_path = ''
as $$
  select coalesce(max(c.last_line) filter (where c.contiguous), 0)
  from (
    select chunk.last_line,
           bool_and(chunk.whole and chunk.first_line <= coalesce(chunk.previous_last, 0) + 1) over (order by chunk.last_line) as contiguous
    from (select b.last_line, min(b.first_line) as first_line, count(*) = max(b.parts) as whole,
                 lag(b.last_line) over (order by b.last_line) as previous_last
          from private.catalog_import_batches b
          where b.run_id = catalog_import_checkpoint.run_id
          group by b.last_line) chunk
  ) c
$$;

/** Adds one batch's counts to a run's (key by key). */
create or replace function private.add_counts(a jsonb, b jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(k, coalesce((a ->> k)::bigint, 0) + coalesce((b ->> k)::bigint, 0)), '{}')
  from (select jsonb_object_keys(a) union select jsonb_object_keys(b)) as keys (k)
$$;
revoke execute on function private.add_counts(jsonb, jsonb) from public;

/**
 * Starts an import of a file, or resumes the unfinished run of the same source and file (by
 * SHA-256). Returns the run and the rows to skip.
 */
create or replace function private.start_catalog_import(
  source text, file_name text, file_sha256 text, mapping text default null
)
returns table (run_id bigint, resume_after integer, resumed boolean)
language plpgsql
set search_path = ''
as $$
declare
  found private.catalog_import_runs;
begin
  if source is null or source !~ '^[a-z0-9][a-z0-9-]*$' then
    raise exception 'source must be a kebab-case name, e.g. parfumo (got %)', coalesce(source, 'null')
      using errcode = '22023';
  end if;
  select * into found from private.catalog_import_runs r
  where r.source = start_catalog_import.source and r.file_sha256 = start_catalog_import.file_sha256
    and r.status <> 'succeeded'
  order by r.id desc limit 1
  for update;
  if found.id is not null then
    update private.catalog_import_runs r set status = 'running', error = null, finished_at = null where r.id = found.id;
    -- Parts committed after the checkpoint are sent again (in chunks that may be cut differently).
    delete from private.catalog_import_batches b where b.run_id = found.id and b.last_line > found.rows_done;
    return query select found.id, found.rows_done, true;
    return;
  end if;
  return query
    insert into private.catalog_import_runs (source, file_name, file_sha256, mapping)
    values (start_catalog_import.source, start_catalog_import.file_name, start_catalog_import.file_sha256,
            start_catalog_import.mapping)
    returning id, 0, false;
end;
$$;
comment on function private.start_catalog_import(text, text, text, text) is
  'Starts a catalog import run, or resumes the unfinished one of the same source and file; returns the run id and the file rows already committed.';

/** Ends a run (failed when error is given), records it as a pipeline run, and returns its summary. */
create or replace function private.finish_catalog_import(run_id bigint, error text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  run private.catalog_import_runs;
begin
  update private.catalog_import_runs r
  set status = case when finish_catalog_import.error is null then 'succeeded' else 'failed' end,
      error = finish_catalog_import.error, finished_at = clock_timestamp()
  where r.id = finish_catalog_import.run_id and r.status = 'running'
  returning * into run;
  if run.id is null then
    raise exception 'catalog import run % is not running', run_id using errcode = '22023';
  end if;
  perform private.record_pipeline_run(
    'catalog-import', run.started_at, run.rows_done,
    coalesce((run.counts ->> 'inserted')::bigint, 0) + coalesce((run.counts ->> 'updated')::bigint, 0)
      + coalesce((run.counts ->> 'merged')::bigint, 0),
    coalesce((run.counts ->> 'rejected')::bigint, 0), run.error,
    jsonb_build_object('import_run_id', run.id, 'file_name', run.file_name, 'counts', run.counts), run.source);
  return private.catalog_import_summary(run.id);
end;
$$;
comment on function private.finish_catalog_import(bigint, text) is
  'Ends a catalog import run (failed when error is given), records it in private.pipeline_runs and returns its summary.';

/** A run's summary: status, rows, counts and the first 100 rejects (line, key, field, reason). */
create or replace function private.catalog_import_summary(run_id bigint)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'run_id', r.id, 'source', r.source, 'file_name', r.file_name, 'status', r.status, 'rows', r.rows_done,
    'counts', r.counts, 'error', r.error, 'started_at', r.started_at, 'finished_at', r.finished_at,
    'rejects', coalesce((
      select jsonb_agg(jsonb_build_object('line', x.line, 'key', x.source_key, 'field', x.field, 'reason', x.reason)
                       order by x.line, x.field)
      from (select * from private.catalog_import_rejects j where j.run_id = r.id order by j.line, j.field limit 100) x), '[]'))
  from private.catalog_import_runs r
  where r.id = catalog_import_summary.run_id
$$;
comment on function private.catalog_import_summary(bigint) is 'A catalog import run''s summary: status, rows read, counts and up to 100 rejects.';

revoke execute on function private.start_catalog_import(text, text, text, text), private.finish_catalog_import(bigint, text),
  private.catalog_import_summary(bigint) from public;
revoke execute on function private.catalog_import_checkpoint(bigint) from public;
grant execute on function private.start_catalog_import(text, text, text, text), private.finish_catalog_import(bigint, text),
  private.catalog_import_summary(bigint), private.add_counts(jsonb, jsonb), private.catalog_import_checkpoint(bigint) to service_role;
grant select, insert, update, delete on private.catalog_import_batches to service_role;
grant select, insert, update on private.catalog_import_runs to service_role;
grant select, insert on private.catalog_import_rejects to service_role;
