-- Retailer listings: a retailer's product under its own SKU and title, matched
-- to a variant. A listing carries its variant's total volume (volume_ml), kept
-- by triggers, so pricing an offer per 100 ml needs no lookup of the variant.

create table public.retailer_listings (
  id uuid primary key default private.uuid_v7(),  -- time-ordered: a feed's new listings are index neighbours (foundation/ids.sql)
  retailer_id uuid not null,  -- references retailers, set-wise (below)
  retailer_sku text not null constraint retailer_listings_sku_not_blank check (btrim(retailer_sku) <> '')
    constraint retailer_listings_sku_length check (length(retailer_sku) <= 255),
  title text not null constraint retailer_listings_title_not_blank check (btrim(title) <> '')
    constraint retailer_listings_title_length check (length(title) <= 500),
  url text not null constraint retailer_listings_url_format check (url ~ '^https?://[^[:space:]]+$')
    constraint retailer_listings_url_length check (length(url) <= 2048),
  affiliate_url text constraint retailer_listings_affiliate_url_format check (affiliate_url ~ '^https?://[^[:space:]]+$'),
  gtin text constraint retailer_listings_gtin_checksum check (public.is_valid_gtin(gtin)),
  variant_id uuid,  -- references variants, set-wise (below)
  match_method public.match_method,
  match_confidence numeric(4, 3) constraint retailer_listings_match_confidence_range check (match_confidence between 0 and 1),
  status public.listing_status not null default 'unmatched',
  first_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  volume_ml numeric,
  constraint retailer_listings_sku_unique unique (retailer_id, retailer_sku),
  constraint retailer_listings_match_consistent check (
    (status = 'matched') = (variant_id is not null and match_method is not null and match_confidence is not null))
);
comment on table public.retailer_listings is 'A retailer''s product as the retailer names it, and the variant it was matched to.';
comment on column public.retailer_listings.id is 'Public identifier.';
comment on column public.retailer_listings.retailer_id is 'The shop.';
comment on column public.retailer_listings.retailer_sku is 'The shop''s own product id; unique per retailer.';
comment on column public.retailer_listings.title is 'Raw title from the feed ("SAUVAGE EDP SPRAY 3.4 OZ").';
comment on column public.retailer_listings.url is 'Product page.';
comment on column public.retailer_listings.affiliate_url is 'Tracking link to the product page, when the network provides one.';
comment on column public.retailer_listings.gtin is 'GTIN from the feed, when valid.';
comment on column public.retailer_listings.variant_id is 'Matched variant; set exactly when status is matched.';
comment on column public.retailer_listings.match_method is 'How the match was made.';
comment on column public.retailer_listings.match_confidence is 'Confidence of the match, 0..1.';
comment on column public.retailer_listings.status is 'Where the listing is in matching.';
comment on column public.retailer_listings.first_seen_at is 'First time a feed contained it.';
comment on column public.retailer_listings.volume_ml is
  'Total volume of the matched variant in ml (size_ml × quantity), kept by triggers; null while unmatched. Prices per 100 ml divide by it.';
-- A price batch reads these comments as the reasons of its rejects (prices/ingest_rules.sql).
comment on constraint retailer_listings_sku_not_blank on public.retailer_listings is 'must not be blank';
comment on constraint retailer_listings_sku_length on public.retailer_listings is 'must be at most 255 characters';
comment on constraint retailer_listings_title_not_blank on public.retailer_listings is 'must not be blank';
comment on constraint retailer_listings_title_length on public.retailer_listings is 'must be at most 500 characters';
comment on constraint retailer_listings_url_format on public.retailer_listings is 'must be an http:// or https:// URL without spaces';
comment on constraint retailer_listings_url_length on public.retailer_listings is 'must be at most 2048 characters';
comment on constraint retailer_listings_affiliate_url_format on public.retailer_listings is 'must be an http:// or https:// URL without spaces';
comment on constraint retailer_listings_gtin_checksum on public.retailer_listings is 'must be a GTIN-8, -12, -13 or -14 with a valid check digit';
create index retailer_listings_variant_id_idx on public.retailer_listings (variant_id);
create index retailer_listings_gtin_idx on public.retailer_listings (gtin) where gtin is not null;
create index retailer_listings_needs_match_idx on public.retailer_listings (retailer_id, status) where status in ('unmatched', 'review');
call private.make_catalog_table('public.retailer_listings');
-- A feed's first batch writes thousands of listings of one retailer: their references are checked
-- once per statement, not once per row (foundation/references.sql).
call private.reference('public.retailer_listings', 'retailer_id', 'public.retailers', 'cascade');
-- A matched listing whose variant is deleted goes back to matching: the match columns change together
-- (retailer_listings_match_consistent), where the plain set null of a foreign key refused the delete.
call private.reference('public.retailer_listings', 'variant_id', 'public.variants', 'set null',
  and_set => $$status = case when status = 'matched' then 'unmatched' else status end, match_method = null, match_confidence = null$$);

/** BEFORE UPDATE OF variant_id, volume_ml on retailer_listings: the volume follows the variant. */
create or replace function private.set_listing_volume()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.volume_ml := (select v.size_ml * v.quantity from public.variants v where v.id = new.variant_id);
  return new;
end;
$$;
comment on function private.set_listing_volume() is 'Trigger: sets a listing''s volume_ml from its variant (null when unmatched), whatever the update wrote.';
revoke execute on function private.set_listing_volume() from public;

/**
 * AFTER INSERT statement trigger (new table new_rows): the listings a statement inserted carry their
 * variant's volume; those whose statement wrote another are set to it. Once per statement, not per
 * row: a feed's first batch inserts thousands of listings, with their volumes (prices/ingest.sql),
 * and a row trigger's call per listing cost more than the insert itself.
 */
create or replace function private.set_inserted_listing_volumes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.retailer_listings l set volume_ml = (select v.size_ml * v.quantity from public.variants v where v.id = l.variant_id)
  where l.id = any (array(select n.id from new_rows n
                          where n.volume_ml is distinct from (select v.size_ml * v.quantity from public.variants v where v.id = n.variant_id)));
  return null;
end;
$$;
comment on function private.set_inserted_listing_volumes() is 'Trigger: sets the volume_ml of the listings a statement inserted to their variant''s (null when unmatched) where the statement wrote another.';
revoke execute on function private.set_inserted_listing_volumes() from public;

/** AFTER UPDATE OF size_ml, quantity on variants: the variant's listings take its new volume. */
create or replace function private.variant_volume_to_listings()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.retailer_listings l set volume_ml = new.size_ml * new.quantity where l.variant_id = new.id;
  return null;
end;
$$;
comment on function private.variant_volume_to_listings() is 'Trigger: a variant''s new size or quantity reaches the volume_ml of its listings.';
revoke execute on function private.variant_volume_to_listings() from public;

create trigger set_volume before update of variant_id, volume_ml on public.retailer_listings
  for each row execute function private.set_listing_volume();
create trigger set_volumes_inserted after insert on public.retailer_listings
  referencing new table as new_rows for each statement execute function private.set_inserted_listing_volumes();
create trigger volume_to_listings after update of size_ml, quantity on public.variants
  for each row when ((old.size_ml, old.quantity) is distinct from (new.size_ml, new.quantity))
  execute function private.variant_volume_to_listings();
