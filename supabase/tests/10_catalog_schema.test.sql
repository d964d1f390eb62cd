-- Catalog schema: the tables exist and every table follows the conventions.
begin;
\ir helpers.sql
select plan(33);

select tables_are('public', array[
  'currencies', 'olfactive_families', 'brands', 'brand_aliases', 'perfumers', 'fragrance_lines', 'fragrances',
  'fragrance_perfumers', 'note_families', 'notes', 'fragrance_notes', 'accords', 'fragrance_accords', 'variants',
  'retailers', 'retailer_listings', 'fx_rates', 'current_offers', 'price_history', 'name_vocabulary', 'fragrance_name_aliases',
  'fragrance_documents', 'fragrance_embeddings', 'fragrance_name_words', 'similar_fragrances_cache',
  'profiles', 'collection_entries', 'onboarding_answers', 'recommendation_events', 'affiliate_clicks', 'events',
  'price_alerts', 'alert_notifications'
], 'public holds exactly the catalog, price, name vocabulary, search, user and alert tables');

-- Conventions, checked over every table of the project's schemas.
create temporary view project_tables as
  select c.oid, c.relname, n.nspname
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname in ('public', 'private') and not c.relispartition;

select is_empty($$ select relname from project_tables where nspname = 'public' and not exists
  (select from pg_class c where c.oid = project_tables.oid and c.relrowsecurity) $$,
  'every public table has row level security enabled');
select is_empty($$ select relname from project_tables t where not exists
  (select from pg_constraint where conrelid = t.oid and contype = 'p') $$,
  'every table has a primary key');
select is_empty($$ select relname from project_tables t where obj_description(t.oid, 'pg_class') is null $$,
  'every table has a comment');
select is_empty($$
  select t.relname || '.' || a.attname from project_tables t join pg_attribute a on a.attrelid = t.oid
  where a.attnum > 0 and not a.attisdropped and col_description(t.oid, a.attnum) is null $$,
  'every column has a comment');
select is_empty($$
  select t.relname || '.' || col from project_tables t, unnest(array['created_at', 'updated_at']) col
  where not exists (select from pg_attribute a where a.attrelid = t.oid and a.attname = col
                    and a.atttypid = 'timestamptz'::regtype and a.attnotnull) $$,
  'every table has created_at and updated_at timestamptz not null');
select is_empty($$
  select t.relname from project_tables t where not exists
  (select from pg_trigger g where g.tgrelid = t.oid and g.tgfoid in ('private.set_updated_at'::regproc, 'private.prevent_change'::regproc)) $$,
  'every table maintains updated_at with private.set_updated_at, or is append-only');
select is_empty($$
  select c.conrelid::regclass::text || ' ' || c.conname
  from pg_constraint c join project_tables t on t.oid = c.conrelid
  where c.contype = 'f' and not exists (
    select from pg_index i
    where i.indrelid = c.conrelid and i.indpred is null
      and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
      and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey) $$,
  'every foreign key is covered by the leading columns of a non-partial index');
select is_empty($$
  select c.conrelid::regclass::text || ' ' || c.conname
  from pg_constraint c join project_tables t on t.oid = c.conrelid
  where c.contype = 'c' and c.conname ~ '_check$' $$,
  'every CHECK constraint has a name that says what it checks (none left with a generated *_check name)');

-- Columns and types a frontend relies on.
select col_type_is('public', 'variants', 'size_ml', 'numeric(7,2)', 'variants.size_ml is numeric millilitres');
select col_type_is('public', 'variants', 'packaging', 'packaging', 'variants.packaging is the packaging enum');
select col_type_is('public', 'fragrances', 'concentration', 'concentration', 'fragrances.concentration is the concentration enum');
select col_type_is('public', 'fragrances', 'gender', 'gender', 'fragrances.gender is the gender enum');
select col_type_is('public', 'fragrances', 'deleted_at', 'timestamp with time zone', 'fragrances.deleted_at is a timestamptz soft delete');
select col_type_is('public', 'fragrance_notes', 'tier', 'note_tier', 'fragrance_notes.tier is the note_tier enum');
select col_type_is('public', 'retailer_listings', 'match_confidence', 'numeric(4,3)', 'match confidence is numeric 0..1');
select col_type_is('public', 'retailers', 'update_interval', 'interval', 'retailers.update_interval is an interval');
select col_is_unique('public', 'variants', array['gtin'], 'variants.gtin is unique');
select col_is_unique('public', 'retailer_listings', array['retailer_id', 'retailer_sku'], 'retailer SKU is unique per retailer');
select enum_has_labels('public', 'concentration',
  array['extrait', 'parfum', 'edp', 'edt', 'edc', 'cologne', 'eau_fraiche', 'body_mist', 'perfume_oil', 'hair_mist'], 'concentrations');
select enum_has_labels('public', 'packaging', array['retail', 'tester', 'unboxed', 'refill', 'travel', 'gift_set', 'sample'], 'packagings');

-- Relationships.
select fk_ok('public', 'brand_aliases', 'brand_id', 'public', 'brands', 'id');
select fk_ok('public', 'fragrances', 'brand_id', 'public', 'brands', 'id');
select fk_ok('public', 'fragrances', array['line_id', 'brand_id'], 'public', 'fragrance_lines', array['id', 'brand_id']);
select fk_ok('public', 'fragrances', 'family_slug', 'public', 'olfactive_families', 'slug');
select fk_ok('public', 'notes', 'family_id', 'public', 'note_families', 'id');
select fk_ok('public', 'fragrance_notes', 'note_id', 'public', 'notes', 'id');
select fk_ok('public', 'fragrance_accords', 'accord_id', 'public', 'accords', 'id');
select fk_ok('public', 'variants', 'fragrance_id', 'public', 'fragrances', 'id');
select fk_ok('public', 'retailers', 'currency', 'public', 'currencies', 'code');
select tests.references_ok('public.retailer_listings', 'variant_id', 'public.variants');
select tests.references_ok('public.retailer_listings', 'retailer_id', 'public.retailers');

-- The seed is what the issue promised.
select ok((select count(*) >= 30 from public.brands) and (select count(*) >= 150 from public.fragrances)
  and (select count(*) >= 400 from public.variants) and (select count(*) >= 6 from public.retailers)
  and (select count(distinct currency) >= 3 from public.retailers),
  'the seed holds >= 30 brands, 150 fragrances, 400 variants, 6 retailers in >= 3 currencies');

select * from finish();
rollback;
