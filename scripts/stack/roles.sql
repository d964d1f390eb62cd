-- The cluster-wide part of the bootstrap: Supabase's roles and the settings of
-- the `postgres` database. Included by bootstrap.sql; applied alone (as
-- supabase_admin) by `npm run restore` before it restores a dump, which holds
-- everything else. Idempotent.

\set ON_ERROR_STOP on

-- Roles ---------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_storage_admin') then
    create role supabase_storage_admin;
  end if;
end
$$;

-- As on hosted Supabase, `postgres` is not a superuser: it owns the project's
-- objects and runs the migrations.
alter role postgres with login nosuperuser createdb createrole replication bypassrls password 'postgres';
alter role anon with nologin noinherit;
alter role authenticated with nologin noinherit;
alter role service_role with nologin noinherit bypassrls;
alter role authenticator with login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
-- Storage's tables belong to supabase_storage_admin; postgres acts for it (policies on storage.objects).
alter role supabase_storage_admin with nologin noinherit;
grant supabase_storage_admin to postgres;
grant pg_monitor, pg_signal_backend to postgres;

alter database postgres owner to postgres;
alter role postgres set search_path = "$user", public, extensions;
-- Which schemas PostgREST exposes; `supabase db advisors` reads it.
alter database postgres set pgrst.db_schemas = 'public';

