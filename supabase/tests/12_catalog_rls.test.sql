-- RLS matrix of every catalog table: anon and authenticated read and never
-- write; service_role writes. Soft-deleted fragrances vanish for API roles.
begin;
\ir helpers.sql
select plan(205);

-- anon and authenticated × select, insert, update, delete, for every table.
create function pg_temp.api_role_reads_only(tbl text, api_role text) returns setof text language plpgsql as $$
begin
  perform tests.authenticate_as_role(api_role, case when api_role = 'authenticated' then '6f1c5e4a-2a51-4f3e-9d7e-1c2b3a4d5e6f'::uuid end);
  return next isnt_empty(format('select 1 from public.%I', tbl), format('%s can select from %s', api_role, tbl));
  return next throws_ok(format('insert into public.%I default values', tbl), '42501', null, format('%s cannot insert into %s', api_role, tbl));
  return next throws_ok(format('update public.%I set updated_at = now()', tbl), '42501', null, format('%s cannot update %s', api_role, tbl));
  return next throws_ok(format('delete from public.%I', tbl), '42501', null, format('%s cannot delete from %s', api_role, tbl));
  perform tests.clear_authentication();
end
$$;

select pg_temp.api_role_reads_only(tbl, api_role)
from unnest(array['currencies', 'olfactive_families', 'brands', 'brand_aliases', 'perfumers', 'fragrance_lines',
  'fragrances', 'fragrance_perfumers', 'note_families', 'notes', 'fragrance_notes', 'accords', 'fragrance_accords',
  'variants', 'retailers', 'retailer_listings']) as tbl,
  unnest(array['anon', 'authenticated']) as api_role;

-- service_role × select, insert, update, delete, for every table.
create function pg_temp.service_role_writes(tbl text, ins text, upd text, del text) returns setof text language plpgsql as $$
begin
  perform tests.authenticate_as_service_role();
  return next isnt_empty(format('select 1 from public.%I', tbl), format('service_role can select from %s', tbl));
  return next lives_ok(ins, format('service_role can insert into %s', tbl));
  return next lives_ok(upd, format('service_role can update %s', tbl));
  return next lives_ok(del, format('service_role can delete from %s', tbl));
  perform tests.clear_authentication();
end
$$;

select pg_temp.service_role_writes(t.tbl, t.ins, t.upd, t.del) from (values
  ('currencies', $$ insert into public.currencies (code, name) values ('XTS', 'Test') $$,
    $$ update public.currencies set name = 'Testing' where code = 'XTS' $$, $$ delete from public.currencies where code = 'XTS' $$),
  ('olfactive_families', $$ insert into public.olfactive_families (slug, name) values ('test-family', 'Test Family') $$,
    $$ update public.olfactive_families set description = 'x' where slug = 'test-family' $$, $$ delete from public.olfactive_families where slug = 'test-family' $$),
  ('brands', $$ insert into public.brands (id, slug, name) values ('00000000-0000-4000-8000-000000000b01', 'rls-house', 'RLS House'), (default, 'rls-temp', 'RLS Temp') $$,
    $$ update public.brands set country = 'FR' where slug = 'rls-house' $$, $$ delete from public.brands where slug = 'rls-temp' $$),
  ('brand_aliases', $$ insert into public.brand_aliases (brand_id, alias) values ('00000000-0000-4000-8000-000000000b01', 'RLS Maison') $$,
    $$ update public.brand_aliases set alias = 'RLS Parfums' where alias = 'RLS Maison' $$, $$ delete from public.brand_aliases where alias = 'RLS Parfums' $$),
  ('perfumers', $$ insert into public.perfumers (id, slug, name) values ('00000000-0000-4000-8000-0000000000e1', 'rls-nose', 'RLS Nose'), (default, 'rls-temp', 'RLS Temp') $$,
    $$ update public.perfumers set name = 'R. Nose' where slug = 'rls-nose' $$, $$ delete from public.perfumers where slug = 'rls-temp' $$),
  ('fragrance_lines', $$ insert into public.fragrance_lines (id, brand_id, slug, name) values ('00000000-0000-4000-8000-0000000001e1', '00000000-0000-4000-8000-000000000b01', 'rls-line', 'RLS Line'), (default, '00000000-0000-4000-8000-000000000b01', 'rls-temp', 'RLS Temp') $$,
    $$ update public.fragrance_lines set name = 'RLS Line II' where slug = 'rls-line' $$, $$ delete from public.fragrance_lines where slug = 'rls-temp' $$),
  ('fragrances', $$ insert into public.fragrances (id, brand_id, line_id, slug, name, concentration) values ('00000000-0000-4000-8000-00000000f001', '00000000-0000-4000-8000-000000000b01', '00000000-0000-4000-8000-0000000001e1', 'rls-one', 'RLS One', 'edp'), (default, '00000000-0000-4000-8000-000000000b01', null, 'rls-temp', 'RLS Temp', 'edt') $$,
    $$ update public.fragrances set launch_year = 2024 where slug = 'rls-one' $$, $$ delete from public.fragrances where slug = 'rls-temp' $$),
  ('fragrance_perfumers', $$ insert into public.fragrance_perfumers values ('00000000-0000-4000-8000-00000000f001', '00000000-0000-4000-8000-0000000000e1') $$,
    $$ update public.fragrance_perfumers set updated_at = now() where perfumer_id = '00000000-0000-4000-8000-0000000000e1' $$,
    $$ delete from public.fragrance_perfumers where perfumer_id = '00000000-0000-4000-8000-0000000000e1' $$),
  ('note_families', $$ insert into public.note_families (slug, name) values ('rls-family', 'RLS Family') $$,
    $$ update public.note_families set name = 'RLS Family II' where slug = 'rls-family' $$, $$ delete from public.note_families where slug = 'rls-family' $$),
  ('notes', $$ insert into public.notes (family_id, slug, name) select id, 'rls-note', 'RLS Note' from public.note_families where slug = 'citrus' $$,
    $$ update public.notes set name = 'RLS Note II' where slug = 'rls-note' $$, $$ delete from public.notes where slug = 'rls-note' $$),
  ('fragrance_notes', $$ insert into public.fragrance_notes select '00000000-0000-4000-8000-00000000f001', id, 'top', 1 from public.notes where slug = 'bergamot' $$,
    $$ update public.fragrance_notes set position = 2 where fragrance_id = '00000000-0000-4000-8000-00000000f001' $$,
    $$ delete from public.fragrance_notes where fragrance_id = '00000000-0000-4000-8000-00000000f001' $$),
  ('accords', $$ insert into public.accords (slug, name) values ('rls-accord', 'RLS Accord') $$,
    $$ update public.accords set name = 'RLS Accord II' where slug = 'rls-accord' $$, $$ delete from public.accords where slug = 'rls-accord' $$),
  ('fragrance_accords', $$ insert into public.fragrance_accords select '00000000-0000-4000-8000-00000000f001', id, 80 from public.accords where slug = 'citrus' $$,
    $$ update public.fragrance_accords set strength = 90 where fragrance_id = '00000000-0000-4000-8000-00000000f001' $$,
    $$ delete from public.fragrance_accords where fragrance_id = '00000000-0000-4000-8000-00000000f001' $$),
  ('variants', $$ insert into public.variants (id, fragrance_id, size_ml) values ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000f001', 50), (default, '00000000-0000-4000-8000-00000000f001', 12345) $$,
    $$ update public.variants set gtin = '4006381333931' where id = '00000000-0000-4000-8000-00000000a001' $$,
    $$ delete from public.variants where size_ml = 12345 $$),
  ('retailers', $$ insert into public.retailers (id, slug, name, country, currency, website) values ('00000000-0000-4000-8000-00000000c001', 'rls-shop', 'RLS Shop', 'FR', 'EUR', 'https://rls.example'), (default, 'rls-temp', 'RLS Temp', 'FR', 'EUR', 'https://temp.example') $$,
    $$ update public.retailers set active = false where slug = 'rls-shop' $$, $$ delete from public.retailers where slug = 'rls-temp' $$),
  ('retailer_listings', $$ insert into public.retailer_listings (retailer_id, retailer_sku, title, url) values ('00000000-0000-4000-8000-00000000c001', 'RLS-1', 'RLS One EDP 50ml', 'https://rls.example/1') $$,
    $$ update public.retailer_listings set variant_id = '00000000-0000-4000-8000-00000000a001', match_method = 'manual', match_confidence = 1, status = 'matched' where retailer_sku = 'RLS-1' $$,
    $$ delete from public.retailer_listings where retailer_sku = 'RLS-1' $$)
) as t (tbl, ins, upd, del);

-- Soft delete: a deleted fragrance and everything hanging off it vanish for API roles.
create temporary table deleted as
  select f.id from public.fragrances f join public.brands b on b.id = f.brand_id
  where b.slug = 'dior' and f.name = 'Sauvage' and f.concentration = 'edt';
grant select on deleted to anon, authenticated, service_role;
update public.fragrances set deleted_at = now() where id = (select id from deleted);

select tests.authenticate_as_anon();
select is_empty($$ select 1 from public.fragrances where id = (select id from deleted) $$, 'anon cannot see a soft-deleted fragrance');
select is_empty($$ select 1 from public.variants where fragrance_id = (select id from deleted) $$, 'anon cannot see its variants');
select is_empty($$ select 1 from public.fragrance_notes where fragrance_id = (select id from deleted) $$, 'anon cannot see its notes');
select is_empty($$ select 1 from public.fragrance_accords where fragrance_id = (select id from deleted) $$, 'anon cannot see its accords');
select is_empty($$ select 1 from public.fragrance_perfumers where fragrance_id = (select id from deleted) $$, 'anon cannot see its perfumers');
select tests.authenticate_as_role('authenticated');
select is_empty($$ select 1 from public.fragrances where id = (select id from deleted) $$, 'authenticated cannot see a soft-deleted fragrance');
select is_empty($$ select 1 from public.variants where fragrance_id = (select id from deleted) $$, 'authenticated cannot see its variants');
select isnt_empty($$ select 1 from public.fragrances f join public.brands b on b.id = f.brand_id where b.slug = 'dior' and f.name = 'Sauvage' $$,
  'authenticated still sees the other Sauvage concentrations');
select tests.authenticate_as_service_role();
select isnt_empty($$ select 1 from public.fragrances where id = (select id from deleted) $$, 'service_role still sees the soft-deleted fragrance');
select isnt_empty($$ select 1 from public.variants where fragrance_id = (select id from deleted) $$, 'service_role still sees its variants');
select tests.clear_authentication();

-- API roles cannot reach internals.
select ok(not has_table_privilege('anon', 'private.data_quality_results', 'select'), 'anon cannot read data-quality results');
select ok(not has_table_privilege('authenticated', 'private.data_quality_results', 'select'), 'authenticated cannot read data-quality results');
select is((select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'private' and has_function_privilege('authenticated', p.oid, 'execute')),
  array['best_offer_for_alert', 'create_price_alert', 'deals_in_page_order', 'erase_my_account', 'estimated_embeddings', 'export_my_data', 'facet_of', 'fragrance_facets', 'fragrances_named', 'gender_words_pattern', 'name_core', 'name_core_sql',
        'name_matches', 'name_tokens', 'number_words', 'pause_price_alert', 'read_name', 'recommend_for_me', 'require_user', 'scent_carriers',
        'scent_words', 'search_arguments', 'search_boosts_sql', 'search_cards', 'search_filter_knn_sql', 'search_filter_sql', 'search_filters', 'search_keyword_sql', 'search_knn_sql', 'search_name_sql', 'search_scent_sql',
        'search_terms', 'search_trigram_sql', 'search_vector_sql', 'search_words', 'set_notification_webhook', 'take_rate_limit',
        'track_affiliate_click'],
  'authenticated can execute only the private helpers of its own RPCs');

select * from finish();
rollback;
