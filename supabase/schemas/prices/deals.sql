-- Deals: current offers that are real drops against their 30-day reference (the EU Omnibus rule
-- for announced discounts), for the frontend's deals page.

-- The candidates: offers at or under their 30-day low. A deal must be one, so the RPC reads only
-- these (a few per cent of the offers), not every offer.
create index current_offers_deal_candidates_idx on public.current_offers (variant_id)
  where in_stock and not stale and price_base <= low_30d_base;
comment on index public.current_offers_deal_candidates_idx is 'Offers in stock, fresh and at or under their 30-day low: the candidates public.deals reads.';
-- ... and in the page's order (the drop against the median, then the price per 100 ml), so a page
-- walks them from the top (private.deals_in_page_order).
create index current_offers_deal_order_idx on public.current_offers ((price_base / median_30d_base), price_per_100ml_base)
  where in_stock and not stale and price_base <= low_30d_base;
comment on index public.current_offers_deal_order_idx is 'The deal candidates in the deals page''s order: drop against the 30-day median, then price per 100 ml.';

/**
 * The listings of the first `wanted` deals in page order (one a variant: its cheapest deal), and of
 * any deal tied with the last on the drop and the price per 100 ml (the page breaks those ties by
 * name): the deals are walked from the top of current_offers_deal_order_idx, each checked as it
 * comes, so a page reads a few dozen deals, not all of them (2.5 s at 277k offers before). For
 * public.deals without a brand filter; filters as there, the price band in the base currency.
 */
create or replace function private.deals_in_page_order(
  gender public.gender, family text, concentration public.concentration,
  min_price_base numeric, max_price_base numeric, min_drop_pct numeric, wanted integer
)
returns uuid[]
language plpgsql
stable
set search_path = ''
set enable_sort = off  -- (the walk reads the order index: a loop's query is planned for all its rows, and sorting every
                       -- deal first cost more than the page)
set jit = off  -- (planned for all its rows, the walk's checks passed the JIT threshold: compiling took 0.3-0.5 s)
as $$
declare
  d record;
  listings uuid[] := '{}';
  last_drop numeric;
  last_per_100ml numeric;
begin
  for d in
    select o.listing_id, o.price_base / o.median_30d_base as drop, o.price_per_100ml_base as per_100ml
    from (select o.* from public.current_offers o
          where o.in_stock and not o.stale and o.price_base <= o.low_30d_base
            and o.price_base <= o.median_30d_base * (1 - min_drop_pct / 100)
            and (min_price_base is null or o.price_base >= min_price_base)
            and (max_price_base is null or o.price_base <= max_price_base)
          order by o.price_base / o.median_30d_base, o.price_per_100ml_base nulls last
          offset 0) o  -- (offset 0: the order comes first, and each check below runs only on the deals walked)
    where coalesce((select l.status = 'matched' and l.variant_id = o.variant_id from public.retailer_listings l where l.id = o.listing_id), false)
      and coalesce((select r.active from public.retailers r where r.id = o.retailer_id), false)
      and coalesce((select fr.deleted_at is null
                             and (deals_in_page_order.gender is null or fr.gender = deals_in_page_order.gender)
                             and (deals_in_page_order.family is null or fr.family_slug = deals_in_page_order.family)
                             and (deals_in_page_order.concentration is null or fr.concentration = deals_in_page_order.concentration)
                     from public.variants v join public.fragrances fr on fr.id = v.fragrance_id where v.id = o.variant_id), false)
      -- its variant's cheapest deal (on equal prices, the lowest listing id)
      and not coalesce((select true from public.current_offers c
                        join public.retailer_listings cl on cl.id = c.listing_id and cl.status = 'matched' and cl.variant_id = c.variant_id
                        join public.retailers cr on cr.id = c.retailer_id and cr.active
                        where c.variant_id = o.variant_id and (c.price_base, c.listing_id) < (o.price_base, o.listing_id)
                          and c.in_stock and not c.stale and c.price_base <= c.low_30d_base
                          and c.price_base <= c.median_30d_base * (1 - min_drop_pct / 100)
                          and (min_price_base is null or c.price_base >= min_price_base)
                          and (max_price_base is null or c.price_base <= max_price_base)
                        limit 1), false)
  loop
    exit when cardinality(listings) >= wanted and (d.drop, d.per_100ml) is distinct from (last_drop, last_per_100ml);
    listings := listings || d.listing_id;
    last_drop := d.drop;
    last_per_100ml := d.per_100ml;
  end loop;
  return listings;
end;
$$;
comment on function private.deals_in_page_order(public.gender, text, public.concentration, numeric, numeric, numeric, integer) is
  'The listings of the first deals in public.deals'' page order (and of those tied with the last), found by walking the deals from the top.';
revoke execute on function private.deals_in_page_order(public.gender, text, public.concentration, numeric, numeric, numeric, integer) from public;
grant execute on function private.deals_in_page_order(public.gender, text, public.concentration, numeric, numeric, numeric, integer)
  to anon, authenticated, service_role;

/**
 * Real drops, best first: in-stock, fresh, reviewed offers (prices held for review never become
 * current) whose price is at or under their 30-day low AND at least min_drop_pct under their
 * 30-day median. Both are taken from the 30 days before the price began. A price that only falls
 * back after a spike is at its low but not under its median, and a cent under a flat price is
 * under its low but not under its median: neither is a deal. One row per variant (its cheapest
 * deal), ordered by the drop against the median, then by price per 100 ml, so sizes compare.
 * Filters as public.search_fragrances takes them: gender, family, brand, concentration,
 * min_price/max_price (the item price, in currency); in_stock is implied.
 */
create or replace function public.deals(
  filters jsonb default '{}',
  currency text default 'EUR',
  min_drop_pct numeric default 10,
  page integer default 1,
  page_size integer default 20
)
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, concentration public.concentration, gender public.gender,
  variant_id uuid, size_ml numeric, packaging public.packaging, quantity smallint,
  retailer_id uuid, retailer_name text, listing_id uuid, url text,
  price numeric, price_per_100ml numeric, low_30d numeric, median_30d numeric, price_currency text,
  change_vs_low_pct numeric, change_vs_median_pct numeric, observed_at timestamptz,
  shipping numeric, total numeric
)
language plpgsql
stable
set search_path = ''
set plan_cache_mode = force_custom_plan  -- (after five calls a session's generic plan kept every optional filter's test
                                         -- and read every deal through nested loops: 2.5 s at 277k offers, ~0.3 s planned per call)
as $$
declare
  f record;
  rate numeric := public.fx_rate(upper(deals.currency));
  page_listings uuid[];  -- the deals that can make the page, when found by walking them in page order
begin
  select * into f from private.search_filters(filters);
  if rate is null then
    raise exception 'unknown currency "%"', deals.currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  if min_drop_pct is null or min_drop_pct not between 0 and 100 then
    raise exception 'min_drop_pct must be between 0 and 100, got %', min_drop_pct using errcode = '22023';
  end if;
  if page is null or page < 1 or page_size is null or page_size not between 1 and 100 then
    raise exception 'page must be 1 or more and page_size between 1 and 100' using errcode = '22023';
  end if;
  if f.brand is null then  -- (a brand's deals are few, and found from the brand)
    page_listings := private.deals_in_page_order(f.gender, f.family, f.concentration, f.min_price * rate, f.max_price * rate,
                                                 min_drop_pct, page * page_size);
  end if;
  return query
  select d.fragrance_id, d.slug, d.name, d.brand_name, d.concentration, d.gender, d.variant_id, d.size_ml, d.packaging, d.quantity,
         d.retailer_id, d.retailer_name, d.listing_id, d.url,
         round(d.price_base / rate, 2), round(d.price_per_100ml_base / rate, 2), round(d.low_30d_base / rate, 2),
         round(d.median_30d_base / rate, 2), upper(deals.currency), d.change_vs_low_pct,
         round(100 * (d.price_base / d.median_30d_base - 1), 1), d.observed_at,
         round(d.shipping_base / rate, 2), round((d.price_base + d.shipping_base) / rate, 2)
  from (
    select distinct on (v.id)
      fr.id as fragrance_id, fr.slug, fr.name, b.name as brand_name, fr.concentration, fr.gender,
      v.id as variant_id, v.size_ml, v.packaging, v.quantity, r.id as retailer_id, r.name as retailer_name, l.id as listing_id,
      coalesce(l.affiliate_url, l.url) as url, o.price_base, o.price_per_100ml_base, o.low_30d_base, o.median_30d_base,
      o.change_vs_low_pct, o.observed_at, o.shipping_base
    from public.current_offers o
    join public.variants v on v.id = o.variant_id
    join public.fragrances fr on fr.id = v.fragrance_id and fr.deleted_at is null
    join public.brands b on b.id = fr.brand_id
    join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = v.id
    join public.retailers r on r.id = o.retailer_id and r.active
    where o.in_stock and not o.stale and o.price_base <= o.low_30d_base
      and o.price_base <= o.median_30d_base * (1 - min_drop_pct / 100)
      and (f.gender is null or fr.gender = f.gender)
      and (f.family is null or fr.family_slug = f.family)
      and (f.brand is null or b.slug = f.brand)
      and (f.concentration is null or fr.concentration = f.concentration)
      and (f.min_price is null or o.price_base >= f.min_price * rate)
      and (f.max_price is null or o.price_base <= f.max_price * rate)
      and (page_listings is null or o.listing_id = any (page_listings))
    order by v.id, o.price_base, o.listing_id
  ) d
  order by d.price_base / d.median_30d_base, d.price_per_100ml_base nulls last, d.slug, d.variant_id
  offset (page - 1) * page_size limit page_size;
end;
$$;
comment on function public.deals(jsonb, text, numeric, integer, integer) is
  'Real price drops, best first: in-stock, fresh, reviewed offers at or under their 30-day low and at least min_drop_pct under their 30-day median (both from the 30 days before the price began), one per variant; filters as search_fragrances (gender, family, brand, concentration, min_price, max_price); prices in currency, with shipping and total (price + shipping; null when not sent). Raises 22023 for a bad filter, currency, min_drop_pct or page.';
revoke execute on function public.deals(jsonb, text, numeric, integer, integer) from public;
grant execute on function public.deals(jsonb, text, numeric, integer, integer) to anon, authenticated, service_role;
