-- The table conventions, one helper per kind of table: every table tracks
-- created_at/updated_at (track_updates); catalog tables are readable by all and
-- written by service_role only (make_catalog_table); user tables are owner-only
-- (make_user_table). A table's file calls its helper right after `create table`.

/** Sets updated_at on every UPDATE; attach with a BEFORE UPDATE trigger. */
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at with now().';
revoke execute on function private.set_updated_at() from public;

create or replace procedure private.track_updates(tbl regclass)
language plpgsql
set search_path = ''
as $$
begin
  execute format('comment on column %s.created_at is %L', tbl, 'When the row was created.');
  execute format('comment on column %s.updated_at is %L', tbl, 'When the row was last changed.');
  execute format('create trigger set_updated_at before update on %s for each row execute function private.set_updated_at()', tbl);
end;
$$;
comment on procedure private.track_updates(regclass) is
  'Documents a table''s created_at/updated_at columns and keeps updated_at current with a trigger.';
revoke execute on procedure private.track_updates(regclass) from public;

create or replace procedure private.make_catalog_table(tbl regclass, readable_when text default 'true')
language plpgsql
set search_path = ''
as $$
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select on %s to anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  execute format('create policy "catalog is readable by everyone" on %s for select to anon, authenticated using (%s)', tbl, readable_when);
end;
$$;
comment on procedure private.make_catalog_table(regclass, text) is
  'Applies the catalog convention to a table: RLS on; anon and authenticated may only SELECT (rows where readable_when holds); only service_role writes; timestamps documented and updated_at maintained.';
revoke execute on procedure private.make_catalog_table(regclass, text) from public;

/** Owner-only RLS: one permissive policy per action for authenticated on `owner_column = auth.uid()`, and full access for service_role. */
create or replace procedure private.make_user_table(tbl regclass, owner_column text default 'user_id', actions text[] default array['select', 'insert', 'update', 'delete'])
language plpgsql
set search_path = ''
as $$
declare
  action text;
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  foreach action in array actions loop
    execute format('grant %s on %s to authenticated', action, tbl);
    execute format('create policy %I on %s for %s to authenticated %s', format('owner can %s', action), tbl, action,
      case action
        when 'insert' then format('with check (%I = (select auth.uid()))', owner_column)
        when 'update' then format('using (%1$I = (select auth.uid())) with check (%1$I = (select auth.uid()))', owner_column)
        else format('using (%I = (select auth.uid()))', owner_column)
      end);
  end loop;
end;
$$;
comment on procedure private.make_user_table(regclass, text, text[]) is
  'Applies the user-data convention: RLS on; authenticated users reach only their own rows (the listed actions); anon nothing; service_role everything; updated_at maintained.';
revoke execute on procedure private.make_user_table(regclass, text, text[]) from public;
