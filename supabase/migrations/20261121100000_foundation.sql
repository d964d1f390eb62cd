-- Foundation: the extensions the project uses, the private schema, and the
-- shared updated_at trigger function.

-- Extensions live in `extensions`, as on hosted Supabase. Where a platform
-- installs one already (pg_cron, pg_stat_statements, vector through supautils,
-- or the local bootstrap), `if not exists` makes this a no-op.
create schema if not exists extensions;
create extension if not exists vector with schema extensions;       -- embeddings, HNSW
create extension if not exists pg_trgm with schema extensions;      -- fuzzy names, typo-tolerant search
create extension if not exists unaccent with schema extensions;     -- "Acqua di Giò" = "acqua di gio"
create extension if not exists btree_gist with schema extensions;   -- exclusion constraints on price history
create extension if not exists pgcrypto with schema extensions;     -- digest(), HMAC
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;                           -- schedules (schema cron)

-- Internals: queues, staging, security-definer helpers. Never exposed over the API.
create schema if not exists private;
comment on schema private is 'Internals (queues, staging, security-definer helpers); not exposed through the API.';
revoke all on schema private from public;

/** Sets updated_at on every UPDATE; attach with a BEFORE UPDATE trigger. */
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'BEFORE UPDATE trigger: stamps updated_at with now().';
revoke execute on function private.set_updated_at() from public;
