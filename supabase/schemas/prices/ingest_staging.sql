-- The staging tables of price ingestion, their shapes declared once.
-- A batch is staged in session-local temporary tables (_offers, _rejects, _offers_to_apply) so
-- concurrent batches never see each other's rows. Each is created on a session's first batch as
-- `LIKE` one of the composite types below, and emptied at every commit: no catalog writes per
-- batch. They have no indexes (only ever scanned whole; an index would be rebuilt at every commit,
-- invalidating every cached plan) and are analyzed once filled, so each batch is planned for its
-- size. plpgsql_check (`supabase db lint`) reads the same templates through each step's
-- `PRAGMA:TABLE: _offers (like private.staged_offer)`.
-- A change of a template's columns must also rename its temporary table: sessions that already
-- made it keep the old shape.

create type private.staged_offer as (
  "row" integer,
  -- as sent
  sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean, observed_at timestamptz,
  parsed jsonb,
  -- looked up
  rate numeric, listing_id uuid, known_title text, known_url text, known_gtin text, known_first_seen_at timestamptz,
  variant_id uuid, current_price numeric, current_currency text,
  -- computed
  price_base numeric, per_100ml numeric, reference numeric, anomaly public.price_anomaly_kind, reason text
);
comment on type private.staged_offer is
  'Shape of a session''s temporary _offers table: one row per accepted offer of the batch being ingested.';

create type private.staged_reject as ("row" integer, field text, reason text);
comment on type private.staged_reject is
  'Shape of a session''s temporary _rejects table: the rows the database refused, with the field and reason.';

create type private.staged_offer_to_apply as (
  listing_id uuid, retailer_id uuid, variant_id uuid, price numeric, currency text,
  price_base numeric, price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz
);
comment on type private.staged_offer_to_apply is
  'Shape of a session''s temporary _offers_to_apply table: one reviewed offer per listing for private.apply_staged_offers.';

/** Creates the staging tables on the session's first call, and empties them (a second batch in one transaction). */
create or replace function private.ingest_staging_tables()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
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
