-- Embeddings of fragrance documents: one unit-length 512-d vector per live
-- fragrance from the current model, with an HNSW index for kNN and the
-- document's facets (copied by triggers) for filtered kNN without a join,
-- and the vector in half precision in a covering index per common filter.
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
  -- The vector in half precision (1 kB, kept out of line): what a filter's covering index holds (search_filter_knn_sql).
  embedding_half extensions.halfvec(512) generated always as (embedding::extensions.halfvec(512)) stored,
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
comment on column public.fragrance_embeddings.embedding_half is
  'The embedding in half precision (generated): a filtered kNN ranks by it from a covering index, then re-ranks the nearest exactly.';
create index fragrance_embeddings_hnsw_idx on public.fragrance_embeddings
  using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64);
comment on index public.fragrance_embeddings_hnsw_idx is 'Approximate nearest neighbours by cosine distance (pgvector HNSW).';
create index fragrance_embeddings_facets_idx on public.fragrance_embeddings using gin (facets);
comment on index public.fragrance_embeddings_facets_idx is 'Filtered kNN: the embeddings of a filter, sorted exactly when they are few.';
-- A covering index per common filter: a brand's, or a family's (and gender's), rows with their facets
-- and half-precision vectors, read without the table. The table's rows are 2 kB and a filter's lie on
-- as many pages as it has rows; a brand's 5,402 cost 11.1 ms by the table (100k catalog), and 5.5 ms
-- by this index. (A 64-byte binary sketch was faster again, but ranked a family's rows, which share
-- its centroid's signs, too coarsely: recall@10 0.44-0.84 at 1M; see docs/BENCHMARKS.md.)
create index fragrance_embeddings_brand_knn_idx on public.fragrance_embeddings
  (model, private.facet_of(facets, 'brand')) include (fragrance_id, facets, embedding_half);
comment on index public.fragrance_embeddings_brand_knn_idx is 'Filtered kNN by brand: its embeddings in half precision, read by index-only scan.';
create index fragrance_embeddings_family_knn_idx on public.fragrance_embeddings
  (model, private.facet_of(facets, 'family'), private.facet_of(facets, 'gender')) include (fragrance_id, facets, embedding_half);
comment on index public.fragrance_embeddings_family_knn_idx is 'Filtered kNN by family (and gender): its embeddings in half precision, read by index-only scan.';
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
