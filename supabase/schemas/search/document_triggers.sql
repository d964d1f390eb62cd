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
  -- A writer that refreshes the documents it touches itself, once (the catalog import), defers them.
  if current_setting('scentmatch.documents', true) = 'deferred' then
    return null;
  end if;
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
  'AFTER ... FOR EACH STATEMENT trigger (with transition tables new_rows/old_rows): refreshes the documents of the fragrances the changed rows belong to, unless the transaction set scentmatch.documents = deferred (a writer that refreshes them itself).';
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
