-- Deleting a variant sent its matched listings' variant_id to null and left them 'matched', which
-- retailer_listings_match_consistent refused, so the delete failed (as it did with the foreign key).
-- private.reference takes and_set, what else a set null changes: the listings go back to matching.

set local check_function_bodies = off;

DROP TRIGGER "ref_retailer_listings_variant_id_deleted" ON "public"."variants";

DROP PROCEDURE "private"."reference"(regclass, name, regclass, text, name);

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
$function$;

CREATE OR REPLACE PROCEDURE private.reference (
  IN child regclass,
  IN child_column name,
  IN parent regclass,
  IN on_delete text,
  IN parent_column name DEFAULT 'id'::name,
  IN and_set text       DEFAULT NULL::text
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
$procedure$;

CREATE TRIGGER ref_retailer_listings_variant_id_deleted AFTER DELETE ON public.variants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.reference_deleted (
  'public.retailer_listings',
  'variant_id',
  'id',
  'set null',
  'status = case when status = ''matched'' then ''unmatched'' else status end, match_method = null, match_confidence = null'
);

COMMENT ON PROCEDURE "private"."reference"(regclass, name, regclass, text, name, text) IS 'Makes a column refer to a parent''s key like a foreign key (23503; on delete cascade, set null or no action), checked once per statement over its transition table.';

REVOKE ALL ON PROCEDURE "private"."reference"(regclass, name, regclass, text, name, text) FROM PUBLIC;
