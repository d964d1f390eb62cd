-- Ingest batches: one row per accepted webhook call, the lineage of every
-- observation; storing a batch's result records its price-ingest run.

create table private.ingest_batches (
  id bigint generated always as identity primary key,
  retailer_id uuid not null references public.retailers (id),
  received_at timestamptz not null default now(),
  idempotency_key text constraint ingest_batches_idempotency_key_length check (length(idempotency_key) between 1 and 255),
  payload_hash text not null constraint ingest_batches_payload_hash_sha256 check (payload_hash ~ '^[0-9a-f]{64}$'),
  content_type text not null constraint ingest_batches_content_type_known check (content_type in ('json', 'csv', 'xml', 'tsv')),
  row_count integer not null constraint ingest_batches_row_count_nonnegative check (row_count >= 0),
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ingest_batches_payload_unique unique (retailer_id, payload_hash),
  constraint ingest_batches_idempotency_unique unique (retailer_id, idempotency_key)
);
comment on table private.ingest_batches is 'One row per accepted webhook call: who sent what when. A replay (same body, or same Idempotency-Key) returns the stored result.';
comment on column private.ingest_batches.id is 'Batch id, referenced by every observation.';
comment on column private.ingest_batches.retailer_id is 'Sender.';
comment on column private.ingest_batches.received_at is 'When the call arrived.';
comment on column private.ingest_batches.idempotency_key is 'The Idempotency-Key header, when sent.';
comment on column private.ingest_batches.payload_hash is 'SHA-256 (hex) of the raw body.';
comment on column private.ingest_batches.content_type is 'The body''s format: json, csv, xml (Google Merchant RSS/Atom) or tsv (Google Merchant tab-separated).';
comment on column private.ingest_batches.row_count is 'Offers in the body.';
comment on column private.ingest_batches.result is 'The counts and rejects answered to the sender.';
create index ingest_batches_received_idx on private.ingest_batches (retailer_id, received_at desc);
call private.track_updates('private.ingest_batches');
grant select on private.ingest_batches to service_role;

/** Records a price-ingest run when a batch's result is stored (replays store nothing, so record nothing). */
create or replace function private.ingest_batches_record_run()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.record_pipeline_run(
    'price-ingest', new.received_at, new.row_count, (new.result ->> 'accepted')::bigint, (new.result ->> 'rejected')::bigint,
    null,
    jsonb_build_object('batch_id', new.id, 'matched', new.result -> 'matched', 'unmatched', new.result -> 'unmatched',
                       'anomalies', new.result -> 'anomalies'),
    (select r.slug from public.retailers r where r.id = new.retailer_id));
  return null;
end;
$$;
comment on function private.ingest_batches_record_run() is 'AFTER UPDATE trigger on private.ingest_batches: one price-ingest run per batch whose result was just stored.';
revoke execute on function private.ingest_batches_record_run() from public;
create trigger ingest_batches_record_run
  after update of result on private.ingest_batches
  for each row when (old.result is null and new.result is not null)
  execute function private.ingest_batches_record_run();

-- Keys first used on a replay: a replayed body answers under any new key, and that key is then
-- taken by that body, so reusing it with another body is a conflict (409), not a new batch.
create table private.ingest_replay_keys (
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  idempotency_key text not null constraint ingest_replay_keys_idempotency_key_length check (length(idempotency_key) between 1 and 255),
  batch_id bigint not null references private.ingest_batches (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (retailer_id, idempotency_key)
);
comment on table private.ingest_replay_keys is 'Idempotency-Keys first sent with a body already ingested (under another key or none), and the batch they replayed.';
comment on column private.ingest_replay_keys.retailer_id is 'Sender.';
comment on column private.ingest_replay_keys.idempotency_key is 'The key.';
comment on column private.ingest_replay_keys.batch_id is 'The batch whose body the key was sent with.';
create index ingest_replay_keys_batch_idx on private.ingest_replay_keys (batch_id);
call private.track_updates('private.ingest_replay_keys');
grant select on private.ingest_replay_keys to service_role;
