-- The staging tables of price ingestion, their shapes declared once.
-- A batch is staged in session-local temporary tables (_offers, _rejects, _offers_to_apply) so
-- concurrent batches never see each other's rows. Each is created on a session's first batch as
-- `LIKE` one of the composite types below, and emptied at every commit: no catalog writes per
-- batch. They have no indexes (only ever scanned whole; an index would be rebuilt at every commit,
-- invalidating every cached plan) and are analyzed once filled, so each batch is planned for its
-- size. plpgsql_check (`supabase db lint`) reads the same templates through each step's
-- `PRAGMA:TABLE: _offers (like private.staged_offer)`.
-- A session that made its tables before a template's columns changed (a migration ran meanwhile)
-- gets them made again: private.ingest_staging_tables compares their columns with the template's.

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

/** Creates the staging tables on the session's first call (again when their template changed), and empties them (a second batch in one transaction). */
create or replace function private.ingest_staging_tables()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  if private.staging_table_outdated('_offers', 'private.staged_offer') then
    drop table pg_temp._offers;
  end if;
  if private.staging_table_outdated('_rejects', 'private.staged_reject') then
    drop table pg_temp._rejects;
  end if;
  if private.staging_table_outdated('_offers_to_apply', 'private.staged_offer_to_apply') then
    drop table pg_temp._offers_to_apply;
  end if;
  if to_regclass('pg_temp._offers') is null then
    create temporary table _offers (like private.staged_offer) on commit delete rows;
  end if;
  if to_regclass('pg_temp._rejects') is null then
    create temporary table _rejects (like private.staged_reject) on commit delete rows;
  end if;
  if to_regclass('pg_temp._offers_to_apply') is null then
    create temporary table _offers_to_apply (like private.staged_offer_to_apply) on commit delete rows;
  end if;
  delete from _offers;
  delete from _rejects;
  delete from _offers_to_apply;
end;
$$;
comment on function private.ingest_staging_tables() is
  'Creates the session''s staging tables _offers, _rejects and _offers_to_apply (LIKE the types private.staged_*) once, and empties them.';
revoke execute on function private.ingest_staging_tables() from public;
grant execute on function private.ingest_staging_tables() to service_role;
