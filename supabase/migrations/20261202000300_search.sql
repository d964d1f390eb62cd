-- Baseline, search: search documents, embeddings and their queue, hybrid search, similar fragrances, the search log.
-- The concatenation of supabase/schemas/search/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/search/documents.sql ==========

-- Search documents: one text per live fragrance, built in SQL from the catalog,
-- with its content hash (what the embedding follows), a weighted tsvector
-- (full text), a normalized "brand name" and its words (typo search), and the
-- fragrance's facets (gender, family, brand, concentration), which filters
-- compare inside the same GIN indexes. Triggers keep them current
-- (document_triggers.sql); the words of every name form the typo lexicon
-- public.fragrance_name_words.

create table public.fragrance_documents (
  fragrance_id uuid primary key references public.fragrances (id) on delete cascade,
  document text not null constraint fragrance_documents_document_not_blank check (btrim(document) <> ''),
  content_hash text not null constraint fragrance_documents_content_hash_format check (content_hash ~ '^[0-9a-f]{32}$'),
  search_vector tsvector not null,
  search_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  facets text[] not null default '{}',
  name_words text[] not null default '{}'
);
comment on table public.fragrance_documents is 'The searchable text of each live fragrance, derived from the catalog by private.refresh_fragrance_documents; never written directly.';
comment on column public.fragrance_documents.fragrance_id is 'The fragrance described.';
comment on column public.fragrance_documents.document is 'The text that is embedded: one sentence with name, brand, concentration, accords, gender, family and notes by tier, then the description.';
comment on column public.fragrance_documents.content_hash is 'md5 of document: an embedding is current when it was made from this hash.';
comment on column public.fragrance_documents.search_vector is 'Weighted full text (english, unaccented): A name and brand, B notes and accords, C family and description.';
comment on column public.fragrance_documents.search_name is 'normalize_name(brand || name): the string typo-tolerant (trigram) search compares with.';
comment on column public.fragrance_documents.facets is
  'Denormalized: private.fragrance_facets() of the fragrance (gender, family, brand, concentration), filtered inside the search indexes.';
comment on column public.fragrance_documents.name_words is 'The words of search_name: typo search finds names by their corrected words.';
-- One index per list, each also answering the filters.
create index fragrance_documents_search_vector_idx on public.fragrance_documents using gin (search_vector, facets);
comment on index public.fragrance_documents_search_vector_idx is 'Full-text search, filtered by facets in the same scan.';
create index fragrance_documents_name_words_idx on public.fragrance_documents using gin (name_words, facets);
comment on index public.fragrance_documents_name_words_idx is 'Typo search: names containing corrected words, filtered by facets in the same scan.';
-- Readable by all: rows exist only for live fragrances (deleting or soft-deleting one removes them),
-- so the policy needs no per-row lookup of the fragrance.
call private.make_catalog_table('public.fragrance_documents');

create table public.fragrance_name_words (
  word text primary key constraint fragrance_name_words_word_format check (word ~ '^[a-z0-9]+$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.fragrance_name_words is
  'Every word of every fragrance search_name, for typo correction. Only grows: a word no name uses any more matches no document.';
comment on column public.fragrance_name_words.word is 'A normalized word (lower case, unaccented, letters and digits).';
create index fragrance_name_words_trgm_idx on public.fragrance_name_words using gin (word extensions.gin_trgm_ops);
call private.make_catalog_table('public.fragrance_name_words');

/** Human words for a concentration ("edp" -> "Eau de Parfum"). */
create or replace function public.concentration_label(c public.concentration)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select case c
    when 'extrait' then 'Extrait de Parfum' when 'parfum' then 'Parfum' when 'edp' then 'Eau de Parfum'
    when 'edt' then 'Eau de Toilette' when 'edc' then 'Eau de Cologne' when 'cologne' then 'Cologne'
    when 'eau_fraiche' then 'Eau Fraiche' when 'body_mist' then 'Body Mist' when 'perfume_oil' then 'Perfume Oil'
    when 'hair_mist' then 'Hair Mist' end
$$;
comment on function public.concentration_label(public.concentration) is 'Display name of a concentration, e.g. edp -> "Eau de Parfum".';
revoke execute on function public.concentration_label(public.concentration) from public;
grant execute on function public.concentration_label(public.concentration) to anon, authenticated, service_role;

/** unaccent with a fixed dictionary, so it can be used where an immutable function is needed. */
create or replace function private.unaccent_text(t text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$ select extensions.unaccent('extensions.unaccent'::regdictionary, t) $$;
comment on function private.unaccent_text(text) is 'unaccent() with its dictionary named, hence immutable.';
revoke execute on function private.unaccent_text(text) from public;

/** The facets of a fragrance: what search filters compare. NULL attributes are left out. */
create or replace function private.fragrance_facets(
  gender public.gender, family_slug text, brand_id uuid, concentration public.concentration
)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select array_remove(array['gender:' || gender, 'family:' || family_slug, 'brand:' || brand_id, 'concentration:' || concentration], null)
$$;
comment on function private.fragrance_facets(public.gender, text, uuid, public.concentration) is
  'Facets of a fragrance (or of a search filter): {gender:…, family:…, brand:<uuid>, concentration:…}, NULLs left out.';
revoke execute on function private.fragrance_facets(public.gender, text, uuid, public.concentration) from public;
grant execute on function private.fragrance_facets(public.gender, text, uuid, public.concentration) to anon, authenticated, service_role;

-- The document of every live fragrance, computed from the catalog.
create or replace view private.fragrance_document_source with (security_invoker = true) as
with parts as (
  select f.id as fragrance_id, f.name, b.name as brand, public.concentration_label(f.concentration) as concentration,
         f.gender::text as gender, fam.name as family, f.description, nt.top_notes, nt.heart_notes, nt.base_notes, ac.accords,
         private.fragrance_facets(f.gender, f.family_slug, f.brand_id, f.concentration) as facets
  from public.fragrances f
  join public.brands b on b.id = f.brand_id
  left join public.olfactive_families fam on fam.slug = f.family_slug
  -- Joined laterally, not as scalar subqueries in the select list: those were copied into every
  -- expression that used them (document, its md5, the search vector) and ran once per copy.
  cross join lateral (
    select string_agg(n.name, ', ' order by fn.position) filter (where fn.tier = 'top') as top_notes,
           string_agg(n.name, ', ' order by fn.position) filter (where fn.tier = 'heart') as heart_notes,
           string_agg(n.name, ', ' order by fn.position) filter (where fn.tier = 'base') as base_notes
    from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
    where fn.fragrance_id = f.id
  ) nt
  cross join lateral (
    select string_agg(a.name, ', ' order by fa.strength desc, a.name) as accords
    from public.fragrance_accords fa join public.accords a on a.id = fa.accord_id
    where fa.fragrance_id = f.id
  ) ac
  where f.deleted_at is null
), docs as (
  select p.*,
         -- One flowing sentence of facts, then the description: sentence encoders
         -- embed this better than labelled lines (see docs/SEARCH.md).
         concat_ws(E'\n',
           format('%s by %s, %s: a %s%s fragrance%s%s.',
             p.name, p.brand, p.concentration, lower(p.accords) || ' ', p.gender,
             ' from the ' || lower(p.family) || ' family',
             ', with ' || nullif(concat_ws(', ', 'top notes of ' || lower(p.top_notes), 'heart notes of ' || lower(p.heart_notes),
                                          'base notes of ' || lower(p.base_notes)), '')),
           p.description) as document,
         public.normalize_name(p.brand || ' ' || p.name) as search_name
  from parts p
)
select d.fragrance_id, d.document, md5(d.document) as content_hash,
       setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.name, d.brand, d.concentration))), 'A')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.top_notes, d.heart_notes, d.base_notes, d.accords))), 'B')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.family, d.gender, d.description))), 'C') as search_vector,
       d.search_name,
       d.facets,
       string_to_array(d.search_name, ' ') as name_words
from docs d;
comment on view private.fragrance_document_source is 'What public.fragrance_documents should hold for each live fragrance.';

/** Brings the documents of the given fragrances up to date and records new name words; returns how many documents changed. */
create or replace function private.refresh_fragrance_documents(ids uuid[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed integer;
  removed integer;
begin
  insert into public.fragrance_documents as d (fragrance_id, document, content_hash, search_vector, search_name, facets, name_words)
  select s.fragrance_id, s.document, s.content_hash, s.search_vector, s.search_name, s.facets, s.name_words
  from private.fragrance_document_source s
  where s.fragrance_id = any (ids)
  on conflict (fragrance_id) do update
    set document = excluded.document, content_hash = excluded.content_hash, search_vector = excluded.search_vector,
        search_name = excluded.search_name, facets = excluded.facets, name_words = excluded.name_words
    where d.content_hash is distinct from excluded.content_hash or d.search_name is distinct from excluded.search_name
       or d.facets is distinct from excluded.facets;
  get diagnostics changed = row_count;

  insert into public.fragrance_name_words (word)
  select distinct w.word from public.fragrance_documents d cross join unnest(d.name_words) as w (word)
  where d.fragrance_id = any (ids)
  on conflict (word) do nothing;

  delete from public.fragrance_documents d
  where d.fragrance_id = any (ids)
    and not exists (select 1 from public.fragrances f where f.id = d.fragrance_id and f.deleted_at is null);
  get diagnostics removed = row_count;
  return changed + removed;
end;
$$;
comment on function private.refresh_fragrance_documents(uuid[]) is
  'Upserts the documents of the given fragrances from private.fragrance_document_source (only where the content, name or facets changed), adds their name words to fragrance_name_words, and removes the documents of deleted fragrances.';
revoke execute on function private.refresh_fragrance_documents(uuid[]) from public;
grant execute on function private.refresh_fragrance_documents(uuid[]) to service_role;

-- ========== supabase/schemas/search/document_triggers.sql ==========

-- Keeping search documents current: statement-level triggers on the catalog
-- tables a document is built from refresh the documents of the fragrances a
-- change touches (a fragrance, its notes and accords, and the names of brands,
-- notes, accords and families).

/**
 * Statement-level trigger: finds the fragrances whose document a change may
 * affect and refreshes them. TG_ARGV[0] says how rows map to fragrances:
 * the column holding a fragrance id, or 'brand', 'note', 'accord', 'family'.
 */
create or replace function private.fragrance_documents_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  key_sql text := case tg_argv[0]
    when 'brand' then 'select f.id from public.fragrances f where f.brand_id in (select id from %1$s)'
    when 'note' then 'select fn.fragrance_id from public.fragrance_notes fn where fn.note_id in (select id from %1$s)'
    when 'accord' then 'select fa.fragrance_id from public.fragrance_accords fa where fa.accord_id in (select id from %1$s)'
    when 'family' then 'select f.id from public.fragrances f where f.family_slug in (select slug from %1$s)'
    else format('select %I from %%1$s', tg_argv[0])
  end;
  ids uuid[];
begin
  if tg_op = 'INSERT' then
    execute format('select array_agg(distinct k) from (' || key_sql || ') s(k)', 'new_rows') into ids;
  elsif tg_op = 'DELETE' then
    execute format('select array_agg(distinct k) from (' || key_sql || ') s(k)', 'old_rows') into ids;
  else
    execute format('select array_agg(distinct k) from (' || key_sql || ' union ' || replace(key_sql, '%1$s', '%2$s') || ') s(k)',
                   'new_rows', 'old_rows') into ids;
  end if;
  if ids is not null then
    perform private.refresh_fragrance_documents(ids);
  end if;
  return null;
end;
$$;
comment on function private.fragrance_documents_changed() is
  'AFTER ... FOR EACH STATEMENT trigger (with transition tables new_rows/old_rows): refreshes the documents of the fragrances the changed rows belong to.';
revoke execute on function private.fragrance_documents_changed() from public;

/** Attaches private.fragrance_documents_changed to a table for INSERT, UPDATE and DELETE (one trigger each: transition tables allow one event per trigger). */
create or replace procedure private.track_document_source(tbl regclass, key text, on_insert boolean default true)
language plpgsql
set search_path = ''
as $$
declare
  name text := replace(tbl::text, 'public.', '');
begin
  if on_insert then
    execute format('create trigger %I after insert on %s referencing new table as new_rows for each statement execute function private.fragrance_documents_changed(%L)',
                   'documents_on_insert_' || name, tbl, key);
  end if;
  execute format('create trigger %I after update on %s referencing new table as new_rows old table as old_rows for each statement execute function private.fragrance_documents_changed(%L)',
                 'documents_on_update_' || name, tbl, key);
  execute format('create trigger %I after delete on %s referencing old table as old_rows for each statement execute function private.fragrance_documents_changed(%L)',
                 'documents_on_delete_' || name, tbl, key);
end;
$$;
comment on procedure private.track_document_source(regclass, text, boolean) is
  'Keeps fragrance documents current when tbl changes; key maps its rows to fragrances (see private.fragrance_documents_changed).';
revoke execute on procedure private.track_document_source(regclass, text, boolean) from public;

call private.track_document_source('public.fragrances', 'id');
call private.track_document_source('public.fragrance_notes', 'fragrance_id');
call private.track_document_source('public.fragrance_accords', 'fragrance_id');
-- A new brand, note, accord or family belongs to no fragrance yet: renames and deletes matter.
call private.track_document_source('public.brands', 'brand', false);
call private.track_document_source('public.notes', 'note', false);
call private.track_document_source('public.accords', 'accord', false);
call private.track_document_source('public.olfactive_families', 'family', false);

-- ========== supabase/schemas/search/embeddings.sql ==========

-- Embeddings of fragrance documents: one unit-length 512-d vector per live
-- fragrance from the current model, with an HNSW index for kNN and the
-- document's facets (copied by triggers) for filtered kNN without a join.
-- Written only by the embed pipeline (embedding_queue.sql).

create table public.fragrance_embeddings (
  -- Keyed on the document: deleting or soft-deleting a fragrance removes its document, and with it this row.
  fragrance_id uuid primary key references public.fragrance_documents (fragrance_id) on delete cascade,
  model text not null constraint fragrance_embeddings_model_not_blank check (btrim(model) <> ''),
  dimension smallint not null default 512 constraint fragrance_embeddings_dimension_512 check (dimension = 512),
  content_hash text not null constraint fragrance_embeddings_content_hash_format check (content_hash ~ '^[0-9a-f]{32}$'),
  embedding extensions.vector(512) not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  facets text[] not null default '{}',
  -- Cosine search and the similar-fragrances re-ranking assume unit vectors; a zero vector has no cosine (NaN).
  constraint fragrance_embeddings_unit_length check (abs(extensions.vector_norm(embedding) - 1) < 0.001)
);
-- Stored inline: an exact kNN over a filtered set reads the vectors without a TOAST lookup per row.
alter table public.fragrance_embeddings alter column embedding set storage plain;
comment on table public.fragrance_embeddings is 'The embedding of each fragrance document (one per fragrance, from the model in private.settings.embedding_model); written only by the embed pipeline.';
comment on column public.fragrance_embeddings.fragrance_id is 'The fragrance embedded.';
comment on column public.fragrance_embeddings.model is 'Model that produced the vector (search compares only vectors of one model).';
comment on column public.fragrance_embeddings.dimension is 'Vector dimension: 512 for the whole schema.';
comment on column public.fragrance_embeddings.content_hash is 'content_hash of the document embedded; differs from fragrance_documents.content_hash while a re-embed is pending.';
comment on column public.fragrance_embeddings.embedding is 'Unit-length 512-d vector; compared by cosine distance through the HNSW index.';
comment on column public.fragrance_embeddings.facets is
  'Denormalized: fragrance_documents.facets (set on write and when the document''s facets change), for filtered kNN without a join.';
create index fragrance_embeddings_hnsw_idx on public.fragrance_embeddings
  using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64);
comment on index public.fragrance_embeddings_hnsw_idx is 'Approximate nearest neighbours by cosine distance (pgvector HNSW).';
create index fragrance_embeddings_facets_idx on public.fragrance_embeddings using gin (facets);
comment on index public.fragrance_embeddings_facets_idx is 'Filtered kNN: the embeddings of a filter, sorted exactly when they are few.';
-- Readable by all: rows exist only for live fragrances (deleting or soft-deleting one removes them),
-- so the policy needs no per-row lookup of the fragrance.
call private.make_catalog_table('public.fragrance_embeddings');

/** BEFORE INSERT OR UPDATE OF fragrance_id on fragrance_embeddings: copies the document's facets. */
create or replace function private.embedding_facets_from_document()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.facets := coalesce((select d.facets from public.fragrance_documents d where d.fragrance_id = new.fragrance_id), '{}');
  return new;
end;
$$;
comment on function private.embedding_facets_from_document() is 'Trigger: an embedding row takes the facets of its document.';
revoke execute on function private.embedding_facets_from_document() from public;
create trigger embedding_facets_from_document before insert or update of fragrance_id on public.fragrance_embeddings
  for each row execute function private.embedding_facets_from_document();

/** AFTER UPDATE on fragrance_documents (statement): passes changed facets on to the embeddings. */
create or replace function private.document_facets_to_embeddings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: new_rows (fragrance_id uuid, facets text[])';
  update public.fragrance_embeddings e
  set facets = n.facets
  from new_rows n
  where e.fragrance_id = n.fragrance_id and e.facets is distinct from n.facets;
  return null;
end;
$$;
comment on function private.document_facets_to_embeddings() is 'Trigger: keeps fragrance_embeddings.facets equal to the document''s.';
revoke execute on function private.document_facets_to_embeddings() from public;
create trigger document_facets_to_embeddings after update on public.fragrance_documents
  referencing new table as new_rows for each statement execute function private.document_facets_to_embeddings();

-- ========== supabase/schemas/search/embedding_queue.sql ==========

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

-- ========== supabase/schemas/search/similar_fragrances.sql ==========

-- "Smells like": vector neighbours re-ranked by shared notes and accords,
-- cached per fragrance. Changing an embedding invalidates the cache entries it
-- can affect; the embed pipeline refills missing entries; a miss is computed
-- live, so the answer is never stale, only sometimes slower.

-- Load pgvector first, so the SET clause below names a known setting.
select '[1]'::extensions.vector;

create table public.similar_fragrances_cache (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  rank smallint not null constraint similar_fragrances_cache_rank_positive check (rank >= 1),
  similar_fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  similarity real not null constraint similar_fragrances_cache_similarity_range check (similarity between -1 and 1),
  score real not null,
  shared_notes text[] not null default '{}',
  shared_accords text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, rank)
);
comment on table public.similar_fragrances_cache is 'Cached answers of similar_fragrances: the best neighbours of each fragrance, in rank order. Written by the embed pipeline only.';
comment on column public.similar_fragrances_cache.fragrance_id is 'The fragrance asked about.';
comment on column public.similar_fragrances_cache.rank is 'Position in the answer, 1 = most similar.';
comment on column public.similar_fragrances_cache.similar_fragrance_id is 'The neighbour.';
comment on column public.similar_fragrances_cache.similarity is 'Cosine similarity of the two embeddings.';
comment on column public.similar_fragrances_cache.score is 'Re-ranking score: 0.6 similarity + 0.25 note overlap + 0.15 accord overlap.';
comment on column public.similar_fragrances_cache.shared_notes is 'Notes both have.';
comment on column public.similar_fragrances_cache.shared_accords is 'Accords both have.';
create index similar_fragrances_cache_similar_idx on public.similar_fragrances_cache (similar_fragrance_id);
call private.make_catalog_table('public.similar_fragrances_cache');

/** Live computation: up to k neighbours, re-ranked; excludes the fragrance itself and deleted ones. */
create or replace function public.similar_fragrances_live(fragrance_id uuid, k integer default 10)
returns table (
  similar_fragrance_id uuid, similarity real, score real, shared_notes text[], shared_accords text[]
)
language sql
stable
set search_path = ''
set hnsw.ef_search = 100
as $$
  with target as (
    select e.embedding, e.model from public.fragrance_embeddings e where e.fragrance_id = similar_fragrances_live.fragrance_id
  ), neighbours as materialized (
    select e.fragrance_id as id, 1 - (e.embedding operator(extensions.<=>) t.embedding) as similarity
    from target t
    cross join lateral (
      select e.fragrance_id, e.embedding from public.fragrance_embeddings e
      where e.model = t.model and e.fragrance_id <> similar_fragrances_live.fragrance_id
      order by e.embedding operator(extensions.<=>) t.embedding
      limit greatest(100, 2 * k)  -- the same pool for every k up to 50, so cached and live answers agree
    ) e
  ), scored as (
    select nb.id, nb.similarity,
           array(select n.name from public.fragrance_notes a join public.fragrance_notes b on b.note_id = a.note_id
                   join public.notes n on n.id = a.note_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by n.name) as shared_notes,
           (select count(distinct note_id) from public.fragrance_notes
             where fragrance_notes.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)) as union_notes,
           array(select ac.name from public.fragrance_accords a join public.fragrance_accords b on b.accord_id = a.accord_id
                   join public.accords ac on ac.id = a.accord_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by least(a.strength, b.strength) desc, ac.name) as shared_accords,
           (select coalesce(sum(least(x.a, x.b))::real / nullif(sum(greatest(x.a, x.b)), 0), 0)
              from (select coalesce(max(fa.strength) filter (where fa.fragrance_id = similar_fragrances_live.fragrance_id), 0) as a,
                           coalesce(max(fa.strength) filter (where fa.fragrance_id = nb.id), 0) as b
                    from public.fragrance_accords fa
                    where fa.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)
                    group by fa.accord_id) x) as accord_overlap
    from neighbours nb
    join public.fragrances f on f.id = nb.id and f.deleted_at is null
  )
  select s.id, s.similarity::real,
         (0.6 * s.similarity + 0.25 * coalesce(cardinality(s.shared_notes)::real / nullif(s.union_notes, 0), 0)
          + 0.15 * s.accord_overlap)::real as score,
         s.shared_notes, s.shared_accords
  from scored s
  order by 3 desc, s.id
  limit k
$$;
comment on function public.similar_fragrances_live(uuid, integer) is
  'Uncached "smells like": the vector neighbours of a fragrance re-ranked by 0.6 cosine similarity + 0.25 note Jaccard + 0.15 accord overlap.';
revoke execute on function public.similar_fragrances_live(uuid, integer) from public;
grant execute on function public.similar_fragrances_live(uuid, integer) to anon, authenticated, service_role;

/** "Smells like": k fragrances most like the given one, with what they share; from the cache when it holds them. */
create or replace function public.similar_fragrances(fragrance_id uuid, k integer default 10)
returns table (
  similar_fragrance_id uuid, slug text, name text, brand_name text, concentration public.concentration,
  similarity real, score real, shared_notes text[], shared_accords text[], cached boolean
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
begin
  if k is null or k not between 1 and 100 then
    raise exception 'k must be between 1 and 100, got %', k using errcode = '22023';
  end if;
  if not exists (select 1 from public.fragrances f where f.id = similar_fragrances.fragrance_id and f.deleted_at is null) then
    raise exception 'no fragrance %', similar_fragrances.fragrance_id using errcode = 'P0002';
  end if;
  if (select count(*) from public.similar_fragrances_cache c where c.fragrance_id = similar_fragrances.fragrance_id) >= k then
    return query
    select c.similar_fragrance_id, f.slug, f.name, b.name, f.concentration, c.similarity, c.score, c.shared_notes, c.shared_accords, true
    from public.similar_fragrances_cache c
    join public.fragrances f on f.id = c.similar_fragrance_id and f.deleted_at is null
    join public.brands b on b.id = f.brand_id
    where c.fragrance_id = similar_fragrances.fragrance_id
    order by c.rank
    limit k;
  else
    return query
    select s.similar_fragrance_id, f.slug, f.name, b.name, f.concentration, s.similarity, s.score, s.shared_notes, s.shared_accords, false
    from public.similar_fragrances_live(similar_fragrances.fragrance_id, k) s
    join public.fragrances f on f.id = s.similar_fragrance_id
    join public.brands b on b.id = f.brand_id
    order by s.score desc, s.similar_fragrance_id;
  end if;
end;
$$;
comment on function public.similar_fragrances(uuid, integer) is
  '"Smells like": the k (1..100) fragrances most similar to one, re-ranked by shared notes and accords; served from similar_fragrances_cache when it holds k neighbours (cached = true), computed live otherwise. P0002 for an unknown fragrance.';
revoke execute on function public.similar_fragrances(uuid, integer) from public;
grant execute on function public.similar_fragrances(uuid, integer) to anon, authenticated, service_role;

/** Fills the cache for up to max_fragrances embedded fragrances that have no entry; returns how many were filled. */
create or replace function private.refresh_similar_cache(max_fragrances integer default 200)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  size integer := (private.setting('similar_cache_size') #>> '{}')::int;
  filled integer;
begin
  with todo as (
    select e.fragrance_id as id
    from public.fragrance_embeddings e
    join public.fragrances f on f.id = e.fragrance_id and f.deleted_at is null
    where not exists (select 1 from public.similar_fragrances_cache c where c.fragrance_id = e.fragrance_id)
    limit max_fragrances
  ), inserted as (
    insert into public.similar_fragrances_cache (fragrance_id, rank, similar_fragrance_id, similarity, score, shared_notes, shared_accords)
    select t.id, (row_number() over (partition by t.id order by s.score desc, s.similar_fragrance_id))::smallint,
           s.similar_fragrance_id, s.similarity, s.score, s.shared_notes, s.shared_accords
    from todo t cross join lateral public.similar_fragrances_live(t.id, size) s
    returning fragrance_id
  )
  select count(distinct fragrance_id) into filled from inserted;
  return filled;
end;
$$;
comment on function private.refresh_similar_cache(integer) is 'Computes and caches the neighbours of embedded fragrances that have no cache entry (called by the embed pipeline after each batch).';
revoke execute on function private.refresh_similar_cache(integer) from public;
grant execute on function private.refresh_similar_cache(integer) to service_role;

/**
 * Statement trigger on fragrance_embeddings: drops the cache entries a change
 * can affect: those of the changed fragrances, those listing them, and those
 * of their new nearest neighbours (which they may now belong to). A change
 * of more than 100 embeddings (a backfill) clears the whole cache.
 */
create or replace function private.invalidate_similar_cache()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  ids uuid[];
  size integer := (private.setting('similar_cache_size') #>> '{}')::int;
begin
  perform 'PRAGMA:TABLE: changed_rows (fragrance_id uuid, embedding extensions.vector)';
  select array_agg(fragrance_id) into ids from changed_rows;
  if ids is null then
    return null;
  elsif cardinality(ids) > 100 then
    delete from public.similar_fragrances_cache;
    return null;
  end if;
  delete from public.similar_fragrances_cache c
  where c.fragrance_id = any (ids)
     or c.similar_fragrance_id = any (ids)
     or c.fragrance_id in (
       select n.fragrance_id
       from changed_rows ch
       cross join lateral (
         select e.fragrance_id from public.fragrance_embeddings e
         where e.fragrance_id <> ch.fragrance_id
         order by e.embedding operator(extensions.<=>) ch.embedding
         limit size
       ) n
       where tg_op <> 'DELETE');
  return null;
end;
$$;
comment on function private.invalidate_similar_cache() is 'Statement trigger: removes the similar_fragrances_cache entries that changed embeddings can affect.';
revoke execute on function private.invalidate_similar_cache() from public;
create trigger invalidate_similar_on_insert after insert on public.fragrance_embeddings
  referencing new table as changed_rows for each statement execute function private.invalidate_similar_cache();
create trigger invalidate_similar_on_update after update on public.fragrance_embeddings
  referencing new table as changed_rows for each statement execute function private.invalidate_similar_cache();
create trigger invalidate_similar_on_delete after delete on public.fragrance_embeddings
  referencing old table as changed_rows for each statement execute function private.invalidate_similar_cache();

-- ========== supabase/schemas/search/search_log.sql ==========

-- What the search edge function keeps: query embeddings cached with a TTL
-- (a repeated query costs no provider call), and a log of searches, their
-- results and the clicks on them (positions), for relevance metrics.

create table private.query_embeddings (
  model text not null,
  query_hash text not null constraint query_embeddings_query_hash_format check (query_hash ~ '^[0-9a-f]{32}$'),
  embedding extensions.vector(512) not null,
  expires_at timestamptz not null,
  hits integer not null default 0 constraint query_embeddings_hits_non_negative check (hits >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (model, query_hash)
);
comment on table private.query_embeddings is 'Cache of query embeddings, keyed by model and the md5 of the normalized query; expired rows are deleted hourly.';
comment on column private.query_embeddings.model is 'Model that embedded the query.';
comment on column private.query_embeddings.query_hash is 'md5 of lower(btrim(query)) (the query text itself is not kept here).';
comment on column private.query_embeddings.embedding is 'The query''s vector.';
comment on column private.query_embeddings.expires_at is 'After this the entry is ignored and later deleted.';
comment on column private.query_embeddings.hits is 'Times the entry saved a provider call.';
call private.track_updates('private.query_embeddings');
create index query_embeddings_expires_at_idx on private.query_embeddings (expires_at);

create table private.search_queries (
  id bigint generated always as identity primary key,
  query text not null,
  filters jsonb not null default '{}' constraint search_queries_filters_object check (jsonb_typeof(filters) = 'object'),
  page integer not null constraint search_queries_page_positive check (page >= 1),
  user_id uuid references auth.users (id) on delete set null,
  results uuid[] not null default '{}',
  embedding_cached boolean not null,
  latency_ms integer not null constraint search_queries_latency_non_negative check (latency_ms >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.search_queries is 'One row per search answered by the search function: the query, filters, page, the caller (when signed in), and the results shown in order.';
comment on column private.search_queries.id is 'Search id, returned to the caller to report clicks with.';
comment on column private.search_queries.query is 'Query text as typed (at most 500 characters).';
comment on column private.search_queries.filters is 'Filters as sent.';
comment on column private.search_queries.page is 'Page number.';
comment on column private.search_queries.user_id is 'Signed-in caller, null for anon (set null when the account is erased).';
comment on column private.search_queries.results is 'Fragrance ids shown, in order (position 1 first, on this page).';
comment on column private.search_queries.embedding_cached is 'Whether the query embedding came from the cache.';
comment on column private.search_queries.latency_ms is 'Time to answer, embedding included.';
call private.track_updates('private.search_queries');
create index search_queries_user_id_idx on private.search_queries (user_id);
create index search_queries_created_at_idx on private.search_queries (created_at);

create table private.search_clicks (
  id bigint generated always as identity primary key,
  search_id bigint not null references private.search_queries (id) on delete cascade,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  position integer not null constraint search_clicks_position_positive check (position >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.search_clicks is 'Clicks on search results, with the position the result was shown at (for click-through and MRR).';
comment on column private.search_clicks.id is 'Click number.';
comment on column private.search_clicks.search_id is 'The search whose result was clicked.';
comment on column private.search_clicks.fragrance_id is 'The result clicked.';
comment on column private.search_clicks.position is 'Its 1-based position on the page.';
call private.track_updates('private.search_clicks');
create index search_clicks_search_id_idx on private.search_clicks (search_id);
create index search_clicks_fragrance_id_idx on private.search_clicks (fragrance_id);

/** Records a click on a result of a logged search; returns its position, or raises 22023 when the fragrance was not among the results. */
create or replace function private.log_search_click(search_id bigint, fragrance_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  pos integer;
begin
  select array_position(s.results, log_search_click.fragrance_id) into pos
  from private.search_queries s where s.id = log_search_click.search_id;
  if not found then
    raise exception 'no search %', search_id using errcode = 'P0002';
  elsif pos is null then
    raise exception 'fragrance % was not a result of search %', fragrance_id, search_id using errcode = '22023';
  end if;
  insert into private.search_clicks (search_id, fragrance_id, position)
  values (log_search_click.search_id, log_search_click.fragrance_id, pos);
  return pos;
end;
$$;
comment on function private.log_search_click(bigint, uuid) is 'Logs a click on a search result with its position; P0002 for an unknown search, 22023 for a fragrance not shown.';
revoke execute on function private.log_search_click(bigint, uuid) from public;
grant execute on function private.log_search_click(bigint, uuid) to service_role;

grant select, insert, update, delete on private.query_embeddings, private.search_queries, private.search_clicks to service_role;

-- ========== supabase/schemas/search/search_fragrances.sql ==========

-- Hybrid search: search_fragrances fuses full text, typo-corrected name words
-- and vector kNN by weighted Reciprocal Rank Fusion. Filters read the facets
-- of documents and embeddings; a selective filter sorts its few vectors
-- exactly instead of walking HNSW. See docs/SEARCH.md.

-- Load pgvector and pg_trgm first, so the SET clauses below name known settings
-- (a placeholder setting can only be set by a superuser).
select '[1]'::extensions.vector, extensions.similarity('a', 'a');

/**
 * How many embeddings the planner expects to carry all the given facets: its
 * estimate from the table's statistics, without counting them. Volatile only
 * because EXPLAIN cannot run inside a stable function.
 */
create or replace function private.estimated_embeddings(facets text[])
returns numeric
language plpgsql
volatile
set search_path = ''
as $$
declare
  plan jsonb;
begin
  execute format('explain (format json) select from public.fragrance_embeddings x where x.facets @> %L', facets) into plan;
  return (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
end;
$$;
comment on function private.estimated_embeddings(text[]) is
  'The planner''s estimate of the embeddings carrying all the given facets (search_fragrances picks exact or HNSW kNN by it).';
revoke execute on function private.estimated_embeddings(text[]) from public;
grant execute on function private.estimated_embeddings(text[]) to anon, authenticated, service_role;

/**
 * Hybrid search. q is matched three ways, each giving a ranked list: full
 * text (websearch syntax; any word may match, documents with all words rank
 * first; "-word", "without word" and "no word" exclude), names holding the
 * query's words after typo correction (trigrams against the name lexicon),
 * and cosine kNN of query_embedding among vectors of embedding_model. The lists are fused by sum(weight / (rrf_k + rank)).
 * The default weights and rrf_k were chosen on the labeled queries of
 * supabase/functions/search/eval (docs/SEARCH.md): the local model's vectors
 * are weaker than the full text, so they break ties rather than lead.
 * The query is dynamic SQL on purpose: each call is planned for its own
 * filters and words, so no generic plan is reused across very different ones.
 */
create or replace function public.search_fragrances(
  q text,
  query_embedding extensions.vector(512) default null,
  embedding_model text default null,
  filters jsonb default '{}',
  currency text default 'EUR',
  page integer default 1,
  page_size integer default 20,
  keyword_weight double precision default 1.0,
  trigram_weight double precision default 1.0,
  vector_weight double precision default 0.35,
  rrf_k integer default 20
)
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, brand_slug text,
  concentration public.concentration, gender public.gender, family text, top_notes text[],
  best_price numeric, best_price_per_100ml numeric, price_currency text, available boolean,
  score double precision, keyword_rank integer, trigram_rank integer, vector_rank integer
)
language plpgsql
stable
set search_path = ''
set hnsw.ef_search = 100
set hnsw.iterative_scan = relaxed_order
set pg_trgm.word_similarity_threshold = 0.5
as $$
declare
  query_text text := btrim(coalesce(search_fragrances.q, ''));
  rate numeric := public.fx_rate(upper(search_fragrances.currency));
  negated text;
  positive text;
  tsq_all tsquery;
  tsq_any tsquery;
  tsq_not tsquery;
  name_query text;
  brand_uuid uuid;
  -- How deep each list goes: the same for every page within a block of 100
  -- results, so consecutive pages neither overlap nor skip.
  depth integer := least(5000, ceil(search_fragrances.page * search_fragrances.page_size / 100.0)::int * 100);
  f_gender public.gender;
  f_family text;
  f_brand text;
  f_concentration public.concentration;
  f_min_price numeric;
  f_max_price numeric;
  f_in_stock boolean;
  unknown text;
  facet_list text[];
  predicate text;
  tier text;
  every_word text;
  some_word text;
  exact_knn boolean;
  keyword_sql text := 'select null::uuid, null::int where false';
  trigram_sql text := keyword_sql;
  vector_sql text := keyword_sql;
begin
  if length(query_text) > 500 then
    raise exception 'q is too long: % characters (at most 500)', length(query_text) using errcode = '22023';
  end if;
  if query_text = '' and search_fragrances.query_embedding is null then
    raise exception 'q must not be empty' using errcode = '22023';
  end if;
  if search_fragrances.page is null or search_fragrances.page not between 1 and 50 then
    raise exception 'page must be between 1 and 50, got %', search_fragrances.page using errcode = '22023';
  end if;
  if search_fragrances.page_size is null or search_fragrances.page_size not between 1 and 100 then
    raise exception 'page_size must be between 1 and 100, got %', search_fragrances.page_size using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(filters, '{}')) <> 'object' then
    raise exception 'filters must be a JSON object' using errcode = '22023';
  end if;
  select string_agg(key, ', ') into unknown from jsonb_object_keys(coalesce(filters, '{}')) as key
  where key not in ('gender', 'family', 'brand', 'concentration', 'min_price', 'max_price', 'in_stock');
  if unknown is not null then
    raise exception 'unknown filter: %', unknown using errcode = '22023',
      hint = 'filters are gender, family, brand, concentration, min_price, max_price, in_stock';
  end if;
  begin
    f_gender := filters ->> 'gender';
    f_family := filters ->> 'family';
    f_brand := filters ->> 'brand';
    f_concentration := filters ->> 'concentration';
    f_min_price := filters ->> 'min_price';
    f_max_price := filters ->> 'max_price';
    f_in_stock := filters ->> 'in_stock';
  exception when invalid_text_representation or data_exception then
    raise exception 'bad filter value: %', sqlerrm using errcode = '22023';
  end;
  if rate is null then
    raise exception 'unknown currency "%"', search_fragrances.currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  if least(keyword_weight, trigram_weight, vector_weight) < 0 or greatest(keyword_weight, trigram_weight, vector_weight) <= 0 then
    raise exception 'weights must be non-negative and not all zero' using errcode = '22023';
  end if;
  if rrf_k is null or rrf_k not between 1 and 1000 then
    raise exception 'rrf_k must be between 1 and 1000, got %', rrf_k using errcode = '22023';
  end if;
  if f_min_price > f_max_price then
    raise exception 'min_price % is above max_price %', f_min_price, f_max_price using errcode = '22023';
  end if;
  if f_brand is not null then
    select b.id into brand_uuid from public.brands b where b.slug = f_brand;
    if brand_uuid is null then
      return;  -- an unknown brand matches nothing
    end if;
  end if;

  -- "-smoke", "without smoke", "no smoke" exclude; the rest is matched.
  select string_agg(m[1], ' ') into negated
  from regexp_matches(query_text, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', 'gi') as m;
  positive := extensions.unaccent('extensions.unaccent'::regdictionary,
    regexp_replace(query_text, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', ' ', 'gi'));
  if positive ~ '[[:alnum:]]' then  -- (to_tsquery of nothing raises a NOTICE)
    tsq_all := websearch_to_tsquery('english', positive);
    tsq_any := replace(plainto_tsquery('english', positive)::text, ' & ', ' | ')::tsquery;
  else
    tsq_all := null;
    tsq_any := null;
  end if;
  tsq_not := case when negated is not null then replace(plainto_tsquery('english', extensions.unaccent('extensions.unaccent'::regdictionary, negated))::text, ' & ', ' | ')::tsquery end;
  name_query := public.normalize_name(positive);

  -- Each list's rows are aliased x: documents and embeddings carry the facets
  -- filtered on (private.fragrance_facets), so no list joins fragrances.
  facet_list := private.fragrance_facets(f_gender, f_family, brand_uuid, f_concentration);
  predicate := concat_ws(' and ', 'true',
    case when cardinality(facet_list) > 0 then 'x.facets @> $23' end,
    case when tsq_not is not null then
      'not exists (select 1 from public.fragrance_documents nd where nd.fragrance_id = x.fragrance_id and nd.search_vector @@ $10)' end,
    case when f_min_price is not null or f_max_price is not null or f_in_stock is true then
      'exists (select 1 from public.variants v
                 join public.current_offers o on o.variant_id = v.id and not o.stale
                 join public.retailers r on r.id = o.retailer_id and r.active
               where v.fragrance_id = x.fragrance_id and ($7 is not true or o.in_stock)
                 and ($5::numeric is null or o.price_base >= $5 * $18) and ($6::numeric is null or o.price_base <= $6 * $18))' end);

  if keyword_weight > 0 and tsq_any is not null then
    -- Documents with every word first, then those with some; each tier ranks
    -- at most 2 x depth matches, so a common word ("fresh") costs the same on
    -- 100k documents as on 1k (the vector list finds what the cap leaves out).
    -- One tier: the matches of a condition, at most 2 x depth of them, ranked.
    tier := $t$select x.fragrance_id, x.search_name, %s as tier, ts_rank_cd(x.search_vector, $9) as rank
                from public.fragrance_documents x where %s and %s limit 2 * $14$t$;
    keyword_sql := format($q$
      with every_word as materialized (%s)
      select c.fragrance_id, (row_number() over (order by c.tier, c.rank desc, c.search_name, c.fragrance_id))::int
      from (select * from every_word %s) c
      order by c.tier, c.rank desc, c.search_name, c.fragrance_id
      limit $14 $q$,
      format(tier, 1, 'x.search_vector @@ $8', predicate),
      -- The some-words tier only when it differs from the every-word one (not for
      -- one word: finding no row would mean reading every match), and only read
      -- when the first tier leaves room in the list.
      case when tsq_all::text <> tsq_any::text
        then format('union all (%s)', format(tier, 2,
               '(select count(*) from every_word) < $14 and x.search_vector @@ $9 and not (x.search_vector @@ $8)', predicate))
        else '' end);
  end if;
  if trigram_weight > 0 and length(name_query) between 3 and 64 then
    -- Typos: each word of the query (at most 8) is corrected to its 3 nearest
    -- name words (word similarity >= 0.5, public.fragrance_name_words). Names
    -- with a correction of every word come first; when they are fewer than the
    -- list is deep, names with a correction of some word follow if the whole
    -- query is within word similarity 0.5 of them. Among equals the closest
    -- whole name wins ("Sauvage" before "Sauvage Elixir"). The first tier reads
    -- at most 2 x depth names and each word of the second at most depth, so a
    -- common word costs the same at any catalog size.
    select string_agg(format('x.name_words && %L::text[]', c.words), ' and '),
           case when count(*) > 1 then string_agg(format(
             '(select x.fragrance_id, x.search_name, 2 from public.fragrance_documents x
               where (select count(*) from every_word) < $14 and x.name_words && %L::text[] and %s limit $14)', c.words, predicate), ' union all ') end
    into every_word, some_word
    from (
      select array(select w.word from public.fragrance_name_words w
                   where t.token operator(extensions.<%) w.word
                   order by t.token operator(extensions.<<->) w.word, w.word limit 3) as words
      from (select distinct token from unnest(string_to_array(name_query, ' ')) as token where length(token) >= 2 limit 8) t
    ) c
    where cardinality(c.words) > 0;
  end if;
  if every_word is not null then
    trigram_sql := format($q$
      with every_word as materialized (
        select x.fragrance_id, x.search_name, 1 as tier from public.fragrance_documents x where %s and %s limit 2 * $14
      )
      select n.fragrance_id, (row_number() over (order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id))::int
      from (
        select c.fragrance_id, c.search_name, min(c.tier) as tier,
               $11 operator(extensions.<<->) c.search_name as distance, $11 operator(extensions.<->) c.search_name as whole_distance
        from (select * from every_word %s) c
        group by c.fragrance_id, c.search_name
      ) n
      where n.tier = 1 or n.distance <= 0.5
      order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id
      limit $14 $q$, every_word, predicate, 'union all ' || some_word);
  end if;
  if vector_weight > 0 and search_fragrances.query_embedding is not null then
    -- A filter the statistics put at 10,000 embeddings or fewer is searched
    -- exactly: sorting a few thousand vectors beats walking the HNSW graph
    -- past the many it would reject. A broader one uses the index, where
    -- relaxed_order keeps scanning until enough rows pass the filters and
    -- the outer row_number() restores exact distance order.
    exact_knn := cardinality(facet_list) > 0 and private.estimated_embeddings(facet_list) <= 10000;
    vector_sql := format($q$
      select s.fragrance_id, (row_number() over (order by s.distance, s.fragrance_id))::int
      from (
        select x.fragrance_id, %s as distance
        from public.fragrance_embeddings x
        where x.model = $13 and %s
        order by 2
        limit $14
      ) s $q$,
      -- cosine_distance() is <=> that no index answers: an exact sort of the filtered rows
      case when exact_knn then 'extensions.cosine_distance(x.embedding, $12)' else 'x.embedding operator(extensions.<=>) $12' end,
      predicate);
  end if;

  return query execute format($q$
    with keyword(fragrance_id, rnk) as materialized (%s),
    trigram(fragrance_id, rnk) as materialized (%s),
    vector(fragrance_id, rnk) as materialized (%s),
    fused as (
      select l.fragrance_id,
             sum(l.weight / ($22 + l.rnk)) as score,
             min(l.rnk) filter (where l.list = 'k') as k_rank,
             min(l.rnk) filter (where l.list = 't') as t_rank,
             min(l.rnk) filter (where l.list = 'v') as v_rank
      from (
        select k.fragrance_id, k.rnk, $15 as weight, 'k' as list from keyword k
        union all select t.fragrance_id, t.rnk, $16, 't' from trigram t
        union all select v.fragrance_id, v.rnk, $17, 'v' from vector v
      ) l
      group by l.fragrance_id
    ), page as (
      -- ties are broken by name, not by the random uuid, so every database ranks alike
      select fu.*, row_number() over (order by fu.score desc, d.search_name, fu.fragrance_id) as pos
      from fused fu join public.fragrance_documents d on d.fragrance_id = fu.fragrance_id
      order by pos offset $19 limit $20
    )
    select p.fragrance_id, f.slug, f.name, b.name, b.slug, f.concentration, f.gender, fam.name,
           array(select n.name from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
                 where fn.fragrance_id = f.id and fn.tier = 'top' order by fn.position),
           round(bo.price_base / $18, 2), round(bo.price_per_100ml_base / $18, 2), $21, bo.in_stock,
           p.score::double precision, p.k_rank, p.t_rank, p.v_rank
    from page p
    join public.fragrances f on f.id = p.fragrance_id and f.deleted_at is null
    join public.brands b on b.id = f.brand_id
    left join public.olfactive_families fam on fam.slug = f.family_slug
    left join lateral (
      select o.price_base, o.price_per_100ml_base, o.in_stock
      from public.variants v
      join public.current_offers o on o.variant_id = v.id and not o.stale
      join public.retailers r on r.id = o.retailer_id and r.active
      where v.fragrance_id = f.id
      order by o.in_stock desc, o.price_base
      limit 1
    ) bo on true
    order by p.pos $q$, keyword_sql, trigram_sql, vector_sql)
  using f_gender, f_family, brand_uuid, f_concentration,
        f_min_price, f_max_price, f_in_stock,
        tsq_all, tsq_any, tsq_not, name_query, search_fragrances.query_embedding, search_fragrances.embedding_model,
        depth, keyword_weight, trigram_weight, vector_weight, rate,
        (search_fragrances.page - 1) * search_fragrances.page_size, search_fragrances.page_size, upper(search_fragrances.currency),
        search_fragrances.rrf_k::double precision, facet_list;
end;
$$;
comment on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) is
  'Hybrid fragrance search: full text, trigram (typos) and vector kNN fused by weighted Reciprocal Rank Fusion (sum of weight / (rrf_k + rank)); filters (a JSON object) by gender, family (slug), brand (slug), concentration, min_price/max_price (in currency) and in_stock; returns one page of result cards with the best current price. Raises 22023 for an empty or over-long q, an unknown or malformed filter, a bad page or an unknown currency.';
revoke execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) from public;
grant execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) to anon, authenticated, service_role;

-- ========== supabase/schemas/search/data.sql ==========

-- Rows the search pipelines need: their settings, their entries in the
-- pipeline registry, and their pg_cron jobs. `supabase db diff` does not see
-- rows: a change here goes into its migration by hand (the schema-equality
-- test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('embedding_model', '"use-lite-512"', 'Model whose vectors search uses; the embed function must run the same model. Change it with private.set_embedding_model(), which re-embeds everything.'),
  ('embedding_visibility_timeout_seconds', '120', 'A claimed job becomes claimable again after this many seconds unless completed or failed (a crashed worker loses nothing).'),
  ('embedding_retry_base_seconds', '10', 'First retry delay of a failed job; doubles with each attempt (capped at one hour).'),
  ('embedding_max_attempts', '5', 'A job that has failed this many times is dead-lettered with its last error.'),
  ('similar_cache_size', '20', 'Neighbours cached per fragrance; similar_fragrances(k) for a larger k is computed live.'),
  ('query_embedding_ttl_hours', '168', 'How long a cached query embedding is reused before the provider is asked again.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('embed', 'Embeds queued fragrance documents and refills the similar-fragrances cache.', 'pg_cron every 10 s through pg_net (hosted), the local scheduler (npm start)')
on conflict do nothing;

select cron.schedule('search-cache-expiry', '23 * * * *', 'delete from private.query_embeddings where expires_at < now()');

-- The schedule. On hosted Supabase pg_net calls the embed function every ten
-- seconds while jobs are waiting, with the project URL and service key kept in
-- Vault (secrets 'project_url' and 'service_role_key'). Without pg_net (the
-- local stack) there is no job here: `npm start` calls the function itself.
do $do$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net')
     and exists (select 1 from pg_catalog.pg_extension where extname = 'supabase_vault') then
    perform cron.schedule('embed-fragrances', '10 seconds', $cmd$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/embed',
        headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization',
                     'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := '{}'::jsonb,
        timeout_milliseconds := 55000)
      where exists (select 1 from private.embedding_jobs where status = 'queued' and visible_at <= now())
    $cmd$);
  else
    raise notice 'pg_net or Vault not installed: no embed schedule in the database; the local stack (npm start) calls the embed function every 10 s instead';
  end if;
end
$do$;
