-- Every domain rule of the catalog rejects a bad row with an error naming the rule.
begin;
\ir helpers.sql
select plan(43);
select tests.authenticate_as_service_role();

-- Fixtures.
insert into public.brands (id, slug, name) values
  ('00000000-0000-4000-8000-000000000b01', 'test-house', 'Test House'),
  ('00000000-0000-4000-8000-000000000b02', 'other-house', 'Other House');
insert into public.fragrance_lines (id, brand_id, slug, name) values
  ('00000000-0000-4000-8000-0000000001e1', '00000000-0000-4000-8000-000000000b02', 'other-line', 'Other Line');
insert into public.fragrances (id, brand_id, slug, name, concentration) values
  ('00000000-0000-4000-8000-00000000f001', '00000000-0000-4000-8000-000000000b01', 'test-one-edp', 'Test One', 'edp');
insert into public.variants (id, fragrance_id, size_ml, gtin) values
  ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000f001', 100, '4006381333931');
insert into public.retailers (id, slug, name, country, currency, website) values
  ('00000000-0000-4000-8000-00000000c001', 'test-shop', 'Test Shop', 'FR', 'EUR', 'https://shop.example');

create function pg_temp.rejects(stmt text, rule text, sqlstate text default '23514') returns text language sql as $$
  select throws_like(stmt, '%"' || rule || '"%', format('%s rejects a bad row (%s)', rule, sqlstate))
$$;

-- pure helpers
select ok(public.is_valid_gtin('4006381333931'), 'is_valid_gtin accepts a valid EAN-13');
select ok(public.is_valid_gtin('036000291452'), 'is_valid_gtin accepts a valid UPC-A');
select ok(public.is_valid_gtin('96385074'), 'is_valid_gtin accepts a valid GTIN-8');
select ok(not public.is_valid_gtin('4006381333932'), 'is_valid_gtin rejects a wrong check digit');
select ok(not public.is_valid_gtin('40063813339'), 'is_valid_gtin rejects an 11-digit code');
select ok(not public.is_valid_gtin('40063813339x1'), 'is_valid_gtin rejects non-digits');
-- Against the GS1 definition written out (weights 3, 1, 3, … from the digit left of the check
-- digit), on 200 bodies of each length, each with all ten possible check digits.
create function pg_temp.gs1(code text) returns boolean language sql as $$
  select (10 - sum(substr(code, length(code) - i, 1)::int * case when i % 2 = 1 then 3 else 1 end) % 10) % 10 = right(code, 1)::int
  from generate_series(1, length(code) - 1) as i
$$;
create temp table gtin_codes as
  select len, body, body || check_digit as code
  from unnest(array[8, 12, 13, 14]) as len, generate_series(1, 200) as i,
       lateral (select lpad(((i::numeric * 982451653 + len * 104729) % (10::numeric ^ (len - 1)))::bigint::text, len - 1, '0') as body) b,
       generate_series(0, 9) as check_digit;
select is((select count(*)::int from gtin_codes where public.is_valid_gtin(code) is distinct from pg_temp.gs1(code)), 0,
  'is_valid_gtin agrees with the GS1 sum on 8,000 GTIN-8, -12, -13 and -14 codes, right and wrong');
select is((select count(*)::int from (select body from gtin_codes where public.is_valid_gtin(code) group by len, body having count(*) = 1) x), 800,
  'exactly one check digit of ten passes for each body');
select is(public.normalize_name('Acqua di Giò'), 'acqua di gio', 'normalize_name removes accents and case');
select is(public.normalize_name('D&G'), 'd and g', 'normalize_name spells & as and');
select is(public.normalize_name('  A*Men  '), 'a men', 'normalize_name drops punctuation and trims');

-- lookups
select pg_temp.rejects($$ insert into public.currencies (code, name) values ('eur', 'Euro') $$, 'currencies_code_iso4217');
select pg_temp.rejects($$ insert into public.olfactive_families (slug, name) values ('Woody Notes', 'X') $$, 'olfactive_families_slug_format');

-- brands and friends
select pg_temp.rejects($$ insert into public.brands (slug, name) values ('Bad Slug', 'X') $$, 'brands_slug_format');
select pg_temp.rejects($$ insert into public.brands (slug, name) values ('blank', '  ') $$, 'brands_name_not_blank');
select pg_temp.rejects($$ insert into public.brands (slug, name, country) values ('c', 'C', 'France') $$, 'brands_country_iso3166');
select pg_temp.rejects($$ insert into public.brands (slug, name, website) values ('w', 'W', 'www.x.com') $$, 'brands_website_url');
select pg_temp.rejects($$ insert into public.brands (slug, name) values ('test-house-2', 'TEST HOUSE') $$, 'brands_name_normalized_unique', '23505');
select pg_temp.rejects($$ insert into public.brand_aliases (brand_id, alias) values ('00000000-0000-4000-8000-000000000b01', '') $$, 'brand_aliases_alias_not_blank');
select pg_temp.rejects($$ insert into public.brand_aliases (brand_id, alias) values ('00000000-0000-4000-8000-000000000b01', 'D & G') $$, 'brand_aliases_alias_normalized_unique', '23505');
select pg_temp.rejects($$ insert into public.perfumers (slug, name) values ('A B', 'A B') $$, 'perfumers_slug_format');
select pg_temp.rejects($$ insert into public.fragrance_lines (brand_id, slug, name) values ('00000000-0000-4000-8000-000000000b01', 'x_y', 'X') $$, 'fragrance_lines_slug_format');

-- fragrances
select pg_temp.rejects($$ insert into public.fragrances (brand_id, slug, name, concentration, launch_year)
  values ('00000000-0000-4000-8000-000000000b01', 'old', 'Old', 'edt', 1200) $$, 'fragrances_launch_year_range');
select pg_temp.rejects($$ insert into public.fragrances (brand_id, slug, name, concentration)
  values ('00000000-0000-4000-8000-000000000b01', 'blank', ' ', 'edt') $$, 'fragrances_name_not_blank');
select pg_temp.rejects($$ insert into public.fragrances (brand_id, slug, name, concentration, description)
  values ('00000000-0000-4000-8000-000000000b01', 'nodesc', 'No Desc', 'edt', '') $$, 'fragrances_description_not_blank');
select pg_temp.rejects($$ insert into public.fragrances (brand_id, line_id, slug, name, concentration)
  values ('00000000-0000-4000-8000-000000000b01', '00000000-0000-4000-8000-0000000001e1', 'lined', 'Lined', 'edt') $$,
  'fragrances_line_same_brand', '23503');
select pg_temp.rejects($$ insert into public.fragrances (brand_id, slug, name, concentration)
  values ('00000000-0000-4000-8000-000000000b01', 'test-one-edp-2', 'TEST ONE', 'edp') $$, 'fragrances_identity_unique', '23505');
select lives_ok($$ insert into public.fragrances (brand_id, slug, name, concentration)
  values ('00000000-0000-4000-8000-000000000b01', 'test-one-edt', 'Test One', 'edt') $$,
  'the same name in another concentration is another fragrance');
select throws_ok($$ insert into public.fragrances (brand_id, slug, name, concentration)
  values ('00000000-0000-4000-8000-000000000b01', 'x', 'X', 'eau_de_parfum') $$, '22P02', null,
  'an unknown concentration is rejected by the enum');

-- pyramid and accords
select pg_temp.rejects($$ insert into public.fragrance_notes (fragrance_id, note_id, tier, position)
  select '00000000-0000-4000-8000-00000000f001', id, 'top', 0 from public.notes limit 1 $$, 'fragrance_notes_position_positive');
select pg_temp.rejects($$ insert into public.fragrance_notes (fragrance_id, note_id, tier, position)
  select '00000000-0000-4000-8000-00000000f001', id, 'top', 1 from public.notes order by name limit 2 $$, 'fragrance_notes_position_unique', '23505');
select pg_temp.rejects($$ insert into public.fragrance_accords (fragrance_id, accord_id, strength)
  select '00000000-0000-4000-8000-00000000f001', id, 101 from public.accords limit 1 $$, 'fragrance_accords_strength_range');

-- variants
select pg_temp.rejects($$ insert into public.variants (fragrance_id, size_ml) values ('00000000-0000-4000-8000-00000000f001', 0) $$, 'variants_size_ml_positive');
select pg_temp.rejects($$ insert into public.variants (fragrance_id, size_ml) values ('00000000-0000-4000-8000-00000000f001', -5) $$, 'variants_size_ml_positive');
select pg_temp.rejects($$ insert into public.variants (fragrance_id, size_ml, quantity) values ('00000000-0000-4000-8000-00000000f001', 20, 0) $$, 'variants_quantity_positive');
select pg_temp.rejects($$ insert into public.variants (fragrance_id, size_ml, gtin) values ('00000000-0000-4000-8000-00000000f001', 50, '4006381333932') $$, 'variants_gtin_checksum');
select pg_temp.rejects($$ insert into public.variants (fragrance_id, size_ml) values ('00000000-0000-4000-8000-00000000f001', 100) $$, 'variants_identity_unique', '23505');

-- retailers and listings
select pg_temp.rejects($$ insert into public.retailers (slug, name, country, currency, website, update_interval)
  values ('r1', 'R', 'FR', 'EUR', 'https://r.example', '1 minute') $$, 'retailers_update_interval_range');
select pg_temp.rejects($$ insert into public.retailers (slug, name, country, currency, website)
  values ('r2', 'R', 'FR', 'EUR', 'http://r.example') $$, 'retailers_website_url');
select pg_temp.rejects($$ insert into public.retailers (slug, name, country, currency, website)
  values ('r3', 'R', 'FR', 'XXX', 'https://r.example') $$, 'retailers_currency_fkey', '23503');
select pg_temp.rejects($$ insert into public.retailer_listings (retailer_id, retailer_sku, title, url, status)
  values ('00000000-0000-4000-8000-00000000c001', 'S1', 'T', 'https://x', 'matched') $$, 'retailer_listings_match_consistent');
select pg_temp.rejects($$ insert into public.retailer_listings (retailer_id, retailer_sku, title, url, variant_id, match_method, match_confidence, status)
  values ('00000000-0000-4000-8000-00000000c001', 'S2', 'T', 'https://x', '00000000-0000-4000-8000-00000000a001', 'gtin', 1.5, 'matched') $$,
  'retailer_listings_match_confidence_range');
select pg_temp.rejects($$ insert into public.retailer_listings (retailer_id, retailer_sku, title, url)
  values ('00000000-0000-4000-8000-00000000c001', 'S3', 'T', 'ftp://x') $$, 'retailer_listings_url_format');

select * from finish();
rollback;
