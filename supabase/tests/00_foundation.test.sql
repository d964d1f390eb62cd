-- Foundation: what the platform (hosted Supabase or the local bootstrap) and
-- the first migration provide.
begin;
\ir helpers.sql
select plan(26);

-- Roles as on hosted Supabase.
select ok(not (select rolsuper from pg_roles where rolname = 'postgres'), 'postgres is not a superuser');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls from pg_roles where rolname = 'anon'), 'anon does not bypass RLS');
select ok(not (select rolbypassrls from pg_roles where rolname = 'authenticated'), 'authenticated does not bypass RLS');
select ok(not (select rolcanlogin from pg_roles where rolname = 'anon'), 'anon cannot log in');
select ok(pg_has_role('authenticator', 'authenticated', 'member'), 'authenticator can become authenticated');

-- auth helpers read request.jwt.claims as PostgREST sets it.
select set_config('request.jwt.claims', '{"sub":"6f1c5e4a-2a51-4f3e-9d7e-1c2b3a4d5e6f","role":"authenticated","email":"a@example.com"}', true);
select is(auth.uid(), '6f1c5e4a-2a51-4f3e-9d7e-1c2b3a4d5e6f'::uuid, 'auth.uid() is the JWT sub');
select is(auth.role(), 'authenticated', 'auth.role() is the JWT role');
select is(auth.jwt() ->> 'email', 'a@example.com', 'auth.jwt() returns all claims');
select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'auth.uid() is null without claims');

-- Extensions.
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'vector'), 'extensions', 'vector lives in extensions');
select ok((select string_to_array(extversion, '.')::int[] >= '{0,8,0}' from pg_extension where extname = 'vector'), 'pgvector is 0.8 or newer');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_trgm'), 'extensions', 'pg_trgm lives in extensions');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'unaccent'), 'extensions', 'unaccent lives in extensions');
select has_extension('pg_cron', 'pg_cron is installed');
select ok('pg_cron' = any(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')), 'pg_cron is preloaded');
select ok('pg_stat_statements' = any(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')), 'pg_stat_statements is preloaded');

-- Platform pieces.
select ok(exists (select from pg_publication where pubname = 'supabase_realtime'), 'the supabase_realtime publication exists');
select is(current_setting('pgrst.db_schemas', true), 'public', 'pgrst.db_schemas names the exposed schemas');
select ok(exists (select from supabase_migrations.schema_migrations where name = 'foundation'), 'the CLI recorded the foundation migration');

-- private is not reachable by API roles.
-- API roles may call the few private helpers granted to them (basejump's pattern), but read no private table.
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm') and has_table_privilege('anon', c.oid, 'select')), 0,
  'anon can read no private table');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm')
             and (has_table_privilege('authenticated', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'insert'))), 0,
  'authenticated can read or write no private table');
select ok(not has_function_privilege('anon', 'private.set_updated_at()', 'execute'), 'anon cannot execute private.set_updated_at');

-- The shared updated_at trigger stamps updates.
create temporary table t (id int primary key, v text, updated_at timestamptz not null default '2000-01-01');
create trigger t_updated_at before update on t for each row execute function private.set_updated_at();
insert into t (id, v) values (1, 'a');
update t set v = 'b' where id = 1;
select is((select updated_at from t where id = 1), now(), 'private.set_updated_at stamps updated_at with now()');

-- Time-ordered ids: version 7, the time in the first 48 bits, so ids made later sort after.
create temporary table ids as select private.uuid_v7() as a, clock_timestamp() as at;
select pg_sleep(0.002);
insert into ids select private.uuid_v7(), clock_timestamp();
select ok((select bool_and(substr(a::text, 15, 1) = '7' and substr(a::text, 20, 1) in ('8', '9', 'a', 'b')) from ids)
          and (select count(distinct a) from ids) = 2,
  'private.uuid_v7 makes distinct version-7 uuids of the RFC 9562 variant');
select ok((select array_agg(a order by at) = array_agg(a order by a) from ids)
          and (select bool_and(abs(('x' || lpad(replace(substr(a::text, 1, 13), '-', ''), 16, '0'))::bit(64)::bigint
                                   - (extract(epoch from at) * 1000)::bigint) <= 1) from ids),
  'private.uuid_v7 starts with the Unix milliseconds it was made at, so a later id sorts after');

select * from finish();
rollback;
