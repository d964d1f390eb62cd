-- Helpers for partitioned and append-only tables: monthly range partitions made
-- ahead of time by a daily job, and a trigger that refuses UPDATE.

create or replace function private.prevent_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end;
$$;
comment on function private.prevent_change() is 'Trigger: rejects UPDATE on append-only tables.';
revoke execute on function private.prevent_change() from public;

/**
 * Creates the monthly partitions of a table partitioned by a timestamptz range, from months_back to months_ahead,
 * as private.<table>_YYYY_MM (out of the API's reach whatever the parent's schema); returns how many it made.
 */
create or replace function private.ensure_monthly_partitions(parent regclass, months_back integer default 1, months_ahead integer default 3)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  m date;
  created integer := 0;
  schema_name text;
  table_name text;
  part text;
begin
  select c.relname into table_name from pg_catalog.pg_class c where c.oid = parent;
  schema_name := 'private';
  for m in
    select generate_series(date_trunc('month', now() - make_interval(months => months_back)),
                           date_trunc('month', now() + make_interval(months => months_ahead)), interval '1 month')::date
  loop
    part := format('%s_%s', table_name, to_char(m, 'YYYY_MM'));
    if to_regclass(format('%I.%I', schema_name, part)) is null then
      execute format('create table %I.%I partition of %s for values from (%L) to (%L)', schema_name, part, parent, m, (m + interval '1 month')::date);
      execute format('comment on table %I.%I is %L', schema_name, part, format('%s of %s.', table_name, to_char(m, 'YYYY-MM')));
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;
comment on function private.ensure_monthly_partitions(regclass, integer, integer) is 'Creates missing monthly partitions private.<table>_YYYY_MM of a range-partitioned table around now; idempotent.';
revoke execute on function private.ensure_monthly_partitions(regclass, integer, integer) from public;

/** The monthly partitions ensure_monthly_partitions made for a table, with the month each holds. */
create or replace function private.monthly_partitions(parent regclass)
returns table (partition_name text, month date)
language sql
stable
set search_path = ''
as $$
  select c.relname::text, to_date(right(c.relname, 7), 'YYYY_MM')
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  where i.inhparent = parent
    and c.relname ~ ('^' || (select p.relname from pg_catalog.pg_class p where p.oid = parent) || '_[0-9]{4}_[0-9]{2}$')
$$;
comment on function private.monthly_partitions(regclass) is 'The monthly partitions private.<table>_YYYY_MM of a range-partitioned table, with their month (the default partition is not one).';
revoke execute on function private.monthly_partitions(regclass) from public;
