-- The extensions the project uses and the schemas every concern builds on.
-- Extensions live in `extensions`, as on hosted Supabase. Where a platform
-- installs one already (pg_cron, pg_stat_statements, vector through supautils,
-- or the local bootstrap), `if not exists` makes this a no-op.

create schema if not exists extensions;
create extension if not exists vector with schema extensions;       -- embeddings, HNSW
create extension if not exists pg_trgm with schema extensions;      -- fuzzy names, typo-tolerant search
create extension if not exists fuzzystrmatch with schema extensions; -- levenshtein(): one-letter misspellings of a name in catalog imports
create extension if not exists unaccent with schema extensions;     -- "Acqua di Giò" = "acqua di gio"
create extension if not exists btree_gist with schema extensions;   -- exclusion constraints over scalar keys (price history's went to triggers)
create extension if not exists pgcrypto with schema extensions;     -- digest(), HMAC
create extension if not exists pg_stat_statements with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;      -- schedules (schema cron)

-- Internals: queues, staging, security-definer helpers. Never exposed over the API.
create schema if not exists private;
comment on schema private is 'Internals (queues, staging, security-definer helpers); not exposed through the API.';
revoke all on schema private from public;
-- service_role reads internals through RPCs and the tables granted to it.
grant usage on schema private to service_role;
-- API roles may call the private helpers granted to them, and nothing else in `private`.
grant usage on schema private to anon, authenticated;
