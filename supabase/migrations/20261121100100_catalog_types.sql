-- Catalog vocabulary: enums for closed domains, lookup tables for editorial
-- ones, the helper that makes a catalog table (RLS, grants, updated_at), and
-- two pure helpers (name normalization, GTIN checksum).

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

-- Pure helpers ----------------------------------------------------------------

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

-- The catalog table convention, in one place ------------------------------------

create or replace procedure private.track_updates(tbl regclass)
language plpgsql
set search_path = ''
as $$
begin
  execute format('comment on column %s.created_at is %L', tbl, 'When the row was created.');
  execute format('comment on column %s.updated_at is %L', tbl, 'When the row was last changed.');
  execute format('create trigger set_updated_at before update on %s for each row execute function private.set_updated_at()', tbl);
end;
$$;
comment on procedure private.track_updates(regclass) is
  'Documents a table''s created_at/updated_at columns and keeps updated_at current with a trigger.';
revoke execute on procedure private.track_updates(regclass) from public;

create or replace procedure private.make_catalog_table(tbl regclass, readable_when text default 'true')
language plpgsql
set search_path = ''
as $$
begin
  call private.track_updates(tbl);
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on %s from anon, authenticated', tbl);
  execute format('grant select on %s to anon, authenticated', tbl);
  execute format('grant select, insert, update, delete on %s to service_role', tbl);
  execute format('create policy "catalog is readable by everyone" on %s for select to anon, authenticated using (%s)', tbl, readable_when);
end;
$$;
comment on procedure private.make_catalog_table(regclass, text) is
  'Applies the catalog convention to a table: RLS on; anon and authenticated may only SELECT (rows where readable_when holds); only service_role writes; timestamps documented and updated_at maintained.';
revoke execute on procedure private.make_catalog_table(regclass, text) from public;

-- Lookup tables -------------------------------------------------------------------

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

insert into public.currencies (code, name, minor_units) values
  ('EUR', 'Euro', 2), ('USD', 'US dollar', 2), ('GBP', 'Pound sterling', 2), ('CHF', 'Swiss franc', 2),
  ('SEK', 'Swedish krona', 2), ('PLN', 'Polish zloty', 2), ('CAD', 'Canadian dollar', 2),
  ('AUD', 'Australian dollar', 2), ('JPY', 'Japanese yen', 0), ('AED', 'UAE dirham', 2)
on conflict do nothing;

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
