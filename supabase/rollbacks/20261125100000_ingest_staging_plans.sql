-- Rollback of 20261125100000_ingest_staging_plans.sql: the staging tables with their keys again, unanalyzed, and JIT
-- as the server sets it.
-- private.stage_offers_to_apply as 20261123100000_ingest_fast_path.sql defined it (that migration
-- cannot be applied twice), and the ingest function as 20261124100000_ingest_confirm_in_place.sql
-- defined it (that one can). Sessions that already made their staging tables keep them until they end.
create or replace function private.stage_offers_to_apply()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (listing_id uuid)';
  if to_regclass('pg_temp._offers_to_apply') is null then
    create temporary table _offers_to_apply (
      listing_id uuid primary key, retailer_id uuid not null, variant_id uuid, price numeric not null, currency text not null,
      price_base numeric not null, price_per_100ml_base numeric, in_stock boolean not null, observed_at timestamptz not null
    ) on commit delete rows;
  end if;
  delete from _offers_to_apply;  -- (a second call in one transaction)
end;
$$;
comment on function private.stage_offers_to_apply() is 'Empties (creating it once per session) _offers_to_apply, one reviewed offer per listing, read by private.apply_staged_offers.';
\ir ../migrations/20261124100000_ingest_confirm_in_place.sql
alter function private.match_listings(jsonb) reset jit;
