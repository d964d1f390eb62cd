-- Search documents: one text per fragrance, built in SQL from the catalog,
-- with its content hash, a weighted tsvector (full text) and a normalized
-- "brand name" (trigrams). Statement-level triggers keep them current when a
-- fragrance, its notes, accords, brand, or the names of notes, accords and
-- families change.

create table public.fragrance_documents (
  fragrance_id uuid primary key references public.fragrances (id) on delete cascade,
  document text not null constraint fragrance_documents_document_not_blank check (btrim(document) <> ''),
  content_hash text not null constraint fragrance_documents_content_hash_format check (content_hash ~ '^[0-9a-f]{32}$'),
  search_vector tsvector not null,
  search_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.fragrance_documents is 'The searchable text of each live fragrance, derived from the catalog by private.refresh_fragrance_documents; never written directly.';
comment on column public.fragrance_documents.fragrance_id is 'The fragrance described.';
comment on column public.fragrance_documents.document is 'The text that is embedded: one sentence with name, brand, concentration, accords, gender, family and notes by tier, then the description.';
comment on column public.fragrance_documents.content_hash is 'md5 of document: an embedding is current when it was made from this hash.';
comment on column public.fragrance_documents.search_vector is 'Weighted full text (english, unaccented): A name and brand, B notes and accords, C family and description.';
comment on column public.fragrance_documents.search_name is 'normalize_name(brand || name): the string typo-tolerant (trigram) search compares with.';
create index fragrance_documents_search_vector_idx on public.fragrance_documents using gin (search_vector);
create index fragrance_documents_search_name_trgm_idx on public.fragrance_documents using gin (search_name extensions.gin_trgm_ops);
-- Readable by all: rows exist only for live fragrances (deleting or soft-deleting one removes them),
-- so the policy needs no per-row lookup of the fragrance.
call private.make_catalog_table('public.fragrance_documents');

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

-- The document of every live fragrance, computed from the catalog.
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
revoke execute on function private.refresh_fragrance_documents(uuid[]) from public;
grant execute on function private.refresh_fragrance_documents(uuid[]) to service_role;

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

-- Documents for the catalog that exists already.
insert into public.fragrance_documents (fragrance_id, document, content_hash, search_vector, search_name)
select fragrance_id, document, content_hash, search_vector, search_name from private.fragrance_document_source
on conflict (fragrance_id) do nothing;
