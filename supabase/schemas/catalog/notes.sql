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
  updated_at timestamptz not null default now(),
  name_normalized text generated always as (public.normalize_name(name)) stored
);
comment on table public.notes is 'Raw materials and impressions a pyramid is written in: Bergamot (Citrus), Vetiver (Woods).';
comment on column public.notes.id is 'Public identifier.';
comment on column public.notes.family_id is 'The note''s family.';
comment on column public.notes.slug is 'Stable key, kebab-case.';
comment on column public.notes.name is 'Display name.';
comment on column public.notes.name_normalized is 'Denormalized: normalize_name(name), generated; the words search reads a query''s scent words against.';
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
create index fragrance_notes_note_id_idx on public.fragrance_notes (note_id, tier desc, position, fragrance_id);
call private.make_catalog_table('public.fragrance_notes',
  'exists (select from public.fragrances f where f.id = fragrance_id)');
