-- Data quality: the checks find planted defects, results are stored per run,
-- the RPC is service_role only, and pg_cron runs it nightly.
begin;
\ir helpers.sql
select plan(22);

select is((select schedule from cron.job where jobname = 'catalog-data-quality'), '17 3 * * *',
  'the quality checks are scheduled nightly with pg_cron');
select is((select command from cron.job where jobname = 'catalog-data-quality'),
  $$select private.run_pipeline('data-quality', 'private.run_data_quality_checks')$$,
  'the cron job runs private.run_data_quality_checks() as a recorded pipeline');

-- The seed is clean at error and warn level.
select private.run_data_quality_checks();
select is_empty($$ select check_name from public.data_quality_report() where failing_count > 0 and severity in ('error', 'warn') $$,
  'the seed passes every error and warn check');

-- Plant one defect per check.
insert into public.fragrances (id, brand_id, slug, name, concentration)
  select '00000000-0000-4000-8000-00000000f001', id, 'planted-bare', 'Planted Bare', 'edt' from public.brands where slug = 'dior';
insert into public.fragrances (id, brand_id, slug, name, concentration, family_slug, description)
  select '00000000-0000-4000-8000-00000000f002', id, 'light-blue-dupe', 'LightBlue', 'edt', 'citrus', 'dupe'
  from public.brands where slug = 'dolce-gabbana';
insert into public.variants (id, fragrance_id, size_ml) values ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-00000000f002', 2000);
insert into public.brand_aliases (id, brand_id, alias)
  select '00000000-0000-4000-8000-0000000000a1', id, 'Chanel' from public.brands where slug = 'dior';

-- two listings with one GTIN on different variants, one of them disagreeing with its variant's GTIN
create temporary table planted_listings as
  select l.id, l.gtin, l.variant_id from public.retailer_listings l where l.match_method = 'gtin' order by l.gtin limit 2;
update public.retailer_listings set gtin = (select min(gtin) from planted_listings) where id in (select id from planted_listings);
-- a weak attribute match
update public.retailer_listings set match_method = 'attributes', match_confidence = 0.6
  where id = (select id from public.retailer_listings where match_method = 'manual' order by id limit 1);
-- a soft-deleted fragrance still on sale
update public.fragrances set deleted_at = now()
  where id = (select f.id from public.fragrances f join public.brands b on b.id = f.brand_id where b.slug = 'creed' and f.name = 'Aventus');

select isnt(private.run_data_quality_checks(), null, 'a run returns its id');

create function pg_temp.finds(check_name text, planted text) returns text language sql as $$
  select ok(exists (select from private.data_quality_results r
                    where r.check_name = finds.check_name and r.failing_count > 0
                      and (planted is null or planted = any (r.sample_ids))
                      and r.run_id = (select run_id from private.data_quality_results order by checked_at desc, id desc limit 1)),
            format('%s finds the planted defect', check_name))
$$;
select pg_temp.finds('fragrance_without_notes', '00000000-0000-4000-8000-00000000f001');
select pg_temp.finds('fragrance_without_variants', '00000000-0000-4000-8000-00000000f001');
select pg_temp.finds('fragrance_without_family', '00000000-0000-4000-8000-00000000f001');
select pg_temp.finds('fragrance_without_description', '00000000-0000-4000-8000-00000000f001');
select pg_temp.finds('fragrance_near_duplicate', '00000000-0000-4000-8000-00000000f002');
select pg_temp.finds('variant_size_implausible', '00000000-0000-4000-8000-00000000a001');
select pg_temp.finds('brand_alias_is_other_brand', '00000000-0000-4000-8000-0000000000a1');
select pg_temp.finds('gtin_on_several_variants', (select min(gtin) from planted_listings));
select pg_temp.finds('listing_gtin_differs_from_variant', null);
select pg_temp.finds('listing_matched_low_confidence', null);
select pg_temp.finds('listing_matched_to_deleted_fragrance', null);
select pg_temp.finds('variant_of_deleted_fragrance_on_sale', null);

select is((select count(*)::int from private.data_quality_results
           where run_id = (select run_id from private.data_quality_results order by checked_at desc, id desc limit 1)),
          (select count(*)::int from private.data_quality_checks),
  'a run stores one row per check, passing ones included');
select ok((select bool_and(cardinality(sample_ids) <= 10) from private.data_quality_results), 'at most 10 sample ids per result');

-- The RPC: service_role only, latest run, failures first.
select tests.authenticate_as_anon();
select throws_ok('select * from public.data_quality_report()', '42501', null, 'anon cannot call data_quality_report');
select tests.authenticate_as_role('authenticated');
select throws_ok('select * from public.data_quality_report()', '42501', null, 'authenticated cannot call data_quality_report');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.data_quality_report()), (select count(*)::int from private.data_quality_checks),
  'service_role gets one row per check of the latest run');
select is((select failing_count > 0 from public.data_quality_report() limit 1), true, 'failures come first');
select tests.clear_authentication();

select * from finish();
rollback;
