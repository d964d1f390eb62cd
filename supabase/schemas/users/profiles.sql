-- Profiles, made when an auth user appears, and private.require_user(), which
-- every user RPC calls first.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text constraint profiles_display_name_length check (length(display_name) between 1 and 80),
  home_currency text not null default 'EUR' references public.currencies (code),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'One per auth user, created by a trigger on auth.users; the owner reads and edits it.';
comment on column public.profiles.id is 'The auth user''s id.';
comment on column public.profiles.display_name is 'Name shown in the app (optional).';
comment on column public.profiles.home_currency is 'Currency prices are shown in.';
create index profiles_home_currency_idx on public.profiles (home_currency);
call private.make_user_table('public.profiles', 'id', array['select', 'update']);

/** Creates the profile of a new auth user (security definer: the auth service inserts users, not the project's roles). */
create or replace function private.create_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, display_name)
  values (new.id, nullif(left(btrim(coalesce(new.raw_user_meta_data ->> 'display_name', new.raw_user_meta_data ->> 'name', '')), 80), ''))
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.create_profile() is 'AFTER INSERT trigger on auth.users: creates the public.profiles row.';
revoke execute on function private.create_profile() from public;
create trigger create_profile after insert on auth.users for each row execute function private.create_profile();

/** The caller's user id, or 42501 when the request is not signed in. */
create or replace function private.require_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'sign in first: this needs an authenticated user' using errcode = '42501';
  end if;
  return auth.uid();
end;
$$;
comment on function private.require_user() is 'auth.uid(), or raises 42501 when there is none.';
revoke execute on function private.require_user() from public;
