-- Rollback of 20261121100000_foundation.sql.
drop function if exists private.set_updated_at();
drop schema if exists private;

-- Drop only the extensions this migration created (owned by the migrating
-- role). Platform-installed ones (pg_cron, pg_stat_statements, and vector on
-- the local stack) belong to the platform and stay.
do $$
declare
  ext text;
begin
  foreach ext in array array['vector', 'pg_trgm', 'unaccent', 'btree_gist', 'pgcrypto', 'pg_stat_statements'] loop
    if exists (select from pg_catalog.pg_extension e where e.extname = ext and e.extowner = current_user::regrole) then
      execute format('drop extension %I', ext);
    end if;
  end loop;
end
$$;
