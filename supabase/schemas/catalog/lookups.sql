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
