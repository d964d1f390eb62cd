-- The queue that keeps embeddings current (Supabase's automatic-embeddings
-- pattern): a trigger on public.fragrance_documents enqueues a job when a
-- document's content hash differs from its embedding's; the `embed` edge
-- function claims jobs (FOR UPDATE SKIP LOCKED, visibility timeout), embeds
-- them and completes or fails them; failures back off exponentially and end in
-- a dead-letter state. SQL does the bookkeeping, the function only embeds.

create table private.embedding_jobs (
  id bigint generated always as identity primary key,
  fragrance_id uuid not null unique references public.fragrance_documents (fragrance_id) on delete cascade,
  content_hash text not null constraint embedding_jobs_content_hash_format check (content_hash ~ '^[0-9a-f]{32}$'),
  status text not null default 'queued' constraint embedding_jobs_status_known check (status in ('queued', 'dead')),
  attempts integer not null default 0 constraint embedding_jobs_attempts_non_negative check (attempts >= 0),
  visible_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.embedding_jobs is 'Queue of documents to embed, one job per fragrance; a completed job is deleted, a failed one retried later or dead-lettered.';
comment on column private.embedding_jobs.id is 'Job number.';
comment on column private.embedding_jobs.fragrance_id is 'Fragrance whose document is to be embedded.';
comment on column private.embedding_jobs.content_hash is 'Hash of the document to embed; a newer edit updates it, so a job finished for an older hash stays queued.';
comment on column private.embedding_jobs.status is 'queued (claimable once visible_at has passed) or dead (gave up after embedding_max_attempts; see last_error).';
comment on column private.embedding_jobs.attempts is 'Times the job has been claimed.';
comment on column private.embedding_jobs.visible_at is 'When the job may be claimed (next): now for new jobs, claim time + visibility timeout while claimed, now + backoff after a failure.';
comment on column private.embedding_jobs.last_error is 'Error of the last failed attempt.';
call private.track_updates('private.embedding_jobs');
create index embedding_jobs_claimable_idx on private.embedding_jobs (visible_at, id) where status = 'queued';
grant select, insert, update, delete on private.embedding_jobs to service_role;

/** Enqueues the fragrances among ids whose document has no current embedding; returns how many jobs were (re)queued. */
create or replace function private.enqueue_embeddings(ids uuid[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  queued integer;
begin
  insert into private.embedding_jobs as j (fragrance_id, content_hash)
  select d.fragrance_id, d.content_hash
  from public.fragrance_documents d
  left join public.fragrance_embeddings e on e.fragrance_id = d.fragrance_id
  where d.fragrance_id = any (ids)
    and (e.fragrance_id is null or e.content_hash <> d.content_hash or e.model <> private.setting('embedding_model') #>> '{}')
  on conflict (fragrance_id) do update
    set content_hash = excluded.content_hash, status = 'queued', attempts = 0, visible_at = now(), last_error = null
    where j.content_hash <> excluded.content_hash;
  get diagnostics queued = row_count;
  return queued;
end;
$$;
comment on function private.enqueue_embeddings(uuid[]) is
  'Queues an embedding job for each given fragrance whose embedding is missing, of another model, or of older content. An unchanged document is never queued again; a changed one resets its job (attempts, dead state).';
revoke execute on function private.enqueue_embeddings(uuid[]) from public;
grant execute on function private.enqueue_embeddings(uuid[]) to service_role;

/** AFTER INSERT/UPDATE statement trigger on fragrance_documents: enqueues the changed documents. */
create or replace function private.fragrance_documents_enqueue()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: new_rows (fragrance_id uuid)';
  perform private.enqueue_embeddings((select array_agg(fragrance_id) from new_rows));
  return null;
end;
$$;
comment on function private.fragrance_documents_enqueue() is 'Statement trigger: queues embedding jobs for inserted or changed documents.';
revoke execute on function private.fragrance_documents_enqueue() from public;
create trigger enqueue_on_insert after insert on public.fragrance_documents
  referencing new table as new_rows for each statement execute function private.fragrance_documents_enqueue();
create trigger enqueue_on_update after update on public.fragrance_documents
  referencing new table as new_rows for each statement execute function private.fragrance_documents_enqueue();

/**
 * Claims up to batch_size visible jobs for a worker running `model`: each is
 * hidden for the visibility timeout and its attempt counted. Concurrent
 * workers skip each other's rows (FOR UPDATE SKIP LOCKED).
 */
create or replace function private.claim_embedding_jobs(batch_size integer, model text)
returns table (job_id bigint, fragrance_id uuid, content_hash text, document text, attempts integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  expected text := private.setting('embedding_model') #>> '{}';
begin
  if batch_size is null or batch_size not between 1 and 1000 then
    raise exception 'batch_size must be between 1 and 1000, got %', batch_size using errcode = '22023';
  end if;
  if model is distinct from expected then
    raise exception 'the worker embeds with model "%" but the database expects "%"', model, expected
      using errcode = '22023', hint = 'deploy the embed function with the expected model, or call private.set_embedding_model()';
  end if;
  return query
  with picked as (
    select j.id from private.embedding_jobs j
    where j.status = 'queued' and j.visible_at <= now()
    order by j.visible_at, j.id
    limit batch_size
    for update skip locked
  )
  update private.embedding_jobs j
     set attempts = j.attempts + 1,
         visible_at = now() + make_interval(secs => (private.setting('embedding_visibility_timeout_seconds') #>> '{}')::numeric)
  from picked, public.fragrance_documents d
  where j.id = picked.id and d.fragrance_id = j.fragrance_id
  returning j.id, j.fragrance_id, d.content_hash, d.document, j.attempts;
end;
$$;
comment on function private.claim_embedding_jobs(integer, text) is
  'Claims visible jobs (skip locked) and hides them for embedding_visibility_timeout_seconds; returns each document with the hash being embedded.';
revoke execute on function private.claim_embedding_jobs(integer, text) from public;
grant execute on function private.claim_embedding_jobs(integer, text) to service_role;

/**
 * Stores the vectors of claimed jobs and acknowledges them, all or nothing.
 * results: [{"job_id", "fragrance_id", "content_hash", "embedding": [512 numbers]}].
 * A job whose document changed meanwhile stays queued for the new content.
 */
create or replace function private.complete_embedding_jobs(results jsonb, model text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  done integer;
begin
  if jsonb_typeof(results) is distinct from 'array' then
    raise exception 'results must be a JSON array' using errcode = '22023';
  end if;
  with r as (
    select x.job_id, x.fragrance_id, x.content_hash, x.embedding::extensions.vector(512) as embedding
    from jsonb_to_recordset(results) as x(job_id bigint, fragrance_id uuid, content_hash text, embedding text)
  ), stored as (  -- a data-modifying CTE always runs to completion
    insert into public.fragrance_embeddings as e (fragrance_id, model, dimension, content_hash, embedding)
    select r.fragrance_id, complete_embedding_jobs.model, 512, r.content_hash, r.embedding
    from r
    where exists (select 1 from public.fragrance_documents d where d.fragrance_id = r.fragrance_id)
    on conflict (fragrance_id) do update
      set model = excluded.model, dimension = excluded.dimension, content_hash = excluded.content_hash, embedding = excluded.embedding
    returning e.fragrance_id
  )
  delete from private.embedding_jobs j
  using r
  where j.id = r.job_id and j.fragrance_id = r.fragrance_id and j.content_hash = r.content_hash;
  get diagnostics done = row_count;
  return done;
end;
$$;
comment on function private.complete_embedding_jobs(jsonb, text) is
  'Upserts the embeddings of finished jobs and deletes those jobs, in one statement; a wrong dimension fails the whole call.';
revoke execute on function private.complete_embedding_jobs(jsonb, text) from public;
grant execute on function private.complete_embedding_jobs(jsonb, text) to service_role;

/** Records a failed attempt: the jobs are retried after an exponential backoff, or dead-lettered after the last attempt. */
create or replace function private.fail_embedding_jobs(job_ids bigint[], error text)
returns table (retrying integer, dead integer)
language sql
security definer
set search_path = ''
as $$
  with failed as (
    update private.embedding_jobs j
       set status = case when j.attempts >= (private.setting('embedding_max_attempts') #>> '{}')::int then 'dead' else 'queued' end,
           visible_at = now() + least(interval '1 hour',
             make_interval(secs => (private.setting('embedding_retry_base_seconds') #>> '{}')::numeric * 2 ^ greatest(j.attempts - 1, 0))),
           last_error = left(coalesce(fail_embedding_jobs.error, 'unknown error'), 1000)
     where j.id = any (job_ids) and j.status = 'queued'
    returning j.status
  )
  select (count(*) filter (where status = 'queued'))::int, (count(*) filter (where status = 'dead'))::int from failed
$$;
comment on function private.fail_embedding_jobs(bigint[], text) is
  'Marks claimed jobs failed with an error: visible again after embedding_retry_base_seconds * 2^(attempts-1) (at most an hour), or dead after embedding_max_attempts.';
revoke execute on function private.fail_embedding_jobs(bigint[], text) from public;
grant execute on function private.fail_embedding_jobs(bigint[], text) to service_role;

/** Puts dead-lettered jobs back in the queue with a fresh attempt count; returns how many. */
create or replace function private.retry_dead_embedding_jobs()
returns integer
language sql
security definer
set search_path = ''
as $$
  with revived as (
    update private.embedding_jobs set status = 'queued', attempts = 0, visible_at = now(), last_error = null
    where status = 'dead' returning 1
  )
  select count(*)::int from revived
$$;
comment on function private.retry_dead_embedding_jobs() is 'Drains the dead-letter state back into the queue (after fixing the cause).';
revoke execute on function private.retry_dead_embedding_jobs() from public;
grant execute on function private.retry_dead_embedding_jobs() to service_role;

/** Switches search to another embedding model and queues every document for re-embedding; returns the jobs queued. */
create or replace function private.set_embedding_model(model text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
  if model is null or btrim(model) = '' then
    raise exception 'model must not be blank' using errcode = '22023';
  end if;
  update private.settings set value = to_jsonb(btrim(model)) where key = 'embedding_model';
  return private.enqueue_embeddings(array(select fragrance_id from public.fragrance_documents));
end;
$$;
comment on function private.set_embedding_model(text) is
  'Changes private.settings.embedding_model and enqueues every document whose vector is not of that model (the backfill).';
revoke execute on function private.set_embedding_model(text) from public;
grant execute on function private.set_embedding_model(text) to service_role;

/** Progress of the embeddings against the documents: total, current, queued, dead. */
create or replace function private.embedding_progress()
returns table (documents integer, current integer, queued integer, dead integer)
language sql
stable
security definer
set search_path = ''
as $$
  select (select count(*)::int from public.fragrance_documents),
         (select count(*)::int from public.fragrance_documents d join public.fragrance_embeddings e
            on e.fragrance_id = d.fragrance_id and e.content_hash = d.content_hash
           and e.model = private.setting('embedding_model') #>> '{}'),
         (select count(*)::int from private.embedding_jobs where status = 'queued'),
         (select count(*)::int from private.embedding_jobs where status = 'dead')
$$;
comment on function private.embedding_progress() is 'Counts for a backfill progress bar and for ops-status: documents, current embeddings, queued and dead jobs.';
revoke execute on function private.embedding_progress() from public;
grant execute on function private.embedding_progress() to service_role;
