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

/**
 * The key a note's name is resolved by: normalize_name's words, each made singular by English
 * rules ("Red Berries" = "red berry", "Tonka Beans" = "tonka bean", "Peaches" = "peach"). Both
 * sides go through it, so an odd stem ("iris" -> "iri") still matches itself.
 */
create or replace function private.note_key(name text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select regexp_replace(regexp_replace(regexp_replace(public.normalize_name(name),
    '([a-z]{2})ies\M', '\1y', 'g'),          -- berries -> berry
    '(ch|sh|x|ss)es\M', '\1', 'g'),           -- peaches -> peach
    '([a-z]{2}[^su ])s\M', '\1', 'g')         -- beans -> bean (not moss, not citrus)
$$;
comment on function private.note_key(text) is 'Case-, accent- and plural-folded form of a note name: "Tonka Beans" -> "tonka bean". notes.name_key holds it.';
revoke execute on function private.note_key(text) from public;
grant execute on function private.note_key(text) to service_role;

create table public.notes (
  id uuid primary key default gen_random_uuid(),
  family_id uuid not null references public.note_families (id),
  slug text not null unique constraint notes_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null unique constraint notes_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  name_normalized text generated always as (public.normalize_name(name)) stored,
  parent_id uuid references public.notes (id),
  name_key text generated always as (private.note_key(name)) stored,
  name_word_heads text[] generated always as (private.name_word_heads(name)) stored,
  constraint notes_not_own_parent check (parent_id <> id)
);
comment on table public.notes is 'Raw materials and impressions a pyramid is written in: Bergamot (Citrus), Vetiver (Woods).';
comment on column public.notes.id is 'Public identifier.';
comment on column public.notes.family_id is 'The note''s family.';
comment on column public.notes.slug is 'Stable key, kebab-case.';
comment on column public.notes.name is 'Display name.';
comment on column public.notes.name_normalized is 'Denormalized: normalize_name(name), generated; the words search reads a query''s scent words against.';
comment on column public.notes.parent_id is 'The broader note this one is a kind of: Bergamot for Calabrian Bergamot, Rose for Rose Absolute; null for a root note.';
comment on column public.notes.name_key is 'Denormalized: private.note_key(name), generated; the form sources'' note names are resolved in (case, accents and plurals folded).';
create index notes_family_id_idx on public.notes (family_id);
create index notes_parent_id_idx on public.notes (parent_id);
comment on column public.notes.name_word_heads is 'Denormalized: private.name_word_heads(name), generated; the key a query''s scent words find the note by.';
create index notes_name_key_idx on public.notes (name_key);
create index notes_name_word_heads_idx on public.notes using gin (name_word_heads);
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

/**
 * Gives root notes that are a kind of another note their parent: the longest other note whose key
 * ends theirs ("Calabrian Bergamot" -> Bergamot), or theirs without a material word ("Rose
 * Absolute", "Vanilla Extract" -> Rose, Vanilla). Only the notes given (all when null); a note made
 * this way also takes its parent's family when it had the unclassified one. Set-based, by index
 * lookups of each note's word suffixes. Returns how many notes it linked.
 */
create or replace function private.link_note_parents(only_ids uuid[] default null)
returns integer
language sql
set search_path = ''
as $$
  with candidates as (
    select distinct on (n.id) n.id, p.id as parent_id, p.family_id
    from public.notes n
    cross join lateral (
      select array_to_string(w[k:], ' ') as key
      from (select string_to_array(n.name_key, ' ') as w) words, generate_series(2, cardinality(w)) as k
      union all
      select regexp_replace(n.name_key, ' (absolute|oil|essence|extract|accord|co2|resinoid|infusion|tincture)$', '')
      where n.name_key ~ ' (absolute|oil|essence|extract|accord|co2|resinoid|infusion|tincture)$'
    ) suffix
    join public.notes p on p.name_key = suffix.key and p.id <> n.id
    where n.parent_id is null and (only_ids is null or n.id = any(only_ids))
    order by n.id, length(suffix.key) desc
  ),
  linked as (
    update public.notes n
    set parent_id = c.parent_id,
        family_id = case when nf.slug = 'unclassified' then c.family_id else n.family_id end
    from candidates c, public.note_families nf
    where n.id = c.id and nf.id = n.family_id
    returning 1
  )
  select count(*)::int from linked
$$;
comment on function private.link_note_parents(uuid[]) is 'Links root notes (the given ones, or all) to the broader note each is a kind of (Calabrian Bergamot -> Bergamot); returns how many it linked.';
revoke execute on function private.link_note_parents(uuid[]) from public;
grant execute on function private.link_note_parents(uuid[]) to service_role;
