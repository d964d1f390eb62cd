-- Deals planned per call: after five calls in a session, PL/pgSQL's generic plan for public.deals
-- kept every optional filter's test and read every deal through nested loops (2.5 s a call at 277k
-- offers, bench:prices -- --days 36); planned with each call's filters it takes ~0.4 s, and ~25 ms
-- by brand (docs/BENCHMARKS.md).

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION public.deals (
  filters      jsonb   DEFAULT '{}'::jsonb,
  currency     text    DEFAULT 'EUR'::text,
  min_drop_pct numeric DEFAULT 10,
  page         integer DEFAULT 1,
  page_size    integer DEFAULT 20
)
  RETURNS TABLE (
    fragrance_id         uuid,
    slug                 text,
    name                 text,
    brand_name           text,
    concentration        public.concentration,
    gender               public.gender,
    variant_id           uuid,
    size_ml              numeric,
    packaging            public.packaging,
    quantity             smallint,
    retailer_id          uuid,
    retailer_name        text,
    listing_id           uuid,
    url                  text,
    price                numeric,
    price_per_100ml      numeric,
    low_30d              numeric,
    median_30d           numeric,
    price_currency       text,
    change_vs_low_pct    numeric,
    change_vs_median_pct numeric,
    observed_at          timestamp with time zone,
    shipping             numeric,
    total                numeric
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  SET plan_cache_mode TO 'force_custom_plan'
  AS $function$
declare
  f record;
  rate numeric := public.fx_rate(upper(deals.currency));
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
    order by v.id, o.price_base, o.listing_id
  ) d
  order by d.price_base / d.median_30d_base, d.price_per_100ml_base nulls last, d.slug, d.variant_id
  offset (page - 1) * page_size limit page_size;
end;
$function$;
