-- Set-wise references (foundation/references.sql): the nine foreign keys a price batch checks row by
-- row (listings' retailer and variant; offers' listing, retailer, variant and currency; history's and
-- observations' listing; observations' batch) become references checked once per statement over the
-- statement's transition table, with the same locks, cascades and SQLSTATE. The existing rows met the
-- foreign keys, so nothing is checked again. The offers' currency index only served its foreign key.

set local check_function_bodies = off;

DROP INDEX "public"."current_offers_currency_idx";

ALTER TABLE "private"."price_observations"
  DROP CONSTRAINT "price_observations_batch_id_fkey";

ALTER TABLE "private"."price_observations"
  DROP CONSTRAINT "price_observations_listing_id_fkey";

ALTER TABLE "public"."current_offers"
  DROP CONSTRAINT "current_offers_currency_fkey";

ALTER TABLE "public"."current_offers"
  DROP CONSTRAINT "current_offers_listing_id_fkey";

ALTER TABLE "public"."current_offers"
  DROP CONSTRAINT "current_offers_retailer_id_fkey";

ALTER TABLE "public"."current_offers"
  DROP CONSTRAINT "current_offers_variant_id_fkey";

ALTER TABLE "public"."price_history"
  DROP CONSTRAINT "price_history_listing_id_fkey";

ALTER TABLE "public"."retailer_listings"
  DROP CONSTRAINT "retailer_listings_retailer_id_fkey";

ALTER TABLE "public"."retailer_listings"
  DROP CONSTRAINT "retailer_listings_variant_id_fkey";

CREATE OR REPLACE FUNCTION private.reference_deleted()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
declare
  remaining text;
begin
  if tg_argv[3] = 'cascade' then
    execute format('delete from %s c where c.%I = any (array(select o.%I from old_rows o))', tg_argv[0]::regclass, tg_argv[1], tg_argv[2]);
  elsif tg_argv[3] = 'set null' then
    execute format('update %1$s c set %2$I = null where c.%2$I = any (array(select o.%3$I from old_rows o))', tg_argv[0]::regclass, tg_argv[1], tg_argv[2]);
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
$function$;

CREATE OR REPLACE FUNCTION private.reference_inserted()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.reference_key_kept()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.reference_updated()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
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
end;
$procedure$;

CREATE TRIGGER ref_price_observations_batch_id_deleted AFTER DELETE ON private.ingest_batches
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'private.price_observations',
  'batch_id',
  'id',
  'no action'
);

CREATE TRIGGER ref_price_observations_batch_id_key
  BEFORE UPDATE OF id ON private.ingest_batches
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('private.price_observations', 'batch_id', 'id');

CREATE TRIGGER ref_batch_id_inserted AFTER INSERT ON private.price_observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'batch_id',
  'private.ingest_batches',
  'id'
);

CREATE TRIGGER ref_batch_id_updated
  AFTER UPDATE OF batch_id ON private.price_observations
  FOR EACH ROW
  WHEN (((old.batch_id IS DISTINCT FROM new.batch_id) AND (new.batch_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('batch_id', 'private.ingest_batches', 'id');

CREATE TRIGGER ref_listing_id_inserted AFTER INSERT ON private.price_observations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'listing_id',
  'public.retailer_listings',
  'id'
);

CREATE TRIGGER ref_listing_id_updated
  AFTER UPDATE OF listing_id ON private.price_observations
  FOR EACH ROW
  WHEN (((old.listing_id IS DISTINCT FROM new.listing_id) AND (new.listing_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('listing_id', 'public.retailer_listings', 'id');

CREATE TRIGGER ref_current_offers_currency_deleted AFTER DELETE ON public.currencies
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.current_offers',
  'currency',
  'code',
  'no action'
);

CREATE TRIGGER ref_current_offers_currency_key
  BEFORE UPDATE OF code ON public.currencies
  FOR EACH ROW
  WHEN ((old.code IS DISTINCT FROM new.code))
  EXECUTE FUNCTION private.reference_key_kept('public.current_offers', 'currency', 'code');

CREATE TRIGGER ref_currency_inserted AFTER INSERT ON public.current_offers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'currency',
  'public.currencies',
  'code'
);

CREATE TRIGGER ref_currency_updated
  AFTER UPDATE OF currency ON public.current_offers
  FOR EACH ROW
  WHEN (((old.currency IS DISTINCT FROM new.currency) AND (new.currency IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('currency', 'public.currencies', 'code');

CREATE TRIGGER ref_listing_id_inserted AFTER INSERT ON public.current_offers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'listing_id',
  'public.retailer_listings',
  'id'
);

CREATE TRIGGER ref_listing_id_updated
  AFTER UPDATE OF listing_id ON public.current_offers
  FOR EACH ROW
  WHEN (((old.listing_id IS DISTINCT FROM new.listing_id) AND (new.listing_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('listing_id', 'public.retailer_listings', 'id');

CREATE TRIGGER ref_retailer_id_inserted AFTER INSERT ON public.current_offers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'retailer_id',
  'public.retailers',
  'id'
);

CREATE TRIGGER ref_retailer_id_updated
  AFTER UPDATE OF retailer_id ON public.current_offers
  FOR EACH ROW
  WHEN (((old.retailer_id IS DISTINCT FROM new.retailer_id) AND (new.retailer_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('retailer_id', 'public.retailers', 'id');

CREATE TRIGGER ref_variant_id_inserted AFTER INSERT ON public.current_offers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'variant_id',
  'public.variants',
  'id'
);

CREATE TRIGGER ref_variant_id_updated
  AFTER UPDATE OF variant_id ON public.current_offers
  FOR EACH ROW
  WHEN (((old.variant_id IS DISTINCT FROM new.variant_id) AND (new.variant_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('variant_id', 'public.variants', 'id');

CREATE TRIGGER ref_listing_id_inserted AFTER INSERT ON public.price_history REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'listing_id',
  'public.retailer_listings',
  'id'
);

CREATE TRIGGER ref_listing_id_updated
  AFTER UPDATE OF listing_id ON public.price_history
  FOR EACH ROW
  WHEN (((old.listing_id IS DISTINCT FROM new.listing_id) AND (new.listing_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('listing_id', 'public.retailer_listings', 'id');

CREATE TRIGGER ref_current_offers_listing_id_deleted AFTER DELETE ON public.retailer_listings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.current_offers',
  'listing_id',
  'id',
  'cascade'
);

CREATE TRIGGER ref_current_offers_listing_id_key
  BEFORE UPDATE OF id ON public.retailer_listings
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.current_offers', 'listing_id', 'id');

CREATE TRIGGER ref_price_history_listing_id_deleted AFTER DELETE ON public.retailer_listings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.price_history',
  'listing_id',
  'id',
  'cascade'
);

CREATE TRIGGER ref_price_history_listing_id_key
  BEFORE UPDATE OF id ON public.retailer_listings
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.price_history', 'listing_id', 'id');

CREATE TRIGGER ref_price_observations_listing_id_deleted AFTER DELETE ON public.retailer_listings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'private.price_observations',
  'listing_id',
  'id',
  'cascade'
);

CREATE TRIGGER ref_price_observations_listing_id_key
  BEFORE UPDATE OF id ON public.retailer_listings
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('private.price_observations', 'listing_id', 'id');

CREATE TRIGGER ref_retailer_id_inserted AFTER INSERT ON public.retailer_listings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'retailer_id',
  'public.retailers',
  'id'
);

CREATE TRIGGER ref_retailer_id_updated
  AFTER UPDATE OF retailer_id ON public.retailer_listings
  FOR EACH ROW
  WHEN (((old.retailer_id IS DISTINCT FROM new.retailer_id) AND (new.retailer_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('retailer_id', 'public.retailers', 'id');

CREATE TRIGGER ref_variant_id_inserted AFTER INSERT ON public.retailer_listings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_inserted (
  'variant_id',
  'public.variants',
  'id'
);

CREATE TRIGGER ref_variant_id_updated
  AFTER UPDATE OF variant_id ON public.retailer_listings
  FOR EACH ROW
  WHEN (((old.variant_id IS DISTINCT FROM new.variant_id) AND (new.variant_id IS NOT NULL)))
  EXECUTE FUNCTION private.reference_updated('variant_id', 'public.variants', 'id');

CREATE TRIGGER ref_current_offers_retailer_id_deleted AFTER DELETE ON public.retailers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.current_offers',
  'retailer_id',
  'id',
  'cascade'
);

CREATE TRIGGER ref_current_offers_retailer_id_key
  BEFORE UPDATE OF id ON public.retailers
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.current_offers', 'retailer_id', 'id');

CREATE TRIGGER ref_retailer_listings_retailer_id_deleted AFTER DELETE ON public.retailers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.retailer_listings',
  'retailer_id',
  'id',
  'cascade'
);

CREATE TRIGGER ref_retailer_listings_retailer_id_key
  BEFORE UPDATE OF id ON public.retailers
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.retailer_listings', 'retailer_id', 'id');

CREATE TRIGGER ref_current_offers_variant_id_deleted AFTER DELETE ON public.variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.current_offers',
  'variant_id',
  'id',
  'set null'
);

CREATE TRIGGER ref_current_offers_variant_id_key
  BEFORE UPDATE OF id ON public.variants
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.current_offers', 'variant_id', 'id');

CREATE TRIGGER ref_retailer_listings_variant_id_deleted AFTER DELETE ON public.variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.retailer_listings',
  'variant_id',
  'id',
  'set null'
);

CREATE TRIGGER ref_retailer_listings_variant_id_key
  BEFORE UPDATE OF id ON public.variants
  FOR EACH ROW
  WHEN ((old.id IS DISTINCT FROM new.id))
  EXECUTE FUNCTION private.reference_key_kept('public.retailer_listings', 'variant_id', 'id');

COMMENT ON FUNCTION "private"."reference_deleted"() IS 'Set-wise reference, parent side: deleting parents cascades to, sets null in, or (no action) is refused while referenced by the child, once per statement (private.reference).';

COMMENT ON FUNCTION "private"."reference_inserted"() IS 'Set-wise reference, child side: the distinct keys a statement inserted all exist in the parent, locked FOR KEY SHARE until commit (private.reference).';

COMMENT ON FUNCTION "private"."reference_key_kept"() IS 'Set-wise reference, parent side: a referenced key cannot change (private.reference).';

COMMENT ON FUNCTION "private"."reference_updated"() IS 'Set-wise reference, child side: a row whose key an update changed names an existing parent, locked FOR KEY SHARE (private.reference).';

COMMENT ON PROCEDURE "private"."reference"(regclass, name, regclass, text, name) IS 'Makes a column refer to a parent''s key like a foreign key (23503; on delete cascade, set null or no action), checked once per statement over its transition table.';

REVOKE ALL ON FUNCTION "private"."reference_deleted"() FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."reference_inserted"() FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."reference_key_kept"() FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."reference_updated"() FROM PUBLIC;

REVOKE ALL ON PROCEDURE "private"."reference"(regclass, name, regclass, text, name) FROM PUBLIC;
