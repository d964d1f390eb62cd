-- Checks per statement, not per row, on the listings and the history a feed's first batch writes:
-- * price history: the exclusion constraint's GiST index (~0.2 s of a batch of 10,000 new listings)
--   gives way to statement triggers comparing each written range with its two neighbours (23P01 as
--   before), and the open-range index becomes unique;
-- * listings: their volume is set by the ingest's insert and checked by a statement trigger, not
--   looked up by a row trigger per listing (updates keep the row trigger);
-- * matching records decisions on the batch's listings by index, not by reading every unmatched one.

set local check_function_bodies = off;

DROP TRIGGER "set_volume" ON "public"."retailer_listings";

DROP INDEX "public"."price_history_open_idx";

ALTER TABLE "public"."price_history"
  DROP CONSTRAINT "price_history_no_overlap";

CREATE OR REPLACE FUNCTION private.ingest_write_listings (
  retailer uuid
)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  -- Only listings that changed are written, and none are looked for when no row differs from its listing.
  if exists (select from _offers o
             where o.listing_id is not null
               and ((o.title, o.url) is distinct from (o.known_title, o.known_url)
                    or (o.gtin is not null and o.gtin is distinct from o.known_gtin)
                    or o.observed_at < o.known_first_seen_at)) then
    update public.retailer_listings l
    set title = o.title, url = o.url, gtin = coalesce(o.gtin, l.gtin), first_seen_at = least(l.first_seen_at, o.first_seen_at)
    from (
      select * from (
        select distinct on (o.listing_id) o.listing_id, o.title, o.url, o.gtin, o.known_title, o.known_url, o.known_gtin,
               o.known_first_seen_at, min(o.observed_at) over (partition by o.listing_id) as first_seen_at
        from _offers o where o.listing_id is not null
        order by o.listing_id, o.observed_at desc, o."row" desc
      ) latest
      where (latest.title, latest.url) is distinct from (latest.known_title, latest.known_url)
         or (latest.gtin is not null and latest.gtin is distinct from latest.known_gtin)
         or latest.first_seen_at < latest.known_first_seen_at
    ) o
    where l.id = o.listing_id;
  end if;
  -- Listings seen for the first time, with their match. When a concurrent batch wrote the SKU first
  -- (the unique key settles the race), its row is kept and this batch's decision is recorded like
  -- that of any listing already written.
  with created as (
    insert into public.retailer_listings as l
      (id, retailer_id, retailer_sku, title, url, gtin, first_seen_at, variant_id, match_method, match_confidence, status, volume_ml)
    select distinct on (o.sku) m.listing_id, retailer, o.sku, o.title, o.url, o.gtin, min(o.observed_at) over (partition by o.sku),
           case when m.status = 'matched' then m.variant_id end, case when m.status = 'matched' then m.method end,
           case when m.status = 'matched' then m.confidence end, coalesce(m.status, 'unmatched'),
           -- (the variant's volume, as the table's insert trigger would otherwise set it)
           (select v.size_ml * v.quantity from public.variants v where v.id = m.variant_id and m.status = 'matched')
    from _offers o join _to_match m on m.sku = o.sku
    where o.listing_id is null
    order by o.sku, o.observed_at desc, o."row" desc
    on conflict (retailer_id, retailer_sku) do update
      set title = excluded.title, url = excluded.url, gtin = coalesce(excluded.gtin, l.gtin),
          first_seen_at = least(l.first_seen_at, excluded.first_seen_at)
    returning l.id, l.retailer_sku, l.variant_id, l.volume_ml
  ),
  raced as (
    update _to_match m set listing_id = c.id
    from created c where m.sku = c.retailer_sku and m.listing_id <> c.id
  )
  -- The offers of the new listings: their listing, and (when matched) its variant and their price per 100 ml.
  update _offers o
  set listing_id = c.id, variant_id = c.variant_id, per_100ml = round(o.price * o.rate / c.volume_ml * 100, 2)
  from created c where o.listing_id is null and o.sku = c.retailer_sku;
  perform private.match_record();
  -- The offers of listings written before and matched now (retitled, or written first by a concurrent
  -- batch): their variant and price per 100 ml. (The listings by index: joined, a batch's few thousand
  -- were hashed against every listing.)
  update _offers o
  set variant_id = l.variant_id, per_100ml = round(o.price * o.rate / l.volume_ml * 100, 2)
  from public.retailer_listings l
  where l.id = any (array(select o.listing_id from _offers o join _to_match m on m.listing_id = o.listing_id
                          where m.status = 'matched' and o.variant_id is null))
    and l.id = o.listing_id and l.variant_id is not null;
  -- A price per 100 ml must fit.
  if exists (select from _to_match m where m.status = 'matched') then
    perform private.ingest_reject_unstorable(array['per_100ml']::name[]);
  end if;
end;
$function$;

CREATE OR REPLACE FUNCTION private.match_record()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  -- (The listings by index: joined, the planner read every unmatched listing of every retailer to
  -- find the few a batch had not written with its match already.)
  update public.retailer_listings l
  set variant_id = t.variant_id, match_method = t.method, match_confidence = t.confidence, status = 'matched'
  from _to_match t
  where l.id = any (array(select t.listing_id from _to_match t where t.status = 'matched'))
    and t.status = 'matched' and l.id = t.listing_id and l.status in ('unmatched', 'review');
  with queued as (
    insert into private.listing_match_candidates (listing_id, variant_id, confidence, runner_up_confidence, parsed)
    select t.listing_id, t.variant_id, t.confidence, t.runner_up, t.parsed
    from _to_match t join public.retailer_listings l on l.id = t.listing_id
    where t.status = 'review' and l.status in ('unmatched', 'review')
    on conflict (listing_id) do update
      set variant_id = excluded.variant_id, confidence = excluded.confidence,
          runner_up_confidence = excluded.runner_up_confidence, parsed = excluded.parsed
    returning listing_id
  )
  update public.retailer_listings l set status = 'review'
  from queued q where l.id = q.listing_id and l.status <> 'review';
  delete from private.listing_match_candidates c
  using _to_match t where c.listing_id = t.listing_id and t.status <> 'review';
  -- Listings with no candidate at all stay (or become again) unmatched.
  update public.retailer_listings l set status = 'unmatched'
  from _to_match t
  where l.id = t.listing_id and t.status = 'unmatched' and l.status = 'review';
end;
$function$;

CREATE OR REPLACE FUNCTION private.price_history_no_overlap()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  grown bigint[];  -- on update, the ranges that grew: an update that only shortened a range (closing it) cannot make it overlap
  clash record;
begin
  if tg_op = 'UPDATE' then
    grown := array(select n.id from new_rows n join old_rows w on w.id = n.id where not w.valid @> n.valid);
    if grown = '{}' then
      return null;
    end if;
  end if;
  select n.listing_id, n.valid, o.valid as other into clash
  from new_rows n
  cross join lateral (
    -- the range that starts last at or before it (not itself), and the one that starts first after it
    (select h.valid from public.price_history h
     where h.listing_id = n.listing_id and lower(h.valid) <= lower(n.valid) and h.id <> n.id
     order by lower(h.valid) desc limit 1)
    union all
    (select h.valid from public.price_history h
     where h.listing_id = n.listing_id and lower(h.valid) > lower(n.valid)
     order by lower(h.valid) limit 1)
  ) o
  where (grown is null or n.id = any (grown)) and o.valid && n.valid
  limit 1;
  if found then
    raise exception 'conflicting key value violates exclusion constraint "price_history_no_overlap"'
      using errcode = 'exclusion_violation', constraint = 'price_history_no_overlap', table = 'price_history',
            detail = format('Key (listing_id, valid)=(%s, %s) conflicts with existing key (listing_id, valid)=(%s, %s).',
                            clash.listing_id, clash.valid, clash.listing_id, clash.other);
  end if;
  return null;
end;
$function$;

CREATE OR REPLACE FUNCTION private.set_inserted_listing_volumes()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  update public.retailer_listings l set volume_ml = (select v.size_ml * v.quantity from public.variants v where v.id = l.variant_id)
  where l.id = any (array(select n.id from new_rows n
                          where n.volume_ml is distinct from (select v.size_ml * v.quantity from public.variants v where v.id = n.variant_id)));
  return null;
end;
$function$;

CREATE UNIQUE INDEX price_history_open_idx ON public.price_history USING btree (listing_id)
  WHERE upper_inf(VALID);

CREATE TRIGGER no_overlap_inserted
  AFTER INSERT ON public.price_history REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.price_history_no_overlap();

CREATE TRIGGER no_overlap_updated
  AFTER UPDATE ON public.price_history REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.price_history_no_overlap();

CREATE TRIGGER set_volumes_inserted
  AFTER INSERT ON public.retailer_listings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.set_inserted_listing_volumes();

CREATE TRIGGER set_volume
  BEFORE UPDATE OF variant_id, volume_ml ON public.retailer_listings
  FOR EACH ROW
  EXECUTE FUNCTION private.set_listing_volume();

COMMENT ON FUNCTION "private"."price_history_no_overlap"() IS 'AFTER INSERT / UPDATE statement trigger on public.price_history: refuses (23P01) a range that overlaps another of its listing, comparing each written range with its two neighbours.';

COMMENT ON FUNCTION "private"."set_inserted_listing_volumes"() IS 'Trigger: sets the volume_ml of the listings a statement inserted to their variant''s (null when unmatched) where the statement wrote another.';

COMMENT ON FUNCTION "private"."set_listing_volume"() IS 'Trigger: sets a listing''s volume_ml from its variant (null when unmatched), whatever the update wrote.';

COMMENT ON INDEX "public"."price_history_open_idx" IS 'The open (current) range of each listing: at most one.';

REVOKE ALL ON FUNCTION "private"."price_history_no_overlap"() FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."set_inserted_listing_volumes"() FROM PUBLIC;
