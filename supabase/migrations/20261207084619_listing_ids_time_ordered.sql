-- Listing ids are time-ordered (private.uuid_v7, foundation/ids.sql): the listings of one feed batch
-- get neighbouring ids, so their inserts into the listing primary key and the listing_id indexes of
-- current offers, price history and observations touch a few adjacent pages instead of one random
-- page a row (issue 20: a batch of 10,000 new listings took ~4 % less database time). Existing ids
-- stay as they are.

set local check_function_bodies = off;

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
  select distinct on (o.sku) coalesce(o.listing_id, private.uuid_v7()), o.sku, coalesce(o.gtin, o.known_gtin), o.parsed
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

CREATE OR REPLACE FUNCTION private.uuid_v7()
  RETURNS uuid
  LANGUAGE sql
  PARALLEL SAFE
  SET search_path TO ''
  AS $function$
  -- a v4 uuid (122 random bits) with its first 6 bytes replaced by the time, and its version set to 7
  select encode(set_bit(set_bit(
           overlay(uuid_send(gen_random_uuid())
                   placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                   from 1 for 6),
           52, 1), 53, 1), 'hex')::uuid
$function$;

COMMENT ON FUNCTION "private"."uuid_v7"() IS 'A version-7 uuid (RFC 9562): Unix milliseconds, then random bits; ids of rows written together are neighbours in every index.';

REVOKE ALL ON FUNCTION "private"."uuid_v7"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."uuid_v7"() TO "service_role";

ALTER TABLE "public"."retailer_listings"
  ALTER COLUMN "id" SET DEFAULT private.uuid_v7();
