-- The rules an offer must meet are the constraints and column types of the tables a batch writes:
-- defined once there, and read from the catalog by the batch itself, which turns every staged row
-- that would break one into a reject (row, field, reason) instead of failing the whole batch. The
-- ingest-prices function only parses (types, times, text the database cannot hold); every value
-- rule is here, so the two cannot drift. A reject's reason is its constraint's comment.

/**
 * Where each staged value goes: (table, column, the _offers expression, the feed field a reject names).
 * Every CHECK constraint of these tables whose columns are all listed, every NOT NULL, and every
 * numeric(p, s) bound applies to the staged rows.
 */
create or replace function private.ingest_written_columns()
returns table (table_name regclass, column_name name, staged name, field text)
language sql
immutable
set search_path = ''
as $$
  values
    ('public.retailer_listings'::regclass, 'retailer_sku'::name, 'sku'::name, 'sku'),
    ('public.retailer_listings', 'title', 'title', 'title'),
    ('public.retailer_listings', 'url', 'url', 'url'),
    ('public.retailer_listings', 'gtin', 'gtin', 'gtin'),
    ('private.price_observations', 'price', 'price', 'price'),
    ('private.price_observations', 'currency', 'currency', 'currency'),
    ('private.price_observations', 'price_base', 'price_base', 'price'),
    ('private.price_observations', 'price_per_100ml_base', 'per_100ml', 'price'),
    ('public.current_offers', 'price', 'price', 'price'),
    ('public.current_offers', 'price_base', 'price_base', 'price'),
    ('public.current_offers', 'price_per_100ml_base', 'per_100ml', 'price'),
    ('public.price_history', 'price', 'price', 'price'),
    ('public.price_history', 'currency', 'currency', 'currency'),
    ('public.price_history', 'price_base', 'price_base', 'price'),
    ('private.price_observations', 'shipping', 'shipping', 'shipping'),
    ('public.current_offers', 'shipping', 'shipping', 'shipping'),
    ('public.current_offers', 'shipping_base', 'shipping_base', 'shipping')
$$;
comment on function private.ingest_written_columns() is
  'The columns a price batch writes from its staged offers: the table''s column, the _offers column it comes from, and the feed field a reject names.';

/**
 * One statement that inserts into _rejects a reject for every rule each row of _offers breaks: per
 * table, the staged values stand in for the columns (cast to the column's type once within its
 * bounds), and each rule is evaluated on them. With `staged`, only the rules on those _offers
 * columns (a value computed after the first check, such as the price per 100 ml of a new match).
 */
create or replace function private.ingest_rules_sql(staged name[] default null)
returns text
language sql
stable
set search_path = ''
as $$
  with cols as (
    select w.table_name, w.column_name, format('%I', 'staged ' || w.staged) as staged, w.staged as source, w.field, w.ord,
           a.attnotnull as not_null,
           format_type(a.atttypid, a.atttypmod) as type,
           -- numeric(p, s): the largest magnitude it holds, once rounded to s places
           case when a.atttypid = 'numeric'::regtype and a.atttypmod > 0
                then (((a.atttypmod - 4) >> 16) & 65535) - ((a.atttypmod - 4) & 65535) end as int_digits,
           case when a.atttypid = 'numeric'::regtype and a.atttypmod > 0 then (a.atttypmod - 4) & 65535 end as scale
    from private.ingest_written_columns() with ordinality as w (table_name, column_name, staged, field, ord)
    join pg_catalog.pg_attribute a on a.attrelid = w.table_name and a.attname = w.column_name
    where ingest_rules_sql.staged is null or w.staged = any (ingest_rules_sql.staged)
  ),
  rules as (
    -- the table's CHECK constraints over written columns only
    select c.conrelid as table_name, k.field, k.ord, pg_catalog.pg_get_expr(c.conbin, c.conrelid) as ok,
           coalesce(pg_catalog.obj_description(c.oid, 'pg_constraint'), format('breaks %s', c.conname)) as reason
    from pg_catalog.pg_constraint c
    cross join lateral (
      select min(w.field) as field, min(w.ord) as ord, count(*) as written
      from unnest(c.conkey) as n (attnum)
      join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = n.attnum
      join cols w on w.table_name = c.conrelid and w.column_name = a.attname
    ) k
    where c.contype = 'c' and c.conrelid in (select table_name from cols) and k.written = cardinality(c.conkey)
    union all
    select table_name, field, ord, format('%s is not null', staged), 'is required' from cols where not_null
    union all
    select table_name, field, ord, format('abs(round(%s, %s)) < 1e%s', staged, scale, int_digits),
           format('is too large to store (at most %s digits before the decimal point)', int_digits)
    from cols where int_digits is not null
  ),
  per_table as (
    select t.table_name,
           -- the staged values under the column names; a number beyond its column's bounds becomes null
           -- here (its bound rule rejects it), so the cast cannot fail. Beside them, each staged value
           -- as it came ("staged price"), for the NOT NULL and bound rules.
           string_agg(format('%s as %I',
             case when t.int_digits is not null
                  then format('case when abs(round(o.%1$I, %2$s)) < 1e%3$s then (o.%1$I)::%4$s end', t.source, t.scale, t.int_digits, t.type)
                  else format('(o.%I)::%s', t.source, t.type) end, t.column_name), ', ')
           || ', ' || string_agg(distinct format('o.%I as %s', t.source, t.staged), ', ') as columns
    from cols t group by t.table_name
  )
  -- One reject per row and field: the reason of the rule on the field's first written column (a
  -- price under 0.01 is that, not also a base price under 0.01).
  select 'select distinct on (1, 2) "row", field, reason from (' || string_agg(format(
    -- Only w (the row number and the staged values, under the table's column names) is in scope
    -- where a constraint's bare column names are read. A row is taken apart into one row per rule
    -- only when some rule fails on it (their AND is false): most rows of a batch break none.
    $q$select w."row", r.field, r.reason, r.ord from (select o."row", %s from _offers o) as w
       cross join lateral (values %s) as r (field, reason, ord, ok)
       where r.ok is false and (%s) is false$q$,
    p.columns,
    (select string_agg(format('(%L, %L, %s, %s)', r.field, r.reason, r.ord, r.ok), ', ') from rules r where r.table_name = p.table_name),
    (select string_agg(format('(%s)', r.ok), ' and ') from rules r where r.table_name = p.table_name)),
    ' union all ') || ') broken order by 1, 2, ord, reason'
  from per_table p
  where exists (select from rules r where r.table_name = p.table_name)
$$;
comment on function private.ingest_rules_sql(name[]) is
  'The SQL that finds, in _offers, every row breaking a constraint, NOT NULL or numeric bound of the tables a batch writes, with the feed field and the rule''s reason.';

/**
 * Moves every staged offer that breaks a rule of the tables the batch writes from _offers to
 * _rejects (with `staged`, a rule on those _offers columns); returns how many rows.
 */
create or replace function private.ingest_reject_unstorable(staged name[] default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  moved integer;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  execute 'insert into _rejects ("row", field, reason) ' || private.ingest_rules_sql(staged);
  delete from _offers o where exists (select from _rejects r where r."row" = o."row");
  get diagnostics moved = row_count;
  return moved;
end;
$$;
comment on function private.ingest_reject_unstorable(name[]) is
  'Rejects (moves from _offers to _rejects) every staged offer that would break a constraint or column type of the tables a batch writes.';

revoke execute on function private.ingest_written_columns() from public;
revoke execute on function private.ingest_rules_sql(name[]) from public;
revoke execute on function private.ingest_reject_unstorable(name[]) from public;
grant execute on function private.ingest_written_columns(), private.ingest_rules_sql(name[]), private.ingest_reject_unstorable(name[]) to service_role;
