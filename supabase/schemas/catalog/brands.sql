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
-- A brand written with other spacing ("Viktor&Rolf" / "Viktor & Rolf", "Mont Blanc"): one index lookup.
create index brands_name_compact_idx on public.brands (replace(name_normalized, ' ', ''));
comment on index public.brands_name_compact_idx is 'Catalog import: a brand by its name without spaces.';
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
