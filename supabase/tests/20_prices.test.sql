-- Prices: secrets out of reach, partitions, jobs, best offers, history, freshness, rollup.
begin;
\ir helpers.sql
select plan(63);

-- Secrets and internals are out of every API role's reach.
select ok(not has_table_privilege(r, 'private.retailer_webhooks', 'select'), format('%s cannot read webhook secrets', r))
from unnest(array['anon', 'authenticated', 'service_role']) as r;
select ok(not has_table_privilege('anon', 'private.price_observations', 'select'), 'anon cannot read raw observations');
select ok(not has_function_privilege('anon', 'private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb, text[])', 'execute'), 'anon cannot ingest');
select ok(not has_function_privilege('authenticated', 'public.review_price_anomaly(bigint, boolean)', 'execute'), 'authenticated cannot review anomalies');
select ok(not has_function_privilege('anon', 'public.retailer_freshness()', 'execute'), 'anon cannot read retailer freshness');
select ok(has_function_privilege('anon', 'public.best_offers(uuid, text)', 'execute'), 'anon can call best_offers');
select ok(has_function_privilege('anon', 'public.price_history(uuid, timestamptz, timestamptz, text)', 'execute'), 'anon can call price_history');

-- Append-only observations in monthly partitions created ahead.
select ok((select count(*) >= 4 from pg_inherits where inhparent = 'private.price_observations'::regclass), 'monthly partitions exist');
select ok(to_regclass('private.price_observations_' || to_char(now() + interval '2 months', 'YYYY_MM')) is not null, 'partitions exist two months ahead');
select is(private.ensure_price_partitions(), 0, 'ensure_price_partitions is idempotent');
select ok(exists (select from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'current_offers'), 'current_offers is published for realtime');
select is((select array_agg(jobname::text order by jobname) from cron.job where jobname like 'price-%'),
  array['price-alerts', 'price-facts', 'price-freshness', 'price-partitions', 'price-rollup'], 'alert sweep, price facts, partition, rollup and freshness jobs are scheduled');

-- A session whose staging tables were made before a migration changed their template gets them made again.
create temporary table _offers ("row" integer, sku text);
select ok(private.staging_table_outdated('_offers', 'private.staged_offer'), 'a staging table of an older shape is outdated');
select private.ingest_staging_tables();
select ok(not private.staging_table_outdated('_offers', 'private.staged_offer')
          and (select count(*) from pg_attribute where attrelid = 'pg_temp._offers'::regclass and attname = 'shipping_base') = 1,
  'ingest_staging_tables makes an outdated staging table again, in the template''s shape');
-- So does matching, whose working tables live as long as the session (not made in every transaction).
create temporary table _named (name text);
select private.match_staging();
select ok(not private.staging_table_outdated('_named', 'private.match_named')
          and not private.staging_table_outdated('_to_match', 'private.listing_to_match'),
  'match_staging makes an outdated working table again, in the template''s shape');
insert into _named (name) values ('left over');
insert into _to_match (listing_id) values (gen_random_uuid());
select private.match_staging();
select is((select count(*) from _named) + (select count(*) from _to_match), 0::bigint,
  'match_staging empties working tables a matching earlier in the transaction filled');

-- A small history to query: a listing of Sauvage EDP in a size of its own (the seed prices the others) at two shops.
insert into public.variants (fragrance_id, size_ml, packaging) select id, 123, 'retail' from public.fragrances where slug = 'dior-sauvage-edp';
create temporary table fixture as
select v.id as variant_id, f.id as fragrance_id, null::uuid as notino, null::uuid as fnet
from public.variants v join public.fragrances f on f.id = v.fragrance_id
where f.slug = 'dior-sauvage-edp' and v.size_ml = 123 and v.packaging = 'retail';
with l as (
  insert into public.retailer_listings (retailer_id, retailer_sku, title, url, variant_id, match_method, match_confidence, status)
  select r.id, 'PRICE-TEST', 'Dior Sauvage EDP 100 ml', 'https://shop.example/p', (select variant_id from fixture), 'manual', 1, 'matched'
  from public.retailers r where r.slug in ('notino-de', 'fragrancenet')
  returning id, retailer_id
)
update fixture set notino = (select l.id from l join public.retailers r on r.id = l.retailer_id where r.slug = 'notino-de'),
                   fnet = (select l.id from l join public.retailers r on r.id = l.retailer_id where r.slug = 'fragrancenet');
grant select on fixture to anon, authenticated, service_role;
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count, received_at)
select id, repeat('b', 64), 'json', 0, now() from public.retailers where slug = 'notino-de';
select ok((select notino is not null and fnet is not null from fixture), 'fixture: Sauvage EDP 100 ml listed at Notino and FragranceNet');

select private.apply_offers((select max(id) from private.ingest_batches), jsonb_build_array(
  jsonb_build_object('listing_id', (select notino from fixture), 'variant_id', (select variant_id from fixture), 'price', 110, 'currency', 'EUR',
    'price_base', 110, 'price_per_100ml_base', 110, 'in_stock', true, 'observed_at', now() - interval '20 days'),
  jsonb_build_object('listing_id', (select fnet from fixture), 'variant_id', (select variant_id from fixture), 'price', 99, 'currency', 'USD',
    'price_base', 91.08, 'price_per_100ml_base', 91.08, 'in_stock', false, 'observed_at', now() - interval '20 days')));
select private.apply_offers((select max(id) from private.ingest_batches), jsonb_build_array(
  jsonb_build_object('listing_id', (select notino from fixture), 'variant_id', (select variant_id from fixture), 'price', 100, 'currency', 'EUR',
    'price_base', 100, 'price_per_100ml_base', 100, 'in_stock', true, 'observed_at', now() - interval '10 days')));
-- an older observation arriving late changes neither the current offer nor the history
select private.apply_offers((select max(id) from private.ingest_batches), jsonb_build_array(
  jsonb_build_object('listing_id', (select notino from fixture), 'variant_id', (select variant_id from fixture), 'price', 150, 'currency', 'EUR',
    'price_base', 150, 'price_per_100ml_base', 150, 'in_stock', true, 'observed_at', now() - interval '15 days')));

select is((select price::int from public.current_offers where listing_id = (select notino from fixture)), 100, 'the latest price is current, a late older one is not');
select is((select count(*)::int from public.price_history where listing_id = (select notino from fixture)), 2, 'a price change closes one range and opens another');
select ok((select upper(valid) = (select lower(valid) from public.price_history where listing_id = (select notino from fixture) and upper_inf(valid))
           from public.price_history where listing_id = (select notino from fixture) and not upper_inf(valid)), 'ranges are contiguous');
select throws_ok($$ insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
  values ((select notino from fixture), 1, 'EUR', 1, true, tstzrange(now() - interval '12 days', now() - interval '11 days')) $$,
  '23P01', null, 'a range overlapping the one before it is refused (23P01)');
create function pg_temp.history(ranges text) returns text language sql as $$
  select format('insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid) select %L, 1, %L, 1, true, r from (values %s) v (r)',
                (select notino from fixture), 'EUR', ranges)
$$;
select throws_ok(pg_temp.history($$(tstzrange(now() - interval '25 days', now() - interval '19 days'))$$),
  '23P01', null, 'a range running into the one after it is refused');
select throws_ok(pg_temp.history($$(tstzrange(now() - interval '10 days', now() - interval '9 days'))$$),
  '23P01', null, 'a range starting where another starts is refused');
select throws_ok(pg_temp.history($$(tstzrange(now() - interval '40 days', now() - interval '35 days')), (tstzrange(now() - interval '37 days', now() - interval '33 days'))$$),
  '23P01', null, 'two ranges of one statement that overlap each other are refused');
select lives_ok(pg_temp.history($$(tstzrange(now() - interval '40 days', now() - interval '35 days')), (tstzrange(now() - interval '35 days', now() - interval '30 days'))$$),
  'ranges that fit in the gaps are written');
select throws_ok($$update public.price_history set valid = tstzrange(lower(valid), now() - interval '33 days')
                   where listing_id = (select notino from fixture) and lower(valid) = (select min(lower(valid)) from public.price_history where listing_id = (select notino from fixture))$$,
  '23P01', null, 'widening a range into the next is refused');
select throws_ok(pg_temp.history($$(tstzrange(now() - interval '50 days', null))$$),
  '23505', null, 'a listing never has two open ranges (a unique index, which also holds between concurrent writers)');
delete from public.price_history where listing_id = (select notino from fixture) and upper(valid) <= now() - interval '30 days';

-- best_offers: in stock first, converted, as anon.
select tests.authenticate_as_anon();
select is((select retailer_name from public.best_offers((select fragrance_id from fixture), 'EUR') where variant_id = (select variant_id from fixture)),
  'Notino Deutschland', 'in stock beats a cheaper out-of-stock offer');
select is((select price_converted from public.best_offers((select fragrance_id from fixture), 'USD') where variant_id = (select variant_id from fixture)),
  round(100 / public.fx_rate('USD'), 2), 'prices are converted to the requested currency');
select throws_ok($$ select * from public.best_offers((select fragrance_id from fixture), 'XXX') $$, '22023', 'unknown currency "XXX"', 'an unknown currency is a clear error');
-- one bucket per calendar week that the 20 days of history touch (3 or 4, by weekday)
select is((select count(*)::int from public.price_history((select variant_id from fixture), now() - interval '30 days', now(), 'week')),
  (select count(*)::int from generate_series(date_trunc('week', now() - interval '30 days'), now(), interval '1 week') w
   where w + interval '1 week' > now() - interval '20 days'),
  'price_history buckets by week');
select is((select min_price from public.price_history((select variant_id from fixture), date_trunc('day', now() - interval '12 days'), date_trunc('day', now() - interval '12 days') + interval '12 hours', 'day')),
  91.08, 'price_history gives the lowest price across retailers per bucket');
select throws_ok($$ select * from public.price_history((select variant_id from fixture), now(), now() - interval '1 day') $$, '22023', null, 'from after to is refused');
select throws_ok($$ select * from public.price_history((select variant_id from fixture), now() - interval '1 day', now(), 'hour') $$, '22023', null, 'an unknown bucket is refused');
select is((select max(bucket_start) from public.price_history((select variant_id from fixture), now() - interval '3 days', now() + interval '10 days', 'day')),
  date_trunc('day', now()), 'price_history has no bucket in the future: a query to next week ends today');
select tests.clear_authentication();

-- The review queue of held prices, for service_role only.
insert into private.price_anomalies (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock, kind, reason, reference_price_base)
select (select notino from fixture), max(id), 1, now() - interval '1 hour', 10000, 'EUR', 10000, true, 'currency_error', '10000 is about 100x off', 100
from private.ingest_batches;
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.pending_price_anomalies() $$, '42501', null, 'anon cannot read the review queue');
select tests.authenticate_as_role('authenticated');
select throws_ok($$ select * from public.pending_price_anomalies() $$, '42501', null, 'authenticated cannot read the review queue');
select tests.authenticate_as_service_role();
select is((select (kind, retailer_slug, retailer_sku, fragrance_slug, size_ml, price_base, reference_price_base, current_price_base)::text
           from public.pending_price_anomalies() where listing_id = (select notino from fixture)),
  '(currency_error,notino-de,PRICE-TEST,dior-sauvage-edp,123.00,10000.00,100.00,100.00)', 'a held price comes with its retailer, listing, variant, reference and the price shown now');
select is((select count(*)::int from public.pending_price_anomalies(after_id => (select max(id) from private.price_anomalies))), 0,
  'after_id pages past the last one');
select throws_ok($$ select * from public.pending_price_anomalies(0) $$, '22023', null, 'a page_size out of 1-500 is refused');
select tests.clear_authentication();

-- Freshness: stale offers are marked and leave best_offers; silent retailers breach.
insert into public.retailers (slug, name, country, currency, website) values ('silent-shop', 'Silent Shop', 'DE', 'EUR', 'https://silent.example');
update public.current_offers set observed_at = now() - interval '10 days' where listing_id = (select notino from fixture);
select private.check_freshness();
select ok((select stale from public.current_offers where listing_id = (select notino from fixture)), 'an offer past its SLA is marked stale');
select isnt((select retailer_name from public.best_offers((select fragrance_id from fixture)) where variant_id = (select variant_id from fixture)),
  'Notino Deutschland', 'a stale offer is not a best offer');
select ok(exists (select from private.freshness_breaches b join public.retailers r on r.id = b.retailer_id where r.slug = 'silent-shop' and b.resolved_at is null),
  'a retailer that never sent a batch has an open breach');
select tests.authenticate_as_service_role();
select is((select status from public.retailer_freshness() where slug = 'silent-shop'), 'never', 'retailer_freshness reports it');
select is((select status from public.retailer_freshness() where slug = 'notino-de'), 'fresh', 'and a retailer that just sent is fresh');
select tests.clear_authentication();

-- current_offers.updated_at: stamped by the trigger, unless the statement writes it itself (the ingest
-- function does, to spare a trigger call per offer).
update public.current_offers set updated_at = '2020-01-01' where listing_id = (select notino from fixture);
select is((select updated_at from public.current_offers where listing_id = (select notino from fixture)), '2020-01-01'::timestamptz,
  'an update that sets current_offers.updated_at keeps its value');
update public.current_offers set stale = false where listing_id = (select notino from fixture);
select is((select updated_at from public.current_offers where listing_id = (select notino from fixture)), now(),
  'any other update stamps current_offers.updated_at');

-- retailer_listings.volume_ml follows the matched variant (prices per 100 ml divide by it).
select is((select volume_ml from public.retailer_listings where id = (select notino from fixture)), 123::numeric,
  'a matched listing carries its variant''s volume');
update public.variants set quantity = 3 where id = (select variant_id from fixture);
select is((select volume_ml from public.retailer_listings where id = (select notino from fixture)), 369::numeric,
  'a variant''s new quantity reaches its listings');
update public.retailer_listings set volume_ml = 1 where id = (select notino from fixture);
select is((select volume_ml from public.retailer_listings where id = (select notino from fixture)), 369::numeric,
  'volume_ml cannot be written apart from the variant');
update public.retailer_listings set variant_id = null, match_method = null, match_confidence = null, status = 'unmatched'
where id = (select notino from fixture);
select is((select volume_ml from public.retailer_listings where id = (select notino from fixture)), null,
  'an unmatched listing has no volume');
insert into public.retailer_listings (retailer_id, retailer_sku, title, url, variant_id, match_method, match_confidence, status, volume_ml) values
  (tests.retailer('notino-de'), 'VOL-1', 'Volume One', 'https://shop.example/v1', (select variant_id from fixture), 'manual', 1, 'matched', null),
  (tests.retailer('notino-de'), 'VOL-2', 'Volume Two', 'https://shop.example/v2', (select variant_id from fixture), 'manual', 1, 'matched', 5),
  (tests.retailer('notino-de'), 'VOL-3', 'Volume Three', 'https://shop.example/v3', null, null, null, 'unmatched', 5);
select results_eq($$select retailer_sku, volume_ml from public.retailer_listings where retailer_sku like 'VOL-%' order by 1$$,
  $$values ('VOL-1', 369::numeric), ('VOL-2', 369), ('VOL-3', null)$$,
  'listings inserted without their variant''s volume, or with another, carry the variant''s (an unmatched one none)');

-- Matching: a title that names its brand's catalog name exactly is matched to it. Trigram similarity
-- is blind to word order ("royal nuit" and "nuit royal" are alike at 1.0): before, such a pair was a
-- tie and went to review. A gendered title whose exact name is the other gender's still finds its
-- own gender's name without gender words ("Light Blue" for men is Light Blue Pour Homme).
insert into public.brands (slug, name) values ('matching-test-house', 'Matching Test House');
insert into public.fragrances (brand_id, slug, name, concentration, gender)
select b.id, f.slug, f.name, 'edp', f.gender::public.gender
from public.brands b, (values ('mth-royal-nuit', 'Royal Nuit', 'unisex'), ('mth-nuit-royal', 'Nuit Royal', 'unisex'),
                              ('mth-light-blue', 'Light Blue', 'feminine'), ('mth-light-blue-pour-homme', 'Light Blue Pour Homme', 'masculine')) f (slug, name, gender)
where b.slug = 'matching-test-house';
insert into public.variants (fragrance_id, size_ml, packaging) select id, 50, 'retail' from public.fragrances where slug like 'mth-%';
insert into public.retailer_listings (retailer_id, retailer_sku, title, url)
select tests.retailer('notino-de'), sku, title, 'https://shop.example/' || sku
from (values ('MTH-1', 'Matching Test House Royal Nuit Eau de Parfum 50 ml'),
             ('MTH-2', 'Matching Test House Light Blue Eau de Parfum 50 ml for Men')) l (sku, title);
select private.match_listings(jsonb_build_array(
  jsonb_build_object('listing_id', (select id from public.retailer_listings where retailer_sku = 'MTH-1'), 'parsed',
    jsonb_build_object('brand', 'Matching Test House', 'name', 'Royal Nuit', 'concentration', 'edp', 'size_ml', 50)),
  jsonb_build_object('listing_id', (select id from public.retailer_listings where retailer_sku = 'MTH-2'), 'parsed',
    jsonb_build_object('brand', 'Matching Test House', 'name', 'Light Blue', 'concentration', 'edp', 'size_ml', 50, 'gender', 'masculine'))));
select is((select f.slug || ' ' || l.status from public.retailer_listings l join public.variants v on v.id = l.variant_id
           join public.fragrances f on f.id = v.fragrance_id where l.retailer_sku = 'MTH-1'),
  'mth-royal-nuit matched', 'a title naming its brand''s catalog name exactly is matched to it, not to the same words in another order');
select is((select f.slug from public.retailer_listings l join public.variants v on v.id = l.variant_id
           join public.fragrances f on f.id = v.fragrance_id where l.retailer_sku = 'MTH-2'),
  'mth-light-blue-pour-homme', 'a title for men whose exact name is a women''s fragrance is matched to the men''s name without gender words');

-- A batch's new listing is written once, with its match (it was inserted unmatched, then updated).
create temporary table listing_writes as
select n_tup_ins, n_tup_upd from pg_stat_xact_user_tables where relid = 'public.retailer_listings'::regclass;
select private.ingest_price_batch(tests.retailer('notino-de'), null, repeat('c', 64), 'json', jsonb_build_array(jsonb_build_object(
  'row', 1, 'sku', 'MTH-ONE-WRITE', 'title', 'Matching Test House Royal Nuit Eau de Parfum 50 ml', 'url', 'https://shop.example/one',
  'price', 80, 'currency', 'EUR', 'in_stock', true, 'observed_at', now(),
  'parsed', jsonb_build_object('brand', 'Matching Test House', 'name', 'Royal Nuit', 'concentration', 'edp', 'size_ml', 50))));
select is((select array[s.n_tup_ins - w.n_tup_ins, s.n_tup_upd - w.n_tup_upd] from pg_stat_xact_user_tables s, listing_writes w
           where s.relid = 'public.retailer_listings'::regclass), array[1, 0]::bigint[],
  'a new listing of a batch is inserted once, and not updated');
select is((select f.slug || ' ' || l.status || ' ' || o.price_per_100ml_base from public.retailer_listings l
           join public.variants v on v.id = l.variant_id join public.fragrances f on f.id = v.fragrance_id
           join public.current_offers o on o.listing_id = l.id where l.retailer_sku = 'MTH-ONE-WRITE'),
  'mth-royal-nuit matched 160.00', '... matched, and its offer current and priced per 100 ml');

-- A new listing is written with its matched variant's volume (size x quantity), read with the match,
-- whether matched by its attributes or by its GTIN; its offer's price per 100 ml divides by it.
insert into public.variants (fragrance_id, size_ml, quantity, packaging, gtin)
values (tests.fragrance('mth-nuit-royal'), 10, 3, 'retail', null), (tests.fragrance('mth-light-blue'), 30, 2, 'retail', '4006381333931');
select private.ingest_price_batch(tests.retailer('notino-de'), null, repeat('d', 64), 'json', jsonb_build_array(
  jsonb_build_object('row', 1, 'sku', 'MTH-VOL-1', 'title', 'Matching Test House Nuit Royal Eau de Parfum 3 x 10 ml',
    'url', 'https://shop.example/vol1', 'price', 60, 'currency', 'EUR', 'in_stock', true, 'observed_at', now(),
    'parsed', jsonb_build_object('brand', 'Matching Test House', 'name', 'Nuit Royal', 'concentration', 'edp', 'size_ml', 10, 'quantity', 3)),
  jsonb_build_object('row', 2, 'sku', 'MTH-VOL-2', 'title', 'Light Blue Duo 2 x 30 ml', 'url', 'https://shop.example/vol2',
    'gtin', '4006381333931', 'price', 90, 'currency', 'EUR', 'in_stock', true, 'observed_at', now(),
    'parsed', jsonb_build_object('name', 'Light Blue Duo'))));
select results_eq($$select l.retailer_sku, l.match_method::text, l.volume_ml, o.price_per_100ml_base
                    from public.retailer_listings l join public.current_offers o on o.listing_id = l.id
                    where l.retailer_sku like 'MTH-VOL-%' order by 1$$,
  $$values ('MTH-VOL-1', 'attributes', 30::numeric, 200.00::numeric), ('MTH-VOL-2', 'gtin', 60::numeric, 150.00::numeric)$$,
  'a new listing is written with its variant''s volume (size x quantity), matched by attributes or by GTIN, and priced per 100 ml by it');

-- A title that names no brand: a catalog name it says exactly has that name's fragrances of every
-- brand as its candidates (not names of the same words in another order); a name two brands have
-- goes to review; any other name takes the nearest names of every brand.
insert into public.brands (slug, name) values ('matching-test-annex', 'Matching Test Annex');
insert into public.fragrances (brand_id, slug, name, concentration, gender)
select b.id, 'mta-light-blue', 'Light Blue', 'edp', 'feminine' from public.brands b where b.slug = 'matching-test-annex';
insert into public.variants (fragrance_id, size_ml, packaging) values (tests.fragrance('mta-light-blue'), 50, 'retail');
select private.ingest_price_batch(tests.retailer('notino-de'), null, repeat('e', 64), 'json', (
  select jsonb_agg(jsonb_build_object('row', n, 'sku', 'MTH-NB-' || n, 'title', t, 'url', 'https://shop.example/nb' || n,
           'price', 70, 'currency', 'EUR', 'in_stock', true, 'observed_at', now(),
           'parsed', jsonb_build_object('name', t, 'concentration', 'edp', 'size_ml', 50)))
  from (values (1, 'Royal Nuit'), (2, 'Light Blue'), (3, 'Royal Nuitt')) x (n, t)));
select results_eq($$select l.retailer_sku, l.status::text,
                           -- ("royal nuitt" is as like "nuit royal" as "royal nuit": trigrams ignore word order)
                           case when l.retailer_sku = 'MTH-NB-3' and f.name_normalized = 'nuit royal' then 'royal nuit' else f.name_normalized end
                    from public.retailer_listings l
                    left join private.listing_match_candidates c on c.listing_id = l.id
                    left join public.variants v on v.id = coalesce(l.variant_id, c.variant_id)
                    left join public.fragrances f on f.id = v.fragrance_id
                    where l.retailer_sku like 'MTH-NB-%' order by 1$$,
  $$values ('MTH-NB-1', 'matched', 'royal nuit'), ('MTH-NB-2', 'review', 'light blue'), ('MTH-NB-3', 'review', 'royal nuit')$$,
  'a title naming no brand is matched by the catalog name it says (every brand''s), to review when brands share it, else by the nearest names');

-- Rollup: partitions past the horizon are aggregated, then dropped.
update private.settings set value = '0' where key = 'observation_horizon_days';
select private.ensure_price_partitions(3, 0);
insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock)
select (select notino from fixture), (select max(id) from private.ingest_batches), n, date_trunc('month', now() - interval '2 months') + n * interval '1 hour', 100 + n, 'EUR', 100 + n, true
from generate_series(1, 3) n;
select ok(private.rollup_price_observations() >= 2, 'old partitions are rolled up and dropped');
select is((select observations from private.price_daily where listing_id = (select notino from fixture) and day = date_trunc('month', now() - interval '2 months')::date),
  3, 'the daily rollup keeps the count of observations');
delete from public.retailer_listings where id = (select notino from fixture);
select is((select count(*)::int from private.price_daily where listing_id = (select notino from fixture)), 0,
  'a deleted listing''s daily aggregates go with it');

select * from finish();
rollback;
