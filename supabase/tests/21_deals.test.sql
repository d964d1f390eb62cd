-- Deals and the 30-day reference price: every current offer carries the lowest and the median
-- in-stock price of the 30 days before its price began (the EU Omnibus reference), and
-- public.deals lists only real drops. Histories are written through private.apply_offers, as
-- ingest and review write them.
begin;
\ir helpers.sql
select plan(24);

-- Six bottles of Sauvage EDP (sizes 101-106 ml), each listed once at Notino, with a known history.
create temporary table bottle (code text primary key, size_ml numeric, listing_id uuid, variant_id uuid);
insert into bottle (code, size_ml) values ('drop', 101), ('spike', 102), ('cent', 103), ('gone', 104), ('new', 105), ('weighted', 106);
with v as (
  insert into public.variants (fragrance_id, size_ml, packaging)
  select tests.fragrance('dior-sauvage-edp'), b.size_ml, 'retail' from bottle b
  returning id, size_ml
)
update bottle b set variant_id = v.id from v where v.size_ml = b.size_ml;
with l as (
  insert into public.retailer_listings (retailer_id, retailer_sku, title, url, variant_id, match_method, match_confidence, status)
  select tests.retailer('notino-de'), 'DEAL-' || b.code, 'Dior Sauvage EDP ' || b.size_ml || ' ml', 'https://shop.example/' || b.code,
         b.variant_id, 'manual', 1, 'matched'
  from bottle b
  returning id, retailer_sku
)
update bottle b set listing_id = l.id from l where l.retailer_sku = 'DEAL-' || b.code;
grant select on bottle to anon, authenticated, service_role;
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count, received_at)
values (tests.retailer('notino-de'), repeat('d', 64), 'json', 0, now());

/** One reviewed price of a bottle, days ago (EUR, base = price). */
create function pg_temp.price(code text, price numeric, days_ago numeric, in_stock boolean default true, shipping numeric default null) returns void
language sql as $$
  select private.apply_offers((select max(id) from private.ingest_batches), jsonb_build_array(jsonb_build_object(
    'listing_id', b.listing_id, 'variant_id', b.variant_id, 'price', price, 'currency', 'EUR', 'price_base', price,
    'price_per_100ml_base', round(price * 100 / b.size_ml, 2), 'in_stock', in_stock, 'observed_at', now() - days_ago * interval '1 day',
    'shipping', shipping, 'shipping_base', shipping)))
  from bottle b where b.code = price.code
$$;
select pg_temp.price('drop', 60, 40), pg_temp.price('drop', 50, 10);                               -- a real drop
select pg_temp.price('spike', 50, 40), pg_temp.price('spike', 80, 5), pg_temp.price('spike', 50, 1); -- back after a spike
select pg_temp.price('cent', 50, 40), pg_temp.price('cent', 49.99, 2);                            -- a cent under
select pg_temp.price('gone', 60, 40), pg_temp.price('gone', 40, 3, false);                        -- a drop, out of stock
select pg_temp.price('new', 30, 1);                                                               -- no earlier price
select pg_temp.price('weighted', 90, 40), pg_temp.price('weighted', 60, 12), pg_temp.price('weighted', 55, 2);

create function pg_temp.offer(code text) returns public.current_offers language sql as $$
  select o from public.current_offers o join bottle b on b.listing_id = o.listing_id where b.code = offer.code $$;

-- The reference ----------------------------------------------------------------------------
select is(((pg_temp.offer('drop')).low_30d_base, (pg_temp.offer('drop')).median_30d_base), (60.00::numeric(12, 2), 60.00::numeric(12, 2)),
  'the 30-day low and median are of the days before the price began');
select is((pg_temp.offer('drop')).change_vs_low_pct, -16.7, 'the change against the 30-day low, in percent');
select is((pg_temp.offer('spike')).low_30d_base, 50.00::numeric(12, 2), 'a spike does not lift the 30-day low');
select is((pg_temp.offer('weighted')).median_30d_base, 90.00::numeric(12, 2),
  'the median weighs each price by how long it held (90 for 20 days, 60 for 10: 90)');
select is((pg_temp.offer('weighted')).low_30d_base, 60.00::numeric(12, 2), 'the low is the lowest of the window');
select is((pg_temp.offer('new')).low_30d_base, null, 'a first price has no reference');
select pg_temp.price('drop', 50, 0.5, shipping => 4.90);  -- the same price again (a confirmation), now with shipping
select is((pg_temp.offer('drop')).low_30d_base, 60.00::numeric(12, 2), 'the reference stays with the price it was taken for');

-- Deals ------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
create function pg_temp.deal_codes(filters jsonb default '{}', min_drop numeric default 10) returns text[]
language sql as $$
  select array(select b.code from public.deals(filters, min_drop_pct => min_drop, page_size => 100) d
               join bottle b on b.listing_id = d.listing_id order by b.code) $$;
select is(pg_temp.deal_codes(), array['drop', 'weighted'], 'real drops are deals; a spike''s return, a cent, out of stock and no history are not');
select is((select array_agg(b.code order by d.ord) from public.deals(page_size => 100) with ordinality as d
             (fragrance_id, slug, name, brand_name, concentration, gender, variant_id, size_ml, packaging, quantity, retailer_id,
              retailer_name, listing_id, url, price, price_per_100ml, low_30d, median_30d, price_currency, change_vs_low_pct,
              change_vs_median_pct, observed_at, shipping, total, ord)
           join bottle b on b.listing_id = d.listing_id), array['weighted', 'drop'], 'the biggest drop against the median comes first');
select is((select (d.price, d.low_30d, d.median_30d, d.change_vs_low_pct, d.change_vs_median_pct)::text from public.deals(page_size => 100) d
           where d.listing_id = (select listing_id from bottle where code = 'weighted')),
          '(55.00,60.00,90.00,-8.3,-38.9)', 'a deal shows its price, low, median and both changes');
select is(pg_temp.deal_codes(min_drop => 20), array['weighted'], 'min_drop_pct is the drop against the median');
select is(pg_temp.deal_codes('{"brand": "chanel"}'), '{}'::text[], 'filters narrow deals as they narrow search');
select is(pg_temp.deal_codes('{"max_price": 52}'), array['drop'], 'a price band is the item price');
select ok((select d.price > 50 and d.price_currency = 'USD' from public.deals(currency => 'usd', page_size => 100) d
           where d.listing_id = (select listing_id from bottle where code = 'drop')), 'prices in the asked currency');
select throws_ok($$ select * from public.deals(min_drop_pct => 120) $$, '22023', null, 'min_drop_pct outside 0-100 is refused');
select throws_ok($$ select * from public.deals(filters => '{"colour": "blue"}') $$, '22023', null, 'an unknown filter is refused');

-- best_offers carries the reference too
select is((select (b.low_30d, b.change_vs_low_pct)::text from public.best_offers(tests.fragrance('dior-sauvage-edp')) b
           where b.listing_id = (select listing_id from bottle where code = 'drop')), '(60.00,-16.7)', 'best_offers returns the 30-day low and the change');

select is((select (b.shipping, b.total)::text from public.best_offers(tests.fragrance('dior-sauvage-edp')) b
           where b.listing_id = (select listing_id from bottle where code = 'drop')), '(4.90,54.90)',
  'best_offers gives shipping and the total beside the item price');
select is((select array_agg((d.shipping, d.total)::text order by b.code) from public.deals(page_size => 100) d
           join bottle b on b.listing_id = d.listing_id),
          array['(4.90,54.90)', '(,)'], 'deals give shipping and the total; without shipping sent, both are unknown (null), not free');
select is((select (b.shipping, b.total)::text from public.best_offers(tests.fragrance('dior-sauvage-edp'), 'USD') b
           where b.listing_id = (select listing_id from bottle where code = 'drop')),
          (select (round(4.90 / public.fx_rate('USD'), 2), round(54.90 / public.fx_rate('USD'), 2))::text),
  'shipping and total are converted like the price');

-- A session's generic plan (after five calls) kept every optional filter's test and read every deal
-- through nested loops: 2.5 s at 277k offers (docs/BENCHMARKS.md); each call is planned with its own.
select ok((select proconfig from pg_catalog.pg_proc where oid = 'public.deals(jsonb, text, numeric, integer, integer)'::regprocedure)
          @> array['plan_cache_mode=force_custom_plan'], 'deals is planned for each call''s filters');

-- Without a brand, a page's deals are found by walking the deals from the top of the page order.
-- Every seeded offer made a deal (a few drops and prices per 100 ml, some unknown, so pages break
-- inside ties; several offers a variant), the walked pages are the whole ranking, page after page.
select tests.clear_authentication();
update public.current_offers set in_stock = true, stale = false, low_30d_base = price_base,
  median_30d_base = price_base * (1.2 + abs(hashtext(listing_id::text)) % 3 * 0.3),
  price_per_100ml_base = (array[50.00, 80.00, null])[1 + abs(hashtext(listing_id::text || 'ml')) % 3];
create function pg_temp.ranked_deals(filters jsonb) returns text[] language sql as $$
  select array(select d.listing_id::text from (
    select distinct on (v.id) o.listing_id, o.price_base, o.median_30d_base, o.price_per_100ml_base, fr.slug, v.id as variant_id
    from public.current_offers o
    join public.variants v on v.id = o.variant_id
    join public.fragrances fr on fr.id = v.fragrance_id and fr.deleted_at is null
    join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = v.id
    join public.retailers r on r.id = o.retailer_id and r.active
    where o.in_stock and not o.stale and o.price_base <= o.low_30d_base and o.price_base <= o.median_30d_base * 0.9
      and (filters ->> 'family' is null or fr.family_slug = filters ->> 'family')
    order by v.id, o.price_base, o.listing_id) d
  order by d.price_base / d.median_30d_base, d.price_per_100ml_base nulls last, d.slug, d.variant_id) $$;
create function pg_temp.walked_deals(filters jsonb, page_size integer) returns text[] language plpgsql as $$
declare
  pages text[] := '{}';
  got text[];
  p integer := 1;
begin
  loop
    got := array(select d.listing_id::text from public.deals(filters, 'EUR', 10, p, page_size) d);
    exit when cardinality(got) = 0;
    pages := pages || got;
    p := p + 1;
  end loop;
  return pages;
end $$;
select tests.authenticate_as_anon();
select ok(cardinality(pg_temp.ranked_deals('{}')) > 3 * 7, 'the seeded offers, all deals, fill more than three pages of 7');
select is(pg_temp.walked_deals('{}', 7), pg_temp.ranked_deals('{}'),
  'deals walked from the top are the whole ranking, page by page: one a variant (its cheapest), ties by drop, price per 100 ml and name');
select is(pg_temp.walked_deals('{"family": "woody"}', 2), pg_temp.ranked_deals('{"family": "woody"}'), '... and with a family filter');

select * from finish();
rollback;
