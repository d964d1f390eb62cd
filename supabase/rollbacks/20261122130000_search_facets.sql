-- Rollback of 20261122130000_search_facets.sql: the previous indexes, view and refresh function.
drop trigger embedding_facets_from_document on public.fragrance_embeddings;
drop trigger document_facets_to_embeddings on public.fragrance_documents;
drop function private.embedding_facets_from_document();
drop function private.document_facets_to_embeddings();
drop index public.fragrance_embeddings_facets_idx;
alter table public.fragrance_embeddings drop column facets;
alter table public.fragrance_embeddings alter column embedding set storage external;

drop index public.fragrance_documents_name_words_idx;
drop index public.fragrance_documents_search_vector_idx;
create index fragrance_documents_search_vector_idx on public.fragrance_documents using gin (search_vector);
create index fragrance_documents_search_name_trgm_idx on public.fragrance_documents using gin (search_name extensions.gin_trgm_ops);

drop view private.fragrance_document_source;
create view private.fragrance_document_source with (security_invoker = true) as
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
           where fa.fragrance_id = f.id) as accords
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
           p.description) as document
  from parts p
)
select d.fragrance_id, d.document, md5(d.document) as content_hash,
       setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.name, d.brand, d.concentration))), 'A')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.top_notes, d.heart_notes, d.base_notes, d.accords))), 'B')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.family, d.gender, d.description))), 'C') as search_vector,
       public.normalize_name(d.brand || ' ' || d.name) as search_name
from docs d;
comment on view private.fragrance_document_source is 'What public.fragrance_documents should hold for each live fragrance.';

/** Brings the documents of the given fragrances up to date; returns how many rows changed. */
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
  insert into public.fragrance_documents as d (fragrance_id, document, content_hash, search_vector, search_name)
  select s.fragrance_id, s.document, s.content_hash, s.search_vector, s.search_name
  from private.fragrance_document_source s
  where s.fragrance_id = any (ids)
  on conflict (fragrance_id) do update
    set document = excluded.document, content_hash = excluded.content_hash,
        search_vector = excluded.search_vector, search_name = excluded.search_name
    where d.content_hash is distinct from excluded.content_hash or d.search_name is distinct from excluded.search_name;
  get diagnostics changed = row_count;

  delete from public.fragrance_documents d
  where d.fragrance_id = any (ids)
    and not exists (select 1 from public.fragrances f where f.id = d.fragrance_id and f.deleted_at is null);
  get diagnostics removed = row_count;
  return changed + removed;
end;
$$;
comment on function private.refresh_fragrance_documents(uuid[]) is
  'Upserts the documents of the given fragrances from private.fragrance_document_source (only where the content changed) and removes those of deleted ones.';

drop table public.fragrance_name_words;
alter table public.fragrance_documents drop column facets, drop column name_words;
drop function private.fragrance_facets(public.gender, text, uuid, public.concentration);
