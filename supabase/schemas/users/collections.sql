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
