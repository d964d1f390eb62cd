-- Local stack only: gives a plain PostgreSQL 15 what Supabase's image provides,
-- so the migrations run unchanged here and on hosted Supabase.
-- Applied by scripts/stack/cluster.mjs as the superuser `supabase_admin`, before
-- any migration, on every `npm start`. Idempotent.
-- The passwords below are the well-known local development ones that
-- `supabase start` also prints; they never leave this machine.

\set ON_ERROR_STOP on

-- Roles and database settings (also what a restore needs before pg_restore).
\ir roles.sql

-- Schemas ---------------------------------------------------------------------
create schema if not exists extensions;
alter schema extensions owner to postgres;
grant usage on schema extensions to anon, authenticated, service_role;

grant usage, create on schema public to postgres;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;

-- Extensions that need a superuser (hosted Supabase installs these through
-- supautils). The first migration names them too, with `if not exists`.
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists vector with schema extensions;
create extension if not exists pgtap with schema extensions;
create extension if not exists plpgsql_check with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;
-- pg_stat_statements grants its views to PUBLIC: statement texts are not for API roles.
revoke all on extensions.pg_stat_statements, extensions.pg_stat_statements_info from public;
grant select on extensions.pg_stat_statements, extensions.pg_stat_statements_info to postgres, service_role;
grant usage on schema cron to postgres;
grant all on all tables in schema cron to postgres;
grant all on all sequences in schema cron to postgres;
grant execute on all functions in schema cron to postgres;

-- auth: the part of GoTrue's schema that migrations and RLS policies use ------
create schema if not exists auth;
grant usage on schema auth to postgres, anon, authenticated, service_role;

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  aud text default 'authenticated',
  role text default 'authenticated',
  email text unique,
  phone text unique,
  raw_app_meta_data jsonb not null default '{}',
  raw_user_meta_data jsonb not null default '{}',
  is_anonymous boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
comment on table auth.users is 'Local stand-in for GoTrue''s auth.users (only the columns this project uses).';
grant all on auth.users to postgres, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
set search_path = ''
as $$
  select nullif(coalesce(current_setting('request.jwt.claim.sub', true), auth.jwt() ->> 'sub'), '')::uuid
$$;

create or replace function auth.role() returns text
language sql stable
set search_path = ''
as $$
  select nullif(coalesce(current_setting('request.jwt.claim.role', true), auth.jwt() ->> 'role'), '')
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role() to postgres, anon, authenticated, service_role;

-- storage: the tables of Supabase Storage that migrations and policies use ------
-- (buckets and objects with the columns of Supabase's image; the Storage API
-- itself, which serves the files, needs `supabase start` or a hosted project).
create schema if not exists storage authorization supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
set role supabase_storage_admin;
create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text
);
create unique index if not exists bname on storage.buckets using btree (name);
create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
comment on table storage.objects is 'Local stand-in for Supabase Storage''s storage.objects (the columns of its image).';
create or replace function storage.foldername(name text) returns text[] language plpgsql immutable as $$
begin
  return (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1];
end $$;
create or replace function storage.filename(name text) returns text language plpgsql immutable as $$
begin
  return (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)];
end $$;
create or replace function storage.extension(name text) returns text language plpgsql immutable as $$
begin
  return split_part(storage.filename(name), '.', array_length(string_to_array(storage.filename(name), '.'), 1));
end $$;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text) to postgres, anon, authenticated, service_role;
reset role;

-- Realtime publication ----------------------------------------------------------
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
alter publication supabase_realtime owner to postgres;
