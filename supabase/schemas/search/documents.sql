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
-- A search ranks every row its lists found (a few hundred) by name and boost facets: read from this
-- index alone (an index-only scan), not from the wide document rows (docs/BENCHMARKS.md).
create index fragrance_documents_rank_idx on public.fragrance_documents (fragrance_id) include (search_name, facets);
comment on index public.fragrance_documents_rank_idx is 'search_fragrances: each found fragrance''s search_name and facets by index-only scan.';
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

/**
 * The facet of one kind in a facets array: facet_of('{gender:feminine,family:floral}', 'family') is
 * 'family:floral'; null when it has none. Immutable: the key of the embeddings' covering indexes.
 * PL/pgSQL, not SQL: a SQL function reading unnest() costs 1.7 us a row to evaluate, this one 1 us.
 */
create or replace function private.facet_of(facets text[], kind text)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  facet text;
begin
  foreach facet in array facets loop
    if starts_with(facet, kind || ':') then
      return facet;
    end if;
  end loop;
  return null;
end;
$$;
comment on function private.facet_of(text[], text) is 'The facet of one kind (gender, family, brand, concentration) in a facets array, or null.';
revoke execute on function private.facet_of(text[], text) from public;
grant execute on function private.facet_of(text[], text) to anon, authenticated, service_role;

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

  -- In word order: two refreshes at once (import workers) wait for each other's new words, never deadlock.
  insert into public.fragrance_name_words (word)
  select distinct w.word from public.fragrance_documents d cross join unnest(d.name_words) as w (word)
  where d.fragrance_id = any (ids)
  order by w.word
  on conflict (word) do nothing;

  -- The given ids without a live fragrance first, by one index probe each (a not exists() here
  -- hashed the whole catalog), then their documents.
  delete from public.fragrance_documents d
  where d.fragrance_id in (
    select i.id from unnest(ids) as i (id)
    left join lateral (select true as live from public.fragrances f where f.id = i.id and f.deleted_at is null limit 1) f on true
    where f.live is null);
  get diagnostics removed = row_count;
  return changed + removed;
end;
$$;
comment on function private.refresh_fragrance_documents(uuid[]) is
  'Upserts the documents of the given fragrances from private.fragrance_document_source (only where the content, name or facets changed), adds their name words to fragrance_name_words, and removes the documents of deleted fragrances.';
revoke execute on function private.refresh_fragrance_documents(uuid[]) from public;
grant execute on function private.refresh_fragrance_documents(uuid[]) to service_role;
