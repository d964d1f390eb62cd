-- Rollback of 20261122100000_search_documents.sql.
do $$
declare
  t record;
begin
  for t in select tgname, tgrelid::regclass as tbl from pg_trigger where tgname like 'documents\_on\_%' loop
    execute format('drop trigger %I on %s', t.tgname, t.tbl);
  end loop;
end
$$;
drop procedure if exists private.track_document_source(regclass, text, boolean);
drop function if exists private.fragrance_documents_changed();
drop function if exists private.refresh_fragrance_documents(uuid[]);
drop view if exists private.fragrance_document_source;
drop function if exists private.unaccent_text(text);
drop function if exists public.concentration_label(public.concentration);
drop table if exists public.fragrance_documents;
