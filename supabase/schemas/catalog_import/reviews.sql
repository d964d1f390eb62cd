-- The review queue of catalog imports: source rows the import would not decide alone (a
-- near-duplicate name, a missing or unreadable concentration), and the service_role RPCs that list
-- them and decide each one. A decision is applied through the same batch SQL as an import.

create table private.catalog_import_reviews (
  id bigint generated always as identity primary key,
  source text not null,
  source_key text not null,
  run_id bigint not null references private.catalog_import_runs (id),
  reason text not null,
  candidate_id uuid references public.fragrances (id) on delete set null,
  similarity real,
  status text not null default 'pending' constraint catalog_import_reviews_status_known
    check (status in ('pending', 'merged', 'created', 'rejected', 'superseded')),
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint catalog_import_reviews_source_row foreign key (source, source_key)
    references private.catalog_source_rows (source, source_key) on delete cascade deferrable initially deferred,
  constraint catalog_import_reviews_decided_iff_closed check ((status = 'pending') = (decided_at is null))
);
comment on table private.catalog_import_reviews is 'Source rows an import left to a person: why, and the fragrance it may be. Decided by public.resolve_catalog_review.';
comment on column private.catalog_import_reviews.id is 'Review number, as resolve_catalog_review takes it.';
comment on column private.catalog_import_reviews.source is 'Source of the row.';
comment on column private.catalog_import_reviews.source_key is 'Key of the row in its source (private.catalog_source_rows holds the row).';
comment on column private.catalog_import_reviews.run_id is 'The run that (last) sent it here.';
comment on column private.catalog_import_reviews.reason is 'Why: "near duplicate of a fragrance in the catalog", "concentration missing", "concentration not understood: ...".';
comment on column private.catalog_import_reviews.candidate_id is 'The fragrance it may be (nearest name of its brand), if any.';
comment on column private.catalog_import_reviews.similarity is 'Trigram similarity of the names, for a near duplicate.';
comment on column private.catalog_import_reviews.status is 'pending, merged, created, rejected (decided), or superseded (the source fixed the row).';
comment on column private.catalog_import_reviews.decided_at is 'When it was decided; null while pending.';
create unique index catalog_import_reviews_pending_unique on private.catalog_import_reviews (source, source_key)
  where status = 'pending';
create index catalog_import_reviews_source_row_idx on private.catalog_import_reviews (source, source_key);
create index catalog_import_reviews_candidate_idx on private.catalog_import_reviews (candidate_id);
create index catalog_import_reviews_run_idx on private.catalog_import_reviews (run_id);
call private.track_updates('private.catalog_import_reviews');

/** service_role: the review queue, oldest first, with what each row says and the candidate's name. */
create or replace function public.catalog_reviews(status text default 'pending', max_rows integer default 100)
returns table (id bigint, source text, source_key text, reason text, brand text, name text, concentration text,
               year text, source_url text, candidate_id uuid, candidate_name text, similarity real, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select v.id, v.source, v.source_key, v.reason, s.data ->> 'brand', s.data ->> 'name', s.data ->> 'concentration',
         s.data ->> 'year', s.source_url, v.candidate_id,
         b.name || ' ' || f.name || ' (' || f.concentration || ')', v.similarity, v.created_at
  from private.catalog_import_reviews v
  join private.catalog_source_rows s on s.source = v.source and s.source_key = v.source_key
  left join public.fragrances f on f.id = v.candidate_id
  left join public.brands b on b.id = f.brand_id
  where v.status = catalog_reviews.status
  order by v.id
  limit least(greatest(coalesce(max_rows, 100), 1), 1000)
$$;
comment on function public.catalog_reviews(text, integer) is
  'service_role: catalog import rows waiting for a person (or decided ones, by status), with the candidate fragrance.';

/**
 * service_role: decides a review. merge: the row is the candidate (or the fragrance given); create:
 * a new fragrance (give the concentration when the row has none); reject: not imported. The row is
 * then applied through the import's batch SQL, as a run of its own, with precedence as always.
 */
create or replace function public.resolve_catalog_review(
  review_id bigint, decision text, concentration public.concentration default null, fragrance_id uuid default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  review private.catalog_import_reviews;
  source_row private.catalog_source_rows;
  target uuid;
  run bigint;
  counts jsonb;
begin
  select * into review from private.catalog_import_reviews v where v.id = review_id for update;
  if review.id is null or review.status <> 'pending' then
    raise exception 'review % is not pending', review_id using errcode = 'P0002';
  end if;
  if decision is null or decision not in ('merge', 'create', 'reject') then
    raise exception 'decision must be merge, create or reject' using errcode = '22023';
  end if;
  select * into source_row from private.catalog_source_rows s
  where s.source = review.source and s.source_key = review.source_key for update;

  if decision = 'reject' then
    update private.catalog_source_rows s set status = 'rejected', fragrance_id = null
    where s.source = review.source and s.source_key = review.source_key;
    update private.catalog_import_reviews v set status = 'rejected', decided_at = now() where v.id = review.id;
    return jsonb_build_object('review_id', review.id, 'status', 'rejected');
  end if;

  target := case when decision = 'merge' then coalesce(fragrance_id, review.candidate_id) end;
  if decision = 'merge' and not exists (select from public.fragrances f where f.id = target and f.deleted_at is null) then
    raise exception 'merge needs a live fragrance: give fragrance_id (the review has no candidate, or it was deleted)'
      using errcode = '22023';
  end if;
  if decision = 'create' and concentration is null and review.reason like 'concentration%' then
    raise exception 'this row has no concentration the import understands: give one' using errcode = '22023';
  end if;

  update private.catalog_import_reviews v
  set status = case decision when 'merge' then 'merged' else 'created' end, decided_at = now()
  where v.id = review.id;
  select r.run_id into run from private.start_catalog_import(review.source, format('review %s', review.id), null, 'review') r;
  counts := private.import_catalog_batch(run, jsonb_build_array(source_row.data || jsonb_strip_nulls(jsonb_build_object(
    'line', 1, 'key', review.source_key, 'decided_fragrance_id', target, 'decided_create', decision = 'create',
    'decided_concentration', concentration))), 1);
  perform private.finish_catalog_import(run);
  return jsonb_build_object('review_id', review.id, 'status', case decision when 'merge' then 'merged' else 'created' end,
    'run_id', run, 'fragrance_id',
    (select s.fragrance_id from private.catalog_source_rows s where s.source = review.source and s.source_key = review.source_key),
    'counts', counts);
end;
$$;
comment on function public.resolve_catalog_review(bigint, text, public.concentration, uuid) is
  'service_role: decides a catalog import review — merge (into the candidate or fragrance_id), create (a new fragrance; concentration when the row had none) or reject — and applies it through the import''s batch SQL.';

revoke execute on function public.catalog_reviews(text, integer),
  public.resolve_catalog_review(bigint, text, public.concentration, uuid) from public, anon, authenticated;
grant execute on function public.catalog_reviews(text, integer),
  public.resolve_catalog_review(bigint, text, public.concentration, uuid) to service_role;
grant select, insert, update on private.catalog_import_reviews to service_role;
