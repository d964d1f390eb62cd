-- A set-wise reference (foundation/references.sql) now refuses a parent's TRUNCATE while child rows
-- still refer to it, as the foreign key it replaced did: truncating retailers, variants, listings,
-- currencies or batches alone would have left offers, history and observations pointing at nothing.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.reference_truncated()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
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
$function$;

CREATE OR REPLACE PROCEDURE private.reference (
  IN child regclass,
  IN child_column name,
  IN parent regclass,
  IN on_delete text,
  IN parent_column name DEFAULT 'id'::name
)
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $procedure$
declare
  child_name name := (select c.relname from pg_catalog.pg_class c where c.oid = child);
begin
  if on_delete not in ('cascade', 'set null', 'no action') then
    raise exception 'on_delete must be cascade, set null or no action, not "%"', on_delete using errcode = '22023';
  end if;
  execute format('create trigger %I after insert on %s referencing new table as new_rows for each statement '
                 'execute function private.reference_inserted(%L, %L, %L)',
                 format('ref_%s_inserted', child_column), child, child_column, parent, parent_column);
  execute format('create trigger %1$I after update of %2$I on %3$s for each row when (old.%2$I is distinct from new.%2$I and new.%2$I is not null) '
                 'execute function private.reference_updated(%2$L, %4$L, %5$L)',
                 format('ref_%s_updated', child_column), child_column, child, parent, parent_column);
  execute format('create trigger %I after delete on %s referencing old table as old_rows for each statement '
                 'execute function private.reference_deleted(%L, %L, %L, %L)',
                 format('ref_%s_%s_deleted', child_name, child_column), parent, child, child_column, parent_column, on_delete);
  execute format('create trigger %1$I before update of %2$I on %3$s for each row when (old.%2$I is distinct from new.%2$I) '
                 'execute function private.reference_key_kept(%4$L, %5$L, %2$L)',
                 format('ref_%s_%s_key', child_name, child_column), parent_column, parent, child, child_column);
  execute format('create trigger %I after truncate on %s for each statement execute function private.reference_truncated(%L, %L)',
                 format('ref_%s_%s_truncated', child_name, child_column), parent, child, child_column);
end;
$procedure$;

CREATE TRIGGER ref_price_observations_batch_id_truncated
  AFTER TRUNCATE ON private.ingest_batches
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('private.price_observations', 'batch_id');

CREATE TRIGGER ref_current_offers_currency_truncated
  AFTER TRUNCATE ON public.currencies
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.current_offers', 'currency');

CREATE TRIGGER ref_current_offers_listing_id_truncated
  AFTER TRUNCATE ON public.retailer_listings
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.current_offers', 'listing_id');

CREATE TRIGGER ref_price_history_listing_id_truncated
  AFTER TRUNCATE ON public.retailer_listings
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.price_history', 'listing_id');

CREATE TRIGGER ref_price_observations_listing_id_truncated
  AFTER TRUNCATE ON public.retailer_listings
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('private.price_observations', 'listing_id');

CREATE TRIGGER ref_current_offers_retailer_id_truncated
  AFTER TRUNCATE ON public.retailers
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.current_offers', 'retailer_id');

CREATE TRIGGER ref_retailer_listings_retailer_id_truncated
  AFTER TRUNCATE ON public.retailers
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.retailer_listings', 'retailer_id');

CREATE TRIGGER ref_current_offers_variant_id_truncated
  AFTER TRUNCATE ON public.variants
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.current_offers', 'variant_id');

CREATE TRIGGER ref_retailer_listings_variant_id_truncated
  AFTER TRUNCATE ON public.variants
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.reference_truncated('public.retailer_listings', 'variant_id');

COMMENT ON FUNCTION "private"."reference_truncated"() IS 'Set-wise reference, parent side: a TRUNCATE is refused while the child still has rows that refer to the parent (private.reference).';

REVOKE ALL ON FUNCTION "private"."reference_truncated"() FROM PUBLIC;
