-- Catalog data quality: a registry of checks (rows in catalog/data.sql), one
-- view that finds every failing row, one set-based function that records a
-- run (nightly, through pg_cron), and a service_role RPC for the latest results.

create type public.check_severity as enum ('info', 'warn', 'error');
comment on type public.check_severity is 'How bad a failing data-quality check is.';

create table private.data_quality_checks (
  name text primary key constraint data_quality_checks_name_format check (name ~ '^[a-z0-9_]+$'),
  category text not null constraint data_quality_checks_category_known
    check (category in ('completeness', 'uniqueness', 'validity', 'integrity')),
  severity public.check_severity not null,
  description text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.data_quality_checks is 'The catalog''s data-quality checks; private.data_quality_failures implements each one.';
comment on column private.data_quality_checks.name is 'Check key, as it appears in private.data_quality_failures.';
comment on column private.data_quality_checks.category is 'completeness, uniqueness, validity or integrity.';
comment on column private.data_quality_checks.severity is 'How bad a failure is.';
comment on column private.data_quality_checks.description is 'What a failing row means.';
call private.track_updates('private.data_quality_checks');

create view private.data_quality_failures with (security_invoker = true) as
  select 'fragrance_without_notes' as check_name, f.id::text as failing_id
  from public.fragrances f
  where f.deleted_at is null and not exists (select from public.fragrance_notes fn where fn.fragrance_id = f.id)
union all
  select 'fragrance_without_variants', f.id::text
  from public.fragrances f
  where f.deleted_at is null and not exists (select from public.variants v where v.fragrance_id = f.id)
union all
  select 'fragrance_without_family', f.id::text from public.fragrances f where f.deleted_at is null and f.family_slug is null
union all
  select 'fragrance_without_description', f.id::text from public.fragrances f where f.deleted_at is null and f.description is null
union all
  select 'fragrance_near_duplicate', f.id::text
  from public.fragrances f
  where f.deleted_at is null and exists (
    select from public.fragrances g
    where g.deleted_at is null and g.id <> f.id and g.brand_id = f.brand_id and g.concentration = f.concentration
      and replace(g.name_normalized, ' ', '') = replace(f.name_normalized, ' ', ''))
union all
  select 'gtin_on_several_variants', l.gtin
  from public.retailer_listings l
  where l.status = 'matched' and l.gtin is not null
  group by l.gtin having count(distinct l.variant_id) > 1
union all
  select 'brand_alias_is_other_brand', a.id::text
  from public.brand_aliases a join public.brands b on b.name_normalized = a.alias_normalized and b.id <> a.brand_id
union all
  select 'fragrance_alias_names_nothing', a.id::text
  from public.fragrance_name_aliases a
  where not exists (select from public.fragrances f
                    where f.brand_id = a.brand_id and f.deleted_at is null and f.name_normalized = public.normalize_name(a.name))
union all
  select 'variant_size_implausible', v.id::text
  from public.variants v
  where v.size_ml > 1000 or (v.packaging in ('retail', 'tester') and v.size_ml < 1)
union all
  select 'listing_gtin_differs_from_variant', l.id::text
  from public.retailer_listings l join public.variants v on v.id = l.variant_id
  where l.gtin is not null and v.gtin is not null and l.gtin <> v.gtin
union all
  select 'listing_matched_low_confidence', l.id::text
  from public.retailer_listings l
  where l.status = 'matched' and l.match_method = 'attributes' and l.match_confidence < 0.85
union all
  select 'listing_matched_to_deleted_fragrance', l.id::text
  from public.retailer_listings l
  join public.variants v on v.id = l.variant_id
  join public.fragrances f on f.id = v.fragrance_id
  where f.deleted_at is not null
union all
  select 'variant_of_deleted_fragrance_on_sale', distinct_f.id::text
  from (select distinct f.id
        from public.fragrances f
        join public.variants v on v.fragrance_id = f.id
        join public.retailer_listings l on l.variant_id = v.id and l.status = 'matched'
        where f.deleted_at is not null) distinct_f
union all
  select 'note_without_parent', n.id::text
  from public.notes n join public.note_families nf on nf.id = n.family_id
  where nf.slug = 'unclassified' and n.parent_id is null
union all
  select 'fragrance_launch_year_implausible', f.id::text
  from public.fragrances f
  where f.deleted_at is null
    and (f.launch_year < 1850 or f.launch_year > extract(year from now())::int + 1);
comment on view private.data_quality_failures is 'One row per failing record per check (check_name, failing_id). Empty when the catalog is clean.';

create table private.data_quality_results (
  id bigint generated always as identity primary key,
  run_id uuid not null,
  check_name text not null references private.data_quality_checks (name) on delete cascade,
  severity public.check_severity not null,
  failing_count integer not null constraint data_quality_results_failing_count_nonnegative check (failing_count >= 0),
  sample_ids text[] not null default '{}',
  checked_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_quality_results_run_check_unique unique (run_id, check_name)
);
comment on table private.data_quality_results is 'One row per check per run: how many rows failed and up to 10 of their ids.';
comment on column private.data_quality_results.id is 'Internal identifier.';
comment on column private.data_quality_results.run_id is 'The run (all checks of one private.run_data_quality_checks() call).';
comment on column private.data_quality_results.check_name is 'The check.';
comment on column private.data_quality_results.severity is 'The check''s severity at run time.';
comment on column private.data_quality_results.failing_count is 'Failing rows (0 = passed).';
comment on column private.data_quality_results.sample_ids is 'Up to 10 failing ids, smallest first.';
comment on column private.data_quality_results.checked_at is 'When the run happened.';
create index data_quality_results_check_name_idx on private.data_quality_results (check_name, checked_at desc);
create index data_quality_results_checked_at_idx on private.data_quality_results (checked_at desc);
call private.track_updates('private.data_quality_results');

/** Runs every check in one statement and records the results; returns the run id. */
create or replace function private.run_data_quality_checks()
returns uuid
language sql
volatile
set search_path = ''
as $$
  with run as (select gen_random_uuid() as id, now() as at),
  failures as (
    select check_name, count(*)::int as failing_count, (array_agg(failing_id order by failing_id))[1:10] as sample_ids
    from private.data_quality_failures
    group by check_name
  ),
  inserted as (
    insert into private.data_quality_results (run_id, check_name, severity, failing_count, sample_ids, checked_at)
    select run.id, c.name, c.severity, coalesce(f.failing_count, 0), coalesce(f.sample_ids, '{}'), run.at
    from private.data_quality_checks c
    cross join run
    left join failures f on f.check_name = c.name
    returning run_id
  )
  select distinct run_id from inserted
$$;
comment on function private.run_data_quality_checks() is 'Runs every catalog data-quality check and stores one result row per check; scheduled nightly by pg_cron.';
revoke execute on function private.run_data_quality_checks() from public;

-- service_role reads the results through the RPC; no other API role reaches them.
grant select on private.data_quality_results to service_role;
grant execute on function private.run_data_quality_checks() to service_role;
grant select on private.data_quality_checks, private.data_quality_failures to service_role;
grant select, insert on private.data_quality_results to service_role;

create or replace function public.data_quality_report()
returns table (
  check_name text, category text, severity public.check_severity, description text,
  failing_count integer, sample_ids text[], checked_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  select r.check_name, c.category, r.severity, c.description, r.failing_count, r.sample_ids, r.checked_at
  from private.data_quality_results r
  join private.data_quality_checks c on c.name = r.check_name
  where r.run_id = (select run_id from private.data_quality_results order by checked_at desc, id desc limit 1)
  order by r.failing_count = 0, r.severity desc, r.check_name
$$;
comment on function public.data_quality_report() is 'Latest data-quality run: every check with its failing count and sample ids, failures first. service_role only.';
revoke execute on function public.data_quality_report() from public, anon, authenticated;
grant execute on function public.data_quality_report() to service_role;
