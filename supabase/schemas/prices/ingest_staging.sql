-- The staging tables of price ingestion, their shapes declared once.
-- A batch is staged in session-local temporary tables (_offers, _rejects, _offers_to_apply) so
-- concurrent batches never see each other's rows. Each is created on a session's first batch as
-- `LIKE` one of the composite types below, and emptied at every commit: no catalog writes per
-- batch. They have no indexes (only ever scanned whole; an index would be rebuilt at every commit,
-- invalidating every cached plan) and are analyzed once filled, so each batch is planned for its
-- size. plpgsql_check (`supabase db lint`) reads the same templates through each step's
-- `PRAGMA:TABLE: _offers (like private.staged_offer)`.
-- A session that made its tables before a template's columns changed (a migration ran meanwhile)
-- gets them made again: private.session_table compares their columns with the template's. It
-- makes matching's working tables too (prices/matching.sql), of which _to_match keeps a primary key
-- (a listing is decided once).

create type private.staged_offer as (
  "row" integer,
  -- as sent
  sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean, observed_at timestamptz,
  parsed jsonb,
  -- looked up
  rate numeric, listing_id uuid, known_title text, known_url text, known_gtin text, known_first_seen_at timestamptz,
  variant_id uuid, current_price numeric, current_currency text,
  -- computed
  price_base numeric, per_100ml numeric, reference numeric, anomaly public.price_anomaly_kind, reason text,
  -- as sent, and computed (added later, so last)
  shipping numeric, shipping_base numeric
);
comment on type private.staged_offer is
  'Shape of a session''s temporary _offers table: one row per accepted offer of the batch being ingested.';

create type private.staged_reject as ("row" integer, field text, reason text);
comment on type private.staged_reject is
  'Shape of a session''s temporary _rejects table: the rows the database refused, with the field and reason.';

create type private.staged_offer_to_apply as (
  listing_id uuid, retailer_id uuid, variant_id uuid, price numeric, currency text,
  price_base numeric, price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz,
  shipping numeric, shipping_base numeric
);
comment on type private.staged_offer_to_apply is
  'Shape of a session''s temporary _offers_to_apply table: one reviewed offer per listing for private.apply_staged_offers.';

/** True when the session's temporary table (if any) lacks the columns of its template, in order: made before a migration changed the template. */
create or replace function private.staging_table_outdated(temp_table text, template regtype)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(to_regclass('pg_temp.' || temp_table) is not null
    and (select array_agg((a.attname, a.atttypid)::text order by a.attnum) from pg_catalog.pg_attribute a
         where a.attrelid = to_regclass('pg_temp.' || temp_table) and a.attnum > 0 and not a.attisdropped)
        is distinct from
        (select array_agg((a.attname, a.atttypid)::text order by a.attnum) from pg_catalog.pg_attribute a
         join pg_catalog.pg_type t on t.typrelid = a.attrelid
         where t.oid = template and a.attnum > 0 and not a.attisdropped), false)
$$;
comment on function private.staging_table_outdated(text, regtype) is
  'Whether the session''s temporary staging table exists with other columns than its template (made before a migration changed it).';
revoke execute on function private.staging_table_outdated(text, regtype) from public;
grant execute on function private.staging_table_outdated(text, regtype) to service_role;

/**
 * Makes the session's temporary table `temp_table` like the type `template` (with `primary_key`, if
 * given) on first need, again when the template changed, and empties it. It lives as long as the
 * session, emptied at commit: made and dropped in every transaction, a working table costs its
 * catalog rows and every cached plan on it each time. Emptied with DELETE (TRUNCATE would make
 * those plans plan again).
 */
create or replace function private.session_table(temp_table text, template regtype, primary_key name default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if private.staging_table_outdated(temp_table, template) then
    execute format('drop table pg_temp.%I', temp_table);
  end if;
  if to_regclass('pg_temp.' || quote_ident(temp_table)) is null then
    execute format('create temporary table %I (like %s%s) on commit delete rows', temp_table, template,
                   case when primary_key is not null then format(', primary key (%I)', primary_key) else '' end);
  end if;
  execute format('delete from pg_temp.%I', temp_table);
end;
$$;
comment on function private.session_table(text, regtype, name) is
  'Makes (once per session, again when its template type changed) and empties a temporary working table shaped like a type.';
revoke execute on function private.session_table(text, regtype, name) from public;
grant execute on function private.session_table(text, regtype, name) to service_role;

/** Makes the staging tables on the session's first call (again when their template changed), and empties them (a second batch in one transaction). */
create or replace function private.ingest_staging_tables()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.session_table('_offers', 'private.staged_offer');
  perform private.session_table('_rejects', 'private.staged_reject');
  perform private.session_table('_offers_to_apply', 'private.staged_offer_to_apply');
end;
$$;
comment on function private.ingest_staging_tables() is
  'Creates the session''s staging tables _offers, _rejects and _offers_to_apply (LIKE the types private.staged_*) once, and empties them.';
revoke execute on function private.ingest_staging_tables() from public;
grant execute on function private.ingest_staging_tables() to service_role;
