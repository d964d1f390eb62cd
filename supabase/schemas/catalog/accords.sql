-- Accords (the impressions a blend gives) and how strongly each shows in a fragrance.

create table public.accords (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint accords_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint accords_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name_normalized text generated always as (public.normalize_name(name)) stored,
  name_word_heads text[] generated always as (private.name_word_heads(name)) stored
);
comment on table public.accords is 'Impressions a blend gives: fresh spicy, amber, citrus, powdery, ...';
comment on column public.accords.id is 'Public identifier.';
comment on column public.accords.slug is 'Stable key, kebab-case.';
comment on column public.accords.name is 'Display name.';
comment on column public.accords.name_normalized is 'Denormalized: normalize_name(name), generated; the words search reads a query''s scent words against.';
comment on column public.accords.name_word_heads is 'Denormalized: private.name_word_heads(name), generated; the key a query''s scent words find the accord by.';
create index accords_name_word_heads_idx on public.accords using gin (name_word_heads);
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
create index fragrance_accords_accord_id_idx on public.fragrance_accords (accord_id, strength desc, fragrance_id);
call private.make_catalog_table('public.fragrance_accords',
  'exists (select from public.fragrances f where f.id = fragrance_id)');
