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
  image_path text constraint fragrances_image_path_format
    check (image_path ~ '^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*\.(jpg|jpeg|png|webp|avif)$' and length(image_path) <= 512),
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
comment on constraint fragrances_image_path_format on public.fragrances is 'must be an object path in the fragrance-images bucket: lower-case segments, ending .jpg, .jpeg, .png, .webp or .avif, at most 512 characters';
comment on column public.fragrances.image_path is 'Its image: the object path in the public fragrance-images Storage bucket (catalog/images.sql), e.g. dior/sauvage-edp.webp; null without one.';
comment on column public.fragrances.deleted_at is 'Soft delete: when set, the fragrance is hidden from API roles and kept for history.';

create unique index fragrances_identity_unique on public.fragrances (brand_id, name_normalized, concentration) where deleted_at is null;
comment on index public.fragrances_identity_unique is 'A brand has one live fragrance per normalized name and concentration.';
create index fragrances_brand_id_idx on public.fragrances (brand_id);
create index fragrances_line_id_idx on public.fragrances (line_id, brand_id);
create index fragrances_family_slug_idx on public.fragrances (family_slug);
-- (a new user's recommendations read the catalog in this order: private.recommendations_cold_start)
create index fragrances_launch_order_idx on public.fragrances (launch_year, name, id) where deleted_at is null;
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
