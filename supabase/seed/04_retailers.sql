-- Six retailers in four currencies, and their listings: each shop titles the
-- same bottle its own way, as real feeds do.

insert into public.retailers (slug, name, country, currency, affiliate_network, feed_format, update_interval, website) values
  ('fragrancenet', 'FragranceNet', 'US', 'USD', 'cj', 'csv', '1 day', 'https://www.fragrancenet.com'),
  ('jomashop', 'Jomashop', 'US', 'USD', 'impact', 'json', '6 hours', 'https://www.jomashop.com'),
  ('notino-de', 'Notino Deutschland', 'DE', 'EUR', 'awin', 'json', '12 hours', 'https://www.notino.de'),
  ('douglas-de', 'Douglas Deutschland', 'DE', 'EUR', 'awin', 'csv', '1 day', 'https://www.douglas.de'),
  ('the-perfume-shop', 'The Perfume Shop', 'GB', 'GBP', 'awin', 'csv', '1 day', 'https://www.theperfumeshop.com'),
  ('manor-ch', 'Manor', 'CH', 'CHF', 'rakuten', 'json', '1 day', 'https://www.manor.ch');

-- How US labels round millilitres to ounces.
create temporary table seed_oz (ml numeric primary key, oz text);
insert into seed_oz values
  (1, '0.03'), (1.5, '0.05'), (2, '0.06'), (5, '0.17'), (7.5, '0.25'), (10, '0.34'), (15, '0.5'), (20, '0.68'),
  (25, '0.8'), (30, '1.0'), (35, '1.2'), (40, '1.35'), (50, '1.7'), (60, '2.0'), (65, '2.2'), (70, '2.4'), (75, '2.5'),
  (80, '2.7'), (85, '2.8'), (90, '3.0'), (100, '3.4'), (125, '4.2'), (150, '5.0'), (180, '6.0'), (200, '6.7'),
  (250, '8.4'), (300, '10'), (500, '16.9');

create temporary table seed_offerable as
select v.id as variant_id, v.gtin, v.size_ml, v.packaging, v.quantity, f.name, f.concentration as conc, f.gender,
       b.name as brand, coalesce((select min(a.alias) from public.brand_aliases a
                                  where a.brand_id = b.id and a.alias like 'Christian %'), b.name) as brand_long,
       coalesce(o.oz, round(v.size_ml / 29.5735, 1)::text) as oz,
       trim(to_char(v.size_ml, 'FM9990.99'), '.') as ml,
       case f.concentration when 'edp' then 'Eau de Parfum' when 'edt' then 'Eau de Toilette' when 'parfum' then 'Parfum'
         when 'extrait' then 'Extrait de Parfum' when 'edc' then 'Eau de Cologne' else initcap(replace(f.concentration::text, '_', ' ')) end as conc_long,
       case f.concentration when 'edp' then 'EDP' when 'edt' then 'EDT' when 'parfum' then 'PARFUM'
         when 'extrait' then 'EXTRAIT' when 'edc' then 'EDC' else upper(replace(f.concentration::text, '_', ' ')) end as conc_abbr,
       case f.concentration when 'edp' then 'EdP' when 'edt' then 'EdT' when 'edc' then 'EdC' else initcap(f.concentration::text) end as conc_mixed,
       case f.gender when 'masculine' then 'Men' when 'feminine' then 'Women' else 'Unisex' end as for_whom
from public.variants v
join public.fragrances f on f.id = v.fragrance_id
join public.brands b on b.id = f.brand_id
left join seed_oz o on o.ml = v.size_ml;

create temporary table seed_listings as
select r.id as retailer_id, r.slug as retailer, o.*,
       case r.slug
         when 'fragrancenet' then case o.packaging
           when 'tester' then format('%s by %s for %s - %s oz %s Spray (Tester)', o.name, o.brand, o.for_whom, o.oz, o.conc_abbr)
           when 'sample' then format('%s %s Sample %sml Vial', o.name, o.conc_long, o.ml)
           else format('%s %s SPRAY %s OZ', upper(o.name), o.conc_abbr, o.oz) end
         when 'jomashop' then case o.packaging
           when 'tester' then format('%s by %s %s oz %s Tester with Cap', o.name, o.brand, o.oz,
                                     case when o.conc = 'edt' and o.gender = 'masculine' then 'Cologne for Men' else o.conc_abbr || ' for ' || o.for_whom end)
           when 'unboxed' then format('%s %s %s oz. %s Spray for %s. New. NO Box', o.brand, o.name, o.oz, o.conc_long, o.for_whom)
           else format('%s %s %s Fl oz %s Spray %s''s New & Sealed', o.name, 'by ' || o.brand, o.oz, o.conc_long, o.for_whom) end
         when 'notino-de' then format('%s %s %s %s ml%s', o.brand, o.name, o.conc_long, o.ml,
           case o.packaging when 'tester' then ' – Tester' when 'refill' then ' Nachfüllung' when 'gift_set' then ' Geschenkset'
                            when 'sample' then ' Probe' when 'travel' then ' Mini' else '' end)
         when 'douglas-de' then format('%s %s %s %s%s ml %s', o.brand_long, o.name, o.conc_mixed,
           case when o.quantity > 1 then o.quantity || ' x ' else '' end, o.ml,
           case o.packaging when 'refill' then 'Refill' when 'gift_set' then 'Set' else 'Vapo' end)
         when 'the-perfume-shop' then format('%s %s %s %s%sml%s', o.brand, o.name, o.conc_long,
           case when o.quantity > 1 then o.quantity || ' x ' else '' end, o.ml,
           case o.packaging when 'gift_set' then ' Gift Set' when 'refill' then ' Refill' when 'travel' then ' Travel Spray' else '' end)
         else format('%s – %s %s %s %s ml', o.brand, o.name, o.conc_long,
           case o.packaging when 'refill' then 'Recharge' else 'Vaporisateur' end, o.ml)
       end as title,
       r.slug in ('fragrancenet', 'notino-de', 'douglas-de') as sends_gtin
from public.retailers r
join seed_offerable o on
  -- each shop carries about half the catalog, and only the packagings it sells
  ('x' || substr(md5(o.gtin || r.slug), 1, 8))::bit(32)::int % 100 between -50 and 50
  and case r.slug
        when 'fragrancenet' then o.packaging in ('retail', 'tester', 'sample')
        when 'jomashop' then o.packaging in ('retail', 'tester', 'unboxed')
        when 'notino-de' then o.packaging <> 'unboxed'
        when 'douglas-de' then o.packaging in ('retail', 'refill', 'gift_set')
        when 'the-perfume-shop' then o.packaging in ('retail', 'gift_set', 'refill', 'travel')
        else o.packaging in ('retail', 'refill')
      end;

insert into public.retailer_listings
  (retailer_id, retailer_sku, title, url, affiliate_url, gtin, variant_id, match_method, match_confidence, status)
select l.retailer_id,
       upper(left(l.retailer, 3)) || '-' || right(l.gtin, 9),
       l.title,
       format('https://www.%s/p/%s', r.website_host, lower(right(l.gtin, 9))),
       case r.affiliate_network
         when 'awin' then format('https://www.awin1.com/cread.php?awinmid=%s&awinaffid=1234567&ued=%s', r.network_mid,
                                 replace(replace(format('https://www.%s/p/%s', r.website_host, right(l.gtin, 9)), ':', '%3A'), '/', '%2F'))
         when 'cj' then format('https://www.anrdoezrs.net/click-1234567-%s?url=https%%3A%%2F%%2Fwww.%s%%2Fp%%2F%s', r.network_mid, r.website_host, right(l.gtin, 9))
         when 'impact' then format('https://%s.sjv.io/c/1234567/%s/4711?u=https%%3A%%2F%%2Fwww.%s%%2Fp%%2F%s', l.retailer, r.network_mid, r.website_host, right(l.gtin, 9))
         when 'rakuten' then format('https://click.linksynergy.com/deeplink?id=AbCdEfGh&mid=%s&murl=https%%3A%%2F%%2Fwww.%s%%2Fp%%2F%s', r.network_mid, r.website_host, right(l.gtin, 9))
       end,
       case when l.sends_gtin then l.gtin end,
       l.variant_id,
       case when l.sends_gtin then 'gtin' else 'manual' end::public.match_method,
       1.0,
       'matched'
from seed_listings l
join (select id, affiliate_network, substr(website, 13) as website_host,
             (10000 + abs(hashtext(slug)) % 90000)::text as network_mid
      from public.retailers) r on r.id = l.retailer_id;

-- Products the catalog does not carry: they stay unmatched, for review.
insert into public.retailer_listings (retailer_id, retailer_sku, title, url, status)
select r.id, x.sku, x.title, format('%s/p/%s', r.website, lower(x.sku)), 'unmatched'
from (values
  ('notino-de', 'NOT-LAT-KHAMRAH-100', 'Lattafa Khamrah EDP 100ml Unisex'),
  ('the-perfume-shop', 'THE-ARMAF-CDNIM-105', 'Armaf Club de Nuit Intense Man EDT 105ml'),
  ('jomashop', 'JOM-GL-DRAKKAR-100U', 'Drakkar Noir by Guy Laroche 3.4 oz / 3.3 oz edt spray for Men New UNBOXED'),
  ('douglas-de', 'DOU-VS-BOMBSHELL-250', 'Victoria''s Secret Bombshell Fragrance Mist 250ml'),
  ('manor-ch', 'MAN-4711-ORIG-400', '4711 Original Eau de Cologne 400ml'),
  ('fragrancenet', 'FRA-JHAG-NAP-100', 'Juliette Has A Gun Not A Perfume EDP 100ml'),
  ('jomashop', 'JOM-NASO-BA-30', 'Nasomatto Black Afgano Extrait de Parfum 30ml'),
  ('notino-de', 'NOT-MANC-CB-120X2', 'Mancera Cedrat Boise EDP 120 ml x 2')
) as x (retailer, sku, title)
join public.retailers r on r.slug = x.retailer;
