-- Collections: a user's fragrances as owned, wishlist, tried or disliked, with ratings.

create table public.collection_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  status public.collection_status not null,
  rating smallint constraint collection_entries_rating_range check (rating between 1 and 5),
  note text constraint collection_entries_note_length check (length(note) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint collection_entries_one_per_fragrance unique (user_id, fragrance_id)
);
comment on table public.collection_entries is 'A fragrance in a user''s collection: owned, wishlist, tried or disliked, with an optional rating and note.';
comment on column public.collection_entries.id is 'Public identifier.';
comment on column public.collection_entries.user_id is 'Owner (defaults to the caller).';
comment on column public.collection_entries.fragrance_id is 'The fragrance.';
comment on column public.collection_entries.status is 'owned, wishlist, tried or disliked.';
comment on column public.collection_entries.rating is 'Rating 1 to 5 (optional).';
comment on column public.collection_entries.note is 'Free note, up to 2,000 characters.';
create index collection_entries_fragrance_id_idx on public.collection_entries (fragrance_id);
call private.make_user_table('public.collection_entries');

/** The caller's collection, newest first, each entry with the fragrance's name, brand and concentration. */
create or replace function public.my_collection()
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, concentration public.concentration,
  status public.collection_status, rating smallint, note text, updated_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  -- runs as the caller: RLS shows only their own entries
  select c.fragrance_id, f.slug, f.name, b.name, f.concentration, c.status, c.rating, c.note, c.updated_at
  from public.collection_entries c
  join public.fragrances f on f.id = c.fragrance_id
  join public.brands b on b.id = f.brand_id
  where c.user_id = (select auth.uid())
  order by c.updated_at desc, f.name
$$;
comment on function public.my_collection() is
  'The caller''s collection (owned, wishlist, tried, disliked), newest first, with each fragrance''s name and brand. Signed-in users only.';
revoke execute on function public.my_collection() from public, anon;
grant execute on function public.my_collection() to authenticated, service_role;

/** Puts a fragrance in the caller's collection, or changes its entry; returns the entry. */
create or replace function public.save_to_collection(
  fragrance_id uuid, status public.collection_status, rating smallint default null, note text default null
)
returns public.collection_entries
language sql
set search_path = ''
as $$
  -- runs as the caller: RLS and the table's checks (rating 1-5, note <= 2,000 characters) apply
  insert into public.collection_entries as c (user_id, fragrance_id, status, rating, note)
  values ((select auth.uid()), save_to_collection.fragrance_id, save_to_collection.status, save_to_collection.rating, save_to_collection.note)
  on conflict (user_id, fragrance_id) do update
    set status = excluded.status, rating = excluded.rating, note = excluded.note
  returning c.*
$$;
comment on function public.save_to_collection(uuid, public.collection_status, smallint, text) is
  'Adds a fragrance to the caller''s collection or updates its entry (status, rating 1-5, note); returns the entry. Signed-in users only.';
revoke execute on function public.save_to_collection(uuid, public.collection_status, smallint, text) from public, anon;
grant execute on function public.save_to_collection(uuid, public.collection_status, smallint, text) to authenticated, service_role;
