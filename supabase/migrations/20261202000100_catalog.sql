-- Baseline, catalog: brands, fragrances, notes, accords, variants, retailers and their listings, data quality.
-- The concatenation of supabase/schemas/catalog/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/catalog/types.sql ==========

-- Catalog vocabulary: enums for the closed domains (lookup tables hold the
-- editorial ones: lookups.sql).

create type public.concentration as enum
  ('extrait', 'parfum', 'edp', 'edt', 'edc', 'cologne', 'eau_fraiche', 'body_mist', 'perfume_oil', 'hair_mist');
comment on type public.concentration is 'Strength of a juice: extrait > parfum > edp > edt > edc; cologne, eau_fraiche, body_mist are lighter genres.';

create type public.gender as enum ('feminine', 'masculine', 'unisex');
comment on type public.gender is 'How a fragrance is marketed.';

create type public.packaging as enum ('retail', 'tester', 'unboxed', 'refill', 'travel', 'gift_set', 'sample');
comment on type public.packaging is 'How a variant is sold: retail box, tester, unboxed, refill, travel size, gift set, sample/vial.';

create type public.note_tier as enum ('top', 'heart', 'base');
comment on type public.note_tier is 'Level of a note in a fragrance pyramid.';

create type public.affiliate_network as enum ('awin', 'cj', 'rakuten', 'impact', 'none');
comment on type public.affiliate_network is 'Affiliate network a retailer pays through (decides the click-id parameter).';

create type public.feed_format as enum ('json', 'csv');
comment on type public.feed_format is 'Format of a retailer''s price feed.';

create type public.match_method as enum ('gtin', 'attributes', 'manual');
comment on type public.match_method is 'How a listing was matched to a variant: by GTIN, by brand/name/concentration/size/packaging similarity, or by a person.';

create type public.listing_status as enum ('unmatched', 'review', 'matched', 'rejected', 'inactive');
comment on type public.listing_status is 'unmatched: no candidate; review: a candidate below the auto-match threshold; matched; rejected: not a fragrance we carry; inactive: gone from the feed.';

-- ========== supabase/schemas/catalog/names.sql ==========

-- Pure helpers the catalog's constraints and matching use: the normalized form
-- of a name, and the GTIN checksum.

create or replace function public.normalize_name(name text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select trim(regexp_replace(
    replace(lower(extensions.unaccent('extensions.unaccent'::regdictionary, name)), '&', ' and '),
    '[^a-z0-9]+', ' ', 'g'))
$$;
comment on function public.normalize_name(text) is
  'Lower-cased, accent-free, punctuation-free form of a name: "Acqua di Giò" -> "acqua di gio", "D&G" -> "d and g". Used for matching and uniqueness.';

create or replace function public.is_valid_gtin(code text)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select case
    when code !~ '^([0-9]{8}|[0-9]{12}|[0-9]{13}|[0-9]{14})$' then false
    else (
      select (10 - sum(substr(code, length(code) - i, 1)::int * case when i % 2 = 1 then 3 else 1 end) % 10) % 10
      from generate_series(1, length(code) - 1) as i
    ) = right(code, 1)::int
  end
$$;
comment on function public.is_valid_gtin(text) is 'True when code is a GTIN-8/12/13/14 whose check digit is right.';

revoke execute on function public.normalize_name(text), public.is_valid_gtin(text) from public;
grant execute on function public.normalize_name(text), public.is_valid_gtin(text) to anon, authenticated, service_role;

-- ========== supabase/schemas/catalog/lookups.sql ==========

-- Lookup tables for editorial domains (their rows are in catalog/data.sql).

create table public.currencies (
  code text primary key constraint currencies_code_iso4217 check (code ~ '^[A-Z]{3}$'),
  name text not null constraint currencies_name_not_blank check (btrim(name) <> ''),
  minor_units smallint not null default 2 constraint currencies_minor_units_range check (minor_units between 0 and 4),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.currencies is 'ISO-4217 currencies that prices may be quoted in.';
comment on column public.currencies.code is 'ISO-4217 code, e.g. EUR.';
comment on column public.currencies.name is 'English name.';
comment on column public.currencies.minor_units is 'Digits after the decimal point (2 for EUR, 0 for JPY).';
call private.make_catalog_table('public.currencies');

create table public.olfactive_families (
  slug text primary key constraint olfactive_families_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint olfactive_families_name_not_blank check (btrim(name) <> ''),
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.olfactive_families is 'Olfactive families a fragrance is classified in (e.g. Woody Aromatic, Amber Floral).';
comment on column public.olfactive_families.slug is 'Stable key, kebab-case.';
comment on column public.olfactive_families.name is 'Display name.';
comment on column public.olfactive_families.description is 'What characterizes the family.';
call private.make_catalog_table('public.olfactive_families');

-- ========== supabase/schemas/catalog/brands.sql ==========

-- Brands, the aliases retailers use for them, and the fragrance lines that group a brand's flankers.

create table public.brands (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint brands_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint brands_name_not_blank check (btrim(name) <> ''),
  name_normalized text generated always as (public.normalize_name(name)) stored,
  country text constraint brands_country_iso3166 check (country ~ '^[A-Z]{2}$'),
  website text constraint brands_website_url check (website ~ '^https?://'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint brands_name_normalized_unique unique (name_normalized)
);
comment on table public.brands is 'Perfume houses and designer brands.';
comment on column public.brands.id is 'Public identifier.';
comment on column public.brands.slug is 'URL key, kebab-case, unique.';
comment on column public.brands.name is 'Canonical display name, e.g. "Dior".';
comment on column public.brands.name_normalized is 'Denormalized: normalize_name(name), generated; unique, and the key retailer titles are matched on.';
comment on column public.brands.country is 'ISO-3166 alpha-2 country of origin.';
comment on column public.brands.website is 'Official website.';
call private.make_catalog_table('public.brands');

create table public.brand_aliases (
  id uuid primary key default gen_random_uuid(),
  brand_id uuid not null references public.brands (id) on delete cascade,
  alias text not null constraint brand_aliases_alias_not_blank check (btrim(alias) <> ''),
  alias_normalized text generated always as (public.normalize_name(alias)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint brand_aliases_alias_normalized_unique unique (alias_normalized)
);
comment on table public.brand_aliases is 'Other names retailers use for a brand: "Christian Dior" for Dior, "D&G" for Dolce & Gabbana.';
comment on column public.brand_aliases.id is 'Public identifier.';
comment on column public.brand_aliases.brand_id is 'The brand this alias names.';
comment on column public.brand_aliases.alias is 'The alias as written.';
comment on column public.brand_aliases.alias_normalized is 'Denormalized: normalize_name(alias), generated; unique across aliases so an alias names one brand.';
create index brand_aliases_brand_id_idx on public.brand_aliases (brand_id);
call private.make_catalog_table('public.brand_aliases');

create table public.fragrance_lines (
  id uuid primary key default gen_random_uuid(),
  brand_id uuid not null references public.brands (id) on delete cascade,
  slug text not null constraint fragrance_lines_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint fragrance_lines_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint fragrance_lines_brand_slug_unique unique (brand_id, slug),
  -- target of fragrances' composite FK: a fragrance's line belongs to its brand
  constraint fragrance_lines_id_brand_unique unique (id, brand_id)
);
comment on table public.fragrance_lines is 'A line groups flankers: the "Sauvage" line holds Sauvage EDT, EDP, Parfum and Elixir.';
comment on column public.fragrance_lines.id is 'Public identifier.';
comment on column public.fragrance_lines.brand_id is 'Brand of every fragrance in the line.';
comment on column public.fragrance_lines.slug is 'URL key, unique per brand.';
comment on column public.fragrance_lines.name is 'Display name, e.g. "Sauvage".';
-- brand_id is the leading column of fragrance_lines_brand_slug_unique, which indexes the FK.
call private.make_catalog_table('public.fragrance_lines');

-- ========== supabase/schemas/catalog/perfumers.sql ==========

-- Perfumers (noses); who composed which fragrance is public.fragrance_perfumers (fragrances.sql).

create table public.perfumers (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint perfumers_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint perfumers_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.perfumers is 'Noses who compose fragrances.';
comment on column public.perfumers.id is 'Public identifier.';
comment on column public.perfumers.slug is 'URL key, kebab-case, unique.';
comment on column public.perfumers.name is 'Display name.';
call private.make_catalog_table('public.perfumers');

-- ========== supabase/schemas/catalog/fragrances.sql ==========

-- Fragrances: one juice = a name plus a concentration, soft-deletable; and their perfumers.

create table public.fragrances (
  id uuid primary key default gen_random_uuid(),
  brand_id uuid not null references public.brands (id),
  line_id uuid,
  slug text not null unique constraint fragrances_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint fragrances_name_not_blank check (btrim(name) <> ''),
  name_normalized text generated always as (public.normalize_name(name)) stored,
  concentration public.concentration not null,
  gender public.gender not null default 'unisex',
  family_slug text references public.olfactive_families (slug),
  launch_year smallint constraint fragrances_launch_year_range check (launch_year between 1700 and 2100),
  description text constraint fragrances_description_not_blank check (btrim(description) <> ''),
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Denormalized brand_id: the line (optional) implies it; the composite FK keeps them equal.
  constraint fragrances_line_same_brand foreign key (line_id, brand_id) references public.fragrance_lines (id, brand_id)
);
comment on table public.fragrances is 'One juice: a name plus a concentration ("Sauvage" EDT and EDP are two fragrances). Soft-deleted rows (deleted_at set) are invisible to API roles.';
comment on column public.fragrances.id is 'Public identifier.';
comment on column public.fragrances.brand_id is 'Denormalized: also implied by line_id when set (kept equal by the composite FK fragrances_line_same_brand); lets every fragrance, lined or not, be listed by brand with one index.';
comment on column public.fragrances.line_id is 'The line this fragrance is a flanker in, if any.';
comment on column public.fragrances.slug is 'URL key, unique.';
comment on column public.fragrances.name is 'Name without brand or concentration, e.g. "Sauvage", "Sauvage Elixir".';
comment on column public.fragrances.name_normalized is 'Denormalized: normalize_name(name), generated; uniqueness per brand and concentration, and title matching.';
comment on column public.fragrances.concentration is 'Concentration of the juice.';
comment on column public.fragrances.gender is 'How it is marketed.';
comment on column public.fragrances.family_slug is 'Olfactive family.';
comment on column public.fragrances.launch_year is 'Year of launch.';
comment on column public.fragrances.description is 'Editorial description.';
comment on column public.fragrances.deleted_at is 'Soft delete: when set, the fragrance is hidden from API roles and kept for history.';

create unique index fragrances_identity_unique on public.fragrances (brand_id, name_normalized, concentration) where deleted_at is null;
comment on index public.fragrances_identity_unique is 'A brand has one live fragrance per normalized name and concentration.';
create index fragrances_brand_id_idx on public.fragrances (brand_id);
create index fragrances_line_id_idx on public.fragrances (line_id, brand_id);
create index fragrances_family_slug_idx on public.fragrances (family_slug);
create index fragrances_name_trgm_idx on public.fragrances using gin (name_normalized extensions.gin_trgm_ops);
-- Matching's candidates of a known brand: nearest names within the brand, one index scan.
create index fragrances_brand_name_trgm_idx on public.fragrances
  using gist (brand_id, name_normalized extensions.gist_trgm_ops) where deleted_at is null;
comment on index public.fragrances_brand_name_trgm_idx is 'Matching: the live fragrances of a brand nearest a parsed name (KNN with <->).';
call private.make_catalog_table('public.fragrances', 'deleted_at is null');

create table public.fragrance_perfumers (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  perfumer_id uuid not null references public.perfumers (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, perfumer_id)
);
comment on table public.fragrance_perfumers is 'Who composed which fragrance.';
comment on column public.fragrance_perfumers.fragrance_id is 'The fragrance.';
comment on column public.fragrance_perfumers.perfumer_id is 'A perfumer who composed it.';
create index fragrance_perfumers_perfumer_id_idx on public.fragrance_perfumers (perfumer_id);
-- Rows of a soft-deleted fragrance are hidden with it (the subquery runs under fragrances' RLS).
call private.make_catalog_table('public.fragrance_perfumers',
  'exists (select from public.fragrances f where f.id = fragrance_id)');

-- ========== supabase/schemas/catalog/notes.sql ==========

-- Notes as a hierarchy (family -> note) and a fragrance's pyramid (top, heart, base).

create table public.note_families (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint note_families_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint note_families_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.note_families is 'Top level of the note hierarchy: Citrus, Floral, Woods, Spices, ...';
comment on column public.note_families.id is 'Public identifier.';
comment on column public.note_families.slug is 'Stable key, kebab-case.';
comment on column public.note_families.name is 'Display name.';
call private.make_catalog_table('public.note_families');

create table public.notes (
  id uuid primary key default gen_random_uuid(),
  family_id uuid not null references public.note_families (id),
  slug text not null unique constraint notes_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint notes_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.notes is 'Raw materials and impressions a pyramid is written in: Bergamot (Citrus), Vetiver (Woods).';
comment on column public.notes.id is 'Public identifier.';
comment on column public.notes.family_id is 'The note''s family.';
comment on column public.notes.slug is 'Stable key, kebab-case.';
comment on column public.notes.name is 'Display name.';
create index notes_family_id_idx on public.notes (family_id);
call private.make_catalog_table('public.notes');

create table public.fragrance_notes (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  note_id uuid not null references public.notes (id),
  tier public.note_tier not null,
  position smallint not null constraint fragrance_notes_position_positive check (position >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, tier, note_id),
  constraint fragrance_notes_position_unique unique (fragrance_id, tier, position) deferrable initially immediate
);
comment on table public.fragrance_notes is 'A fragrance''s pyramid: which notes sit in the top, heart and base, in published order.';
comment on column public.fragrance_notes.fragrance_id is 'The fragrance.';
comment on column public.fragrance_notes.note_id is 'The note.';
comment on column public.fragrance_notes.tier is 'top, heart or base.';
comment on column public.fragrance_notes.position is 'Order within the tier, from 1 (most prominent).';
create index fragrance_notes_note_id_idx on public.fragrance_notes (note_id);
call private.make_catalog_table('public.fragrance_notes',
  'exists (select from public.fragrances f where f.id = fragrance_id)');

-- ========== supabase/schemas/catalog/accords.sql ==========

-- Accords (the impressions a blend gives) and how strongly each shows in a fragrance.

create table public.accords (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint accords_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint accords_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.accords is 'Impressions a blend gives: fresh spicy, amber, citrus, powdery, ...';
comment on column public.accords.id is 'Public identifier.';
comment on column public.accords.slug is 'Stable key, kebab-case.';
comment on column public.accords.name is 'Display name.';
call private.make_catalog_table('public.accords');

create table public.fragrance_accords (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  accord_id uuid not null references public.accords (id),
  strength smallint not null constraint fragrance_accords_strength_range check (strength between 0 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, accord_id)
);
comment on table public.fragrance_accords is 'How strongly each accord shows in a fragrance.';
comment on column public.fragrance_accords.fragrance_id is 'The fragrance.';
comment on column public.fragrance_accords.accord_id is 'The accord.';
comment on column public.fragrance_accords.strength is 'Strength from 0 (trace) to 100 (dominant).';
create index fragrance_accords_accord_id_idx on public.fragrance_accords (accord_id);
call private.make_catalog_table('public.fragrance_accords',
  'exists (select from public.fragrances f where f.id = fragrance_id)');

-- ========== supabase/schemas/catalog/variants.sql ==========

-- Variants: a fragrance in a size and packaging, with an optional GTIN.

create table public.variants (
  id uuid primary key default gen_random_uuid(),
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  size_ml numeric(7, 2) not null constraint variants_size_ml_positive check (size_ml > 0),
  packaging public.packaging not null default 'retail',
  quantity smallint not null default 1 constraint variants_quantity_positive check (quantity >= 1),
  gtin text unique constraint variants_gtin_checksum check (public.is_valid_gtin(gtin)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint variants_identity_unique unique (fragrance_id, size_ml, packaging, quantity)
);
comment on table public.variants is 'A sellable form of a fragrance: size, packaging and pack quantity ("3 x 20 ml refills").';
comment on column public.variants.id is 'Public identifier.';
comment on column public.variants.fragrance_id is 'The juice.';
comment on column public.variants.size_ml is 'Millilitres of one item (> 0).';
comment on column public.variants.packaging is 'retail, tester, unboxed, refill, travel, gift_set or sample.';
comment on column public.variants.quantity is 'Items sold together (3 for "3 x 20 ml").';
comment on column public.variants.gtin is 'GTIN-8/12/13/14 (EAN/UPC) with a valid check digit; unique.';
-- fragrance_id leads variants_identity_unique, which indexes the FK.
call private.make_catalog_table('public.variants',
  'exists (select from public.fragrances f where f.id = fragrance_id)');

-- ========== supabase/schemas/catalog/retailers.sql ==========

-- Retailers: the shops whose offers are compared (their webhook secrets: prices/retailer_webhooks.sql).

create table public.retailers (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint retailers_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint retailers_name_not_blank check (btrim(name) <> ''),
  country text not null constraint retailers_country_iso3166 check (country ~ '^[A-Z]{2}$'),
  currency text not null references public.currencies (code),
  affiliate_network public.affiliate_network not null default 'none',
  feed_format public.feed_format not null default 'json',
  update_interval interval not null default '1 day'
    constraint retailers_update_interval_range check (update_interval between '5 minutes' and '30 days'),
  website text not null constraint retailers_website_url check (website ~ '^https://'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.retailers is 'Shops whose offers ScentMatch compares. Webhook secrets are not here: they live outside every API role''s reach.';
comment on column public.retailers.id is 'Public identifier.';
comment on column public.retailers.slug is 'Key used in the X-Retailer webhook header.';
comment on column public.retailers.name is 'Display name.';
comment on column public.retailers.country is 'ISO-3166 alpha-2 country the shop sells in.';
comment on column public.retailers.currency is 'Currency the shop quotes prices in.';
comment on column public.retailers.affiliate_network is 'Network the shop pays commissions through.';
comment on column public.retailers.feed_format is 'Format the shop sends its price feed in.';
comment on column public.retailers.update_interval is 'How often the feed is expected; a retailer silent for longer breaches its freshness SLA.';
comment on column public.retailers.website is 'Shop home page (https).';
comment on column public.retailers.active is 'Inactive retailers are kept for history but not shown.';
create index retailers_currency_idx on public.retailers (currency);
call private.make_catalog_table('public.retailers');

-- ========== supabase/schemas/catalog/retailer_listings.sql ==========

-- Retailer listings: a retailer's product under its own SKU and title, matched
-- to a variant. A listing carries its variant's total volume (volume_ml), kept
-- by triggers, so pricing an offer per 100 ml needs no lookup of the variant.

create table public.retailer_listings (
  id uuid primary key default gen_random_uuid(),
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  retailer_sku text not null constraint retailer_listings_sku_not_blank check (btrim(retailer_sku) <> ''),
  title text not null constraint retailer_listings_title_not_blank check (btrim(title) <> ''),
  url text not null constraint retailer_listings_url_format check (url ~ '^https?://'),
  affiliate_url text constraint retailer_listings_affiliate_url_format check (affiliate_url ~ '^https?://'),
  gtin text constraint retailer_listings_gtin_checksum check (public.is_valid_gtin(gtin)),
  variant_id uuid references public.variants (id) on delete set null,
  match_method public.match_method,
  match_confidence numeric(4, 3) constraint retailer_listings_match_confidence_range check (match_confidence between 0 and 1),
  status public.listing_status not null default 'unmatched',
  first_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  volume_ml numeric,
  constraint retailer_listings_sku_unique unique (retailer_id, retailer_sku),
  constraint retailer_listings_match_consistent check (
    (status = 'matched') = (variant_id is not null and match_method is not null and match_confidence is not null))
);
comment on table public.retailer_listings is 'A retailer''s product as the retailer names it, and the variant it was matched to.';
comment on column public.retailer_listings.id is 'Public identifier.';
comment on column public.retailer_listings.retailer_id is 'The shop.';
comment on column public.retailer_listings.retailer_sku is 'The shop''s own product id; unique per retailer.';
comment on column public.retailer_listings.title is 'Raw title from the feed ("SAUVAGE EDP SPRAY 3.4 OZ").';
comment on column public.retailer_listings.url is 'Product page.';
comment on column public.retailer_listings.affiliate_url is 'Tracking link to the product page, when the network provides one.';
comment on column public.retailer_listings.gtin is 'GTIN from the feed, when valid.';
comment on column public.retailer_listings.variant_id is 'Matched variant; set exactly when status is matched.';
comment on column public.retailer_listings.match_method is 'How the match was made.';
comment on column public.retailer_listings.match_confidence is 'Confidence of the match, 0..1.';
comment on column public.retailer_listings.status is 'Where the listing is in matching.';
comment on column public.retailer_listings.first_seen_at is 'First time a feed contained it.';
comment on column public.retailer_listings.volume_ml is
  'Total volume of the matched variant in ml (size_ml × quantity), kept by triggers; null while unmatched. Prices per 100 ml divide by it.';
create index retailer_listings_variant_id_idx on public.retailer_listings (variant_id);
create index retailer_listings_gtin_idx on public.retailer_listings (gtin) where gtin is not null;
create index retailer_listings_needs_match_idx on public.retailer_listings (retailer_id, status) where status in ('unmatched', 'review');
call private.make_catalog_table('public.retailer_listings');

/** BEFORE INSERT OR UPDATE OF variant_id, volume_ml on retailer_listings: the volume follows the variant. */
create or replace function private.set_listing_volume()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.volume_ml := (select v.size_ml * v.quantity from public.variants v where v.id = new.variant_id);
  return new;
end;
$$;
comment on function private.set_listing_volume() is 'Trigger: sets a listing''s volume_ml from its variant (null when unmatched), whatever the statement wrote.';
revoke execute on function private.set_listing_volume() from public;

/** AFTER UPDATE OF size_ml, quantity on variants: the variant's listings take its new volume. */
create or replace function private.variant_volume_to_listings()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.retailer_listings l set volume_ml = new.size_ml * new.quantity where l.variant_id = new.id;
  return null;
end;
$$;
comment on function private.variant_volume_to_listings() is 'Trigger: a variant''s new size or quantity reaches the volume_ml of its listings.';
revoke execute on function private.variant_volume_to_listings() from public;

create trigger set_volume before insert or update of variant_id, volume_ml on public.retailer_listings
  for each row execute function private.set_listing_volume();
create trigger volume_to_listings after update of size_ml, quantity on public.variants
  for each row when ((old.size_ml, old.quantity) is distinct from (new.size_ml, new.quantity))
  execute function private.variant_volume_to_listings();

-- ========== supabase/schemas/catalog/data_quality.sql ==========

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
        where f.deleted_at is not null) distinct_f;
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

-- ========== supabase/schemas/catalog/data.sql ==========

-- Rows the catalog's schema needs: currencies, olfactive families, the
-- data-quality checks, and the nightly data-quality job. `supabase db diff`
-- does not see rows: a change here goes into its migration by hand (the
-- schema-equality test in npm test fails until it does).

insert into public.currencies (code, name, minor_units) values
  ('EUR', 'Euro', 2), ('USD', 'US dollar', 2), ('GBP', 'Pound sterling', 2), ('CHF', 'Swiss franc', 2),
  ('SEK', 'Swedish krona', 2), ('PLN', 'Polish zloty', 2), ('CAD', 'Canadian dollar', 2),
  ('AUD', 'Australian dollar', 2), ('JPY', 'Japanese yen', 0), ('AED', 'UAE dirham', 2)
on conflict do nothing;

insert into public.olfactive_families (slug, name, description) values
  ('citrus', 'Citrus', 'Bright hesperidic notes: bergamot, lemon, orange, grapefruit.'),
  ('aromatic', 'Aromatic', 'Herbs and lavender; the backbone of many masculine fresh scents.'),
  ('aromatic-fougere', 'Aromatic Fougère', 'Lavender, coumarin and oakmoss, often modernized with ambroxan.'),
  ('floral', 'Floral', 'Flowers first: rose, jasmine, tuberose, iris.'),
  ('floral-fruity', 'Floral Fruity', 'Flowers with juicy fruit accents.'),
  ('amber', 'Amber', 'Warm resins, vanilla and spices (formerly "oriental").'),
  ('amber-floral', 'Amber Floral', 'Flowers over a warm ambery base.'),
  ('amber-spicy', 'Amber Spicy', 'Warm amber with pronounced spices.'),
  ('amber-woody', 'Amber Woody', 'Amber and woods, often with oud or incense.'),
  ('woody', 'Woody', 'Cedar, sandalwood, vetiver, patchouli.'),
  ('woody-aromatic', 'Woody Aromatic', 'Woods with herbs and fresh spices.'),
  ('chypre', 'Chypre', 'Citrus over a mossy, patchouli base.'),
  ('chypre-floral', 'Chypre Floral', 'A chypre structure with a floral heart.'),
  ('gourmand', 'Gourmand', 'Edible notes: vanilla, caramel, praline, coffee.'),
  ('aquatic', 'Aquatic', 'Marine, ozonic and watery notes.'),
  ('leather', 'Leather', 'Leather, suede and birch tar.'),
  ('green', 'Green', 'Cut grass, leaves, galbanum.')
on conflict do nothing;

insert into private.data_quality_checks (name, category, severity, description) values
  ('fragrance_without_notes', 'completeness', 'warn', 'A live fragrance has no note pyramid.'),
  ('fragrance_without_variants', 'completeness', 'warn', 'A live fragrance has no variant, so no offer can match it.'),
  ('fragrance_without_family', 'completeness', 'info', 'A live fragrance has no olfactive family.'),
  ('fragrance_without_description', 'completeness', 'info', 'A live fragrance has no description.'),
  ('fragrance_near_duplicate', 'uniqueness', 'warn', 'Two live fragrances of a brand and concentration differ only in spacing ("Light Blue" / "LightBlue").'),
  ('gtin_on_several_variants', 'uniqueness', 'error', 'Listings with one GTIN are matched to different variants.'),
  ('brand_alias_is_other_brand', 'uniqueness', 'error', 'An alias of one brand is the name of another brand.'),
  ('variant_size_implausible', 'validity', 'warn', 'A variant is over 1000 ml, or a full-size (retail/tester) bottle under 1 ml.'),
  ('listing_gtin_differs_from_variant', 'validity', 'error', 'A matched listing''s GTIN is not its variant''s GTIN.'),
  ('listing_matched_low_confidence', 'validity', 'warn', 'A listing matched by attributes with confidence under 0.85.'),
  ('listing_matched_to_deleted_fragrance', 'integrity', 'error', 'A matched listing points at a variant of a soft-deleted fragrance.'),
  ('variant_of_deleted_fragrance_on_sale', 'integrity', 'warn', 'A soft-deleted fragrance still has active matched listings.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('data-quality', 'Runs every catalog data-quality check and stores the results.', 'pg_cron catalog-data-quality, daily 03:17')
on conflict do nothing;

select cron.schedule('catalog-data-quality', '17 3 * * *', $$select private.run_pipeline('data-quality', 'private.run_data_quality_checks')$$);
