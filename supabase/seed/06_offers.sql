-- Offers and a few weeks of price history for the seed listings, so search, best_offers and
-- price_history show data on the first start. Sent through the real pipeline: one batch per
-- retailer and week, given to private.ingest_price_batch as the webhook would (the listings are
-- known, so no title parse is needed), dated relative to the load: five weekly feeds and today's.
-- Deterministic: each price follows from the variant, the retailer and the week.
--   - a fair price per variant (size, packaging), around which each shop sits, in its currency;
--   - about one listing in six drops 10-20 % in the latest week;
--   - Dior Sauvage EDP 100 ml at Jomashop is out of stock today;
--   - Chanel N°5 EDP 50 ml at Douglas sends 100x its price today: held for review, not shown.

-- The monthly partitions the history needs (the default keeps one month back).
select private.ensure_price_partitions(2, 3);

create temporary table seed_offer_plan as
with listing as (
  select l.id, l.retailer_id, r.slug as retailer, r.currency, l.retailer_sku as sku, l.title, l.url, l.gtin,
         v.size_ml * v.quantity as volume, v.packaging, f.slug as fragrance, v.size_ml,
         -- stable pseudo-random numbers in [0, 1) per listing and per variant
         (abs(hashtext(l.retailer_sku)) % 1000) / 1000.0 as listing_noise,
         (abs(hashtext(v.id::text)) % 1000) / 1000.0 as variant_noise
  from public.retailer_listings l
  join public.retailers r on r.id = l.retailer_id
  join public.variants v on v.id = l.variant_id
  join public.fragrances f on f.id = v.fragrance_id
  where l.status = 'matched'
),
fair as (
  -- EUR: 60-180 per 100 ml, cheaper per ml in larger bottles; testers and unboxed 20 % off, samples dearer per ml
  select l.*, ((60 + 120 * l.variant_noise) * power(l.volume / 100.0, 0.75)
              * case l.packaging when 'tester' then 0.8 when 'unboxed' then 0.8 when 'sample' then 2.5 when 'travel' then 1.2 else 1 end
              * (0.92 + 0.16 * l.listing_noise))::numeric as fair_eur
  from listing l
)
select f.*, w.week, w.observed_at,
       -- the shop's price in its currency: weekly wobble of +-2 %, a drop in the latest week for about 1 in 6
       round(f.fair_eur / public.fx_rate(f.currency, w.observed_at::date)
             * (1 + 0.02 * sin(w.week + 10 * f.listing_noise))::numeric
             * case when w.week = 0 and f.listing_noise < 0.17 then 0.8 + f.listing_noise else 1 end
             -- the planted currency slip: 100x, held for review as currency_error
             * case when w.week = 0 and f.retailer = 'douglas-de' and f.fragrance = 'chanel-n-5-edp' and f.size_ml = 50
                    then 100 / (case when f.listing_noise < 0.17 then 0.8 + f.listing_noise else 1 end) else 1 end, 2) as price,
       not (w.week = 0 and f.retailer = 'jomashop' and f.fragrance = 'dior-sauvage-edp' and f.size_ml = 100 and f.packaging = 'retail') as in_stock
from fair f
cross join lateral (values (5, now() - interval '35 days'), (4, now() - interval '28 days'), (3, now() - interval '21 days'),
                           (2, now() - interval '14 days'), (1, now() - interval '7 days'), (0, now() - interval '1 hour')) as w (week, observed_at);

-- Oldest week first, as the feeds would have come.
do $$
declare
  batch record;
begin
  for batch in
    select p.retailer_id, p.retailer, p.week,
           jsonb_agg(jsonb_build_object('row', p.n, 'sku', p.sku, 'title', p.title, 'url', p.url, 'gtin', p.gtin, 'price', p.price,
                                        'currency', p.currency, 'in_stock', p.in_stock, 'observed_at', p.observed_at) order by p.n) as offers
    from (select s.*, row_number() over (partition by s.retailer, s.week order by s.sku) as n from seed_offer_plan s) p
    group by p.retailer_id, p.retailer, p.week
    order by p.week desc, p.retailer
  loop
    perform private.ingest_price_batch(
      batch.retailer_id, format('seed-%s-week-%s', batch.retailer, batch.week),
      encode(extensions.digest(format('seed offers %s %s %s', batch.retailer, batch.week, now()), 'sha256'), 'hex'), 'json',
      batch.offers);
  end loop;
end
$$;
