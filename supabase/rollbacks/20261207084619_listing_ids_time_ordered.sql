-- Rollback of 20261207084619_listing_ids_time_ordered.sql.
-- Listing ids go back to random (v4) uuids; ids already made stay; reviewed.

set local check_function_bodies = off;

ALTER TABLE "public"."retailer_listings"
  ALTER COLUMN "id" DROP DEFAULT;

DROP FUNCTION "private"."uuid_v7"();

ALTER TABLE "public"."retailer_listings"
  ALTER COLUMN "id" SET DEFAULT gen_random_uuid();

CREATE OR REPLACE FUNCTION private.ingest_match_listings()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform private.match_staging();
  insert into _to_match (listing_id, sku, gtin, parsed)
  select distinct on (o.sku) coalesce(o.listing_id, gen_random_uuid()), o.sku, coalesce(o.gtin, o.known_gtin), o.parsed
  from _offers o
  where o.known_title is distinct from o.title
    and (o.listing_id is null
         or exists (select from public.retailer_listings l where l.id = o.listing_id and l.status in ('unmatched', 'review')))
  order by o.sku, o.observed_at desc, o."row" desc;
  if found then
    perform private.match_decide();
  end if;
end;
$function$;
