-- Perfumers (noses); who composed which fragrance is public.fragrance_perfumers (fragrances.sql).

create table public.perfumers (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint perfumers_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint perfumers_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name_normalized text generated always as (public.normalize_name(name)) stored
);
comment on table public.perfumers is 'Noses who compose fragrances.';
comment on column public.perfumers.id is 'Public identifier.';
comment on column public.perfumers.slug is 'URL key, kebab-case, unique.';
comment on column public.perfumers.name is 'Display name.';
comment on column public.perfumers.name_normalized is 'Denormalized: normalize_name(name), generated; the form a catalog import resolves perfumers'' names in.';
create index perfumers_name_normalized_idx on public.perfumers (name_normalized);
call private.make_catalog_table('public.perfumers');
