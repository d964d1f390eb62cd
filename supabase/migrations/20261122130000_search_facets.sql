-- Filters and typos without scanning the catalog.
-- Documents and embeddings carry their fragrance's filterable attributes as
-- facets ('gender:feminine', 'family:floral', 'brand:<uuid>',
-- 'concentration:edp') in the same GIN index as what a list searches, so a
-- filtered list is one index scan instead of a join to fragrances. Typos are
-- corrected word by word against public.fragrance_name_words, every word of
-- every name (about 5,000 at 100k fragrances), instead of trigram-matching
-- every name. Embeddings are stored inline (PLAIN): an exact kNN over a
-- filtered set reads them without a TOAST lookup per row.

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

-- Documents: facets and the words of the name.
alter table public.fragrance_documents
  add column facets text[] not null default '{}',
  add column name_words text[] not null default '{}';
comment on column public.fragrance_documents.facets is
  'Denormalized: private.fragrance_facets() of the fragrance (gender, family, brand, concentration), filtered inside the search indexes.';
comment on column public.fragrance_documents.name_words is 'The words of search_name: typo search finds names by their corrected words.';

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

create or replace view private.fragrance_document_source with (security_invoker = true) as
with parts as (
  select f.id as fragrance_id, f.name, b.name as brand, public.concentration_label(f.concentration) as concentration,
         f.gender::text as gender, fam.name as family, f.description,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'top') as top_notes,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'heart') as heart_notes,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'base') as base_notes,
         (select string_agg(a.name, ', ' order by fa.strength desc, a.name) from public.fragrance_accords fa join public.accords a on a.id = fa.accord_id
           where fa.fragrance_id = f.id) as accords,
         private.fragrance_facets(f.gender, f.family_slug, f.brand_id, f.concentration) as facets
  from public.fragrances f
  join public.brands b on b.id = f.brand_id
  left join public.olfactive_families fam on fam.slug = f.family_slug
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

-- The existing documents get their facets and name words, and the lexicon its words.
select private.refresh_fragrance_documents(array(select fragrance_id from public.fragrance_documents));

-- One index per list, each also answering the filters.
drop index public.fragrance_documents_search_vector_idx;
drop index public.fragrance_documents_search_name_trgm_idx;
create index fragrance_documents_search_vector_idx on public.fragrance_documents using gin (search_vector, facets);
comment on index public.fragrance_documents_search_vector_idx is 'Full-text search, filtered by facets in the same scan.';
create index fragrance_documents_name_words_idx on public.fragrance_documents using gin (name_words, facets);
comment on index public.fragrance_documents_name_words_idx is 'Typo search: names containing corrected words, filtered by facets in the same scan.';

-- Embeddings: the same facets, kept equal to the document's by triggers.
alter table public.fragrance_embeddings add column facets text[] not null default '{}';
comment on column public.fragrance_embeddings.facets is
  'Denormalized: fragrance_documents.facets (set on write and when the document''s facets change), for filtered kNN without a join.';

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

-- Backfill, and rewrite every vector inline (a value left in TOAST would stay there): without the
-- HNSW index, which is rebuilt once at the end instead of once per updated row.
drop index public.fragrance_embeddings_hnsw_idx;
alter table public.fragrance_embeddings alter column embedding set storage plain;
update public.fragrance_embeddings e
set facets = d.facets, embedding = (e.embedding::real[])::extensions.vector(512)
from public.fragrance_documents d
where d.fragrance_id = e.fragrance_id;
create index fragrance_embeddings_hnsw_idx on public.fragrance_embeddings
  using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64);
comment on index public.fragrance_embeddings_hnsw_idx is 'Approximate nearest neighbours by cosine distance (pgvector HNSW).';
create index fragrance_embeddings_facets_idx on public.fragrance_embeddings using gin (facets);
comment on index public.fragrance_embeddings_facets_idx is 'Filtered kNN: the embeddings of a filter, sorted exactly when they are few.';
