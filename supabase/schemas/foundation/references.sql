-- Set-wise references: what a foreign key guarantees, checked once per statement instead of once per
-- row, for the tables a price batch writes thousands of rows into at a time (listings, current
-- offers, history, observations). A foreign key runs a query and takes a lock for every row it
-- checks: nine per new listing, about a fifth of the database time of a feed's first batch
-- (docs/BENCHMARKS.md). Here the distinct keys a statement wrote are checked, and locked FOR KEY
-- SHARE as a foreign key locks them, in one query over its transition table: a feed naming one
-- retailer, one currency and one batch checks each of them once.
--
-- private.reference(child, column, parent, on_delete) attaches five triggers that together keep what
-- the foreign key kept, with its SQLSTATE (23503):
--   * on the child, the keys a statement inserts must exist (one statement trigger), and an update
--     that changes a key is checked row by row (rare: a rematch);
--   * on the parent, a delete cascades, sets null (and whatever else and_set names) or, with
--     'no action', is refused while a row refers to it, once per statement; a referenced key cannot change; a TRUNCATE is refused
--     while the child still has rows that refer to it (truncate both in one command).
-- Unlike a foreign key it is not in pg_constraint, so PostgREST does not embed along it (frontends
-- call RPCs: docs/FRONTEND.md); a cascade sees what a READ COMMITTED statement sees (every writer of
-- these tables runs in READ COMMITTED); and TRUNCATE … CASCADE does not follow it (the truncate is
-- refused instead). docs/SCHEMA.md says when to use one; the data model lists them with the keys.

/** AFTER INSERT statement trigger (new table new_rows; arguments: column, parent, parent column): every distinct key exists, locked. */
create or replace function private.reference_inserted()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  absent bigint;
  missing text;
begin
  -- the distinct keys, each probed by index once and locked as a foreign key locks it
  execute format($q$
    select (select count(distinct n.%1$I) from new_rows n)
         - (select count(*) from (select from %2$s p
                                  where p.%3$I = any (array(select distinct n.%1$I from new_rows n where n.%1$I is not null))
                                  for key share of p) found)
  $q$, tg_argv[0], tg_argv[1]::regclass, tg_argv[2]) into absent;
  if absent > 0 then
    execute format('select n.%1$I::text from new_rows n where not exists (select from %2$s p where p.%3$I = n.%1$I) limit 1',
                   tg_argv[0], tg_argv[1]::regclass, tg_argv[2]) into missing;
    raise exception 'insert or update on table "%" violates its reference to "%"', tg_table_name, tg_argv[1]
      using errcode = 'foreign_key_violation', table = tg_table_name, column = tg_argv[0],
            detail = format('Key (%s)=(%s) is not present in table "%s".', tg_argv[0], missing, tg_argv[1]);
  end if;
  return null;
end;
$$;
comment on function private.reference_inserted() is
  'Set-wise reference, child side: the distinct keys a statement inserted all exist in the parent, locked FOR KEY SHARE until commit (private.reference).';

/** AFTER UPDATE row trigger, only when the key changed (arguments as reference_inserted): the new key exists, locked. */
create or replace function private.reference_updated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  present boolean;
begin
  -- (a trigger's NEW is a record of no declared type: the key is read back through its table's type)
  execute format('select true from %s p where p.%I = (jsonb_populate_record(null::%s, $1)).%I for key share of p',
                 tg_argv[1]::regclass, tg_argv[2], tg_relid::regclass, tg_argv[0])
    using to_jsonb(new) into present;
  if present is null then
    raise exception 'insert or update on table "%" violates its reference to "%"', tg_table_name, tg_argv[1]
      using errcode = 'foreign_key_violation', table = tg_table_name, column = tg_argv[0],
            detail = format('Key (%s)=(%s) is not present in table "%s".', tg_argv[0], to_jsonb(new) ->> tg_argv[0], tg_argv[1]);
  end if;
  return null;
end;
$$;
comment on function private.reference_updated() is
  'Set-wise reference, child side: a row whose key an update changed names an existing parent, locked FOR KEY SHARE (private.reference).';

/** AFTER DELETE statement trigger on the parent (old table old_rows; arguments: child, column, parent column, action[, and_set]). */
create or replace function private.reference_deleted()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  remaining text;
begin
  if tg_argv[3] = 'cascade' then
    execute format('delete from %s c where c.%I = any (array(select o.%I from old_rows o))', tg_argv[0]::regclass, tg_argv[1], tg_argv[2]);
  elsif tg_argv[3] = 'set null' then
    execute format('update %1$s c set %2$I = null%4$s where c.%2$I = any (array(select o.%3$I from old_rows o))',
                   tg_argv[0]::regclass, tg_argv[1], tg_argv[2], case when tg_nargs > 4 then ', ' || tg_argv[4] else '' end);
  else
    execute format('select c.%2$I::text from %1$s c where c.%2$I = any (array(select o.%3$I from old_rows o)) limit 1',
                   tg_argv[0]::regclass, tg_argv[1], tg_argv[2]) into remaining;
    if remaining is not null then
      raise exception 'update or delete on table "%" violates the reference from "%"', tg_table_name, tg_argv[0]
        using errcode = 'foreign_key_violation', table = tg_table_name,
              detail = format('Key (%s)=(%s) is still referenced from table "%s".', tg_argv[2], remaining, tg_argv[0]);
    end if;
  end if;
  return null;
end;
$$;
comment on function private.reference_deleted() is
  'Set-wise reference, parent side: deleting parents cascades to, sets null in, or (no action) is refused while referenced by the child, once per statement (private.reference).';

/** BEFORE UPDATE row trigger on the parent, only when its key changed (arguments: child, column, parent column): refused while referenced. */
create or replace function private.reference_key_kept()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  referenced boolean;
begin
  execute format('select exists (select from %s c where c.%I = (jsonb_populate_record(null::%s, $1)).%I)',
                 tg_argv[0]::regclass, tg_argv[1], tg_relid::regclass, tg_argv[2])
    using to_jsonb(old) into referenced;
  if referenced then
    raise exception 'update or delete on table "%" violates the reference from "%"', tg_table_name, tg_argv[0]
      using errcode = 'foreign_key_violation', table = tg_table_name,
            detail = format('Key (%s)=(%s) is still referenced from table "%s".', tg_argv[2], to_jsonb(old) ->> tg_argv[2], tg_argv[0]);
  end if;
  return new;
end;
$$;
comment on function private.reference_key_kept() is
  'Set-wise reference, parent side: a referenced key cannot change (private.reference).';

/**
 * AFTER TRUNCATE statement trigger on the parent (arguments: child, column): refused while a child row
 * still refers to one. After, not before: `truncate parent, child` has emptied the child by then.
 */
create or replace function private.reference_truncated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  referenced boolean;
begin
  execute format('select exists (select from %s c where c.%I is not null)', tg_argv[0]::regclass, tg_argv[1]) into referenced;
  if referenced then
    raise exception 'truncate of table "%" violates the reference from "%"', tg_table_name, tg_argv[0]
      using errcode = 'foreign_key_violation', table = tg_table_name,
            hint = format('Truncate table "%s" in the same command.', tg_argv[0]);
  end if;
  return null;
end;
$$;
comment on function private.reference_truncated() is
  'Set-wise reference, parent side: a TRUNCATE is refused while the child still has rows that refer to the parent (private.reference).';

/**
 * Makes child.child_column refer to parent.parent_column, checked set-wise (see the file header).
 * on_delete: 'cascade', 'set null' or 'no action'; with 'set null', and_set is what else the child's
 * rows must change to stay consistent (a SET list: "status = 'unmatched', …"). The child's column
 * should be indexed for the parent's deletes, as for a foreign key.
 */
create or replace procedure private.reference(
  child regclass, child_column name, parent regclass, on_delete text, parent_column name default 'id', and_set text default null
)
language plpgsql
set search_path = ''
as $$
declare
  child_name name := (select c.relname from pg_catalog.pg_class c where c.oid = child);
begin
  if on_delete not in ('cascade', 'set null', 'no action') then
    raise exception 'on_delete must be cascade, set null or no action, not "%"', on_delete using errcode = '22023';
  end if;
  if and_set is not null and on_delete <> 'set null' then
    raise exception 'and_set goes with on_delete set null, not "%"', on_delete using errcode = '22023';
  end if;
  execute format('create trigger %I after insert on %s referencing new table as new_rows for each statement '
                 'execute function private.reference_inserted(%L, %L, %L)',
                 format('ref_%s_inserted', child_column), child, child_column, parent, parent_column);
  execute format('create trigger %1$I after update of %2$I on %3$s for each row when (old.%2$I is distinct from new.%2$I and new.%2$I is not null) '
                 'execute function private.reference_updated(%2$L, %4$L, %5$L)',
                 format('ref_%s_updated', child_column), child_column, child, parent, parent_column);
  execute format('create trigger %I after delete on %s referencing old table as old_rows for each statement '
                 'execute function private.reference_deleted(%L, %L, %L, %L%s)',
                 format('ref_%s_%s_deleted', child_name, child_column), parent, child, child_column, parent_column, on_delete,
                 case when and_set is not null then format(', %L', and_set) else '' end);
  execute format('create trigger %1$I before update of %2$I on %3$s for each row when (old.%2$I is distinct from new.%2$I) '
                 'execute function private.reference_key_kept(%4$L, %5$L, %2$L)',
                 format('ref_%s_%s_key', child_name, child_column), parent_column, parent, child, child_column);
  execute format('create trigger %I after truncate on %s for each statement execute function private.reference_truncated(%L, %L)',
                 format('ref_%s_%s_truncated', child_name, child_column), parent, child, child_column);
end;
$$;
comment on procedure private.reference(regclass, name, regclass, text, name, text) is
  'Makes a column refer to a parent''s key like a foreign key (23503; on delete cascade, set null or no action), checked once per statement over its transition table.';

revoke execute on function private.reference_inserted(), private.reference_updated(), private.reference_deleted(),
  private.reference_key_kept(), private.reference_truncated() from public;
revoke execute on procedure private.reference(regclass, name, regclass, text, name, text) from public;
