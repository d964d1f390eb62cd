-- Rollback of 20261202000000_foundation.sql: partition helpers, pipeline runs, the audit log,
-- settings, the table conventions, the private schema and the extensions this migration created.
drop function if exists private.ensure_monthly_partitions(regclass, integer, integer);
drop function if exists private.prevent_change();
drop function if exists private.run_pipeline(text, regproc, text);
drop function if exists private.record_pipeline_run(text, timestamptz, bigint, bigint, bigint, text, jsonb, text);
drop table if exists private.pipeline_runs;
drop table if exists private.pipelines;
drop table if exists private.audit_log;
drop table if exists private.settings;
drop function if exists private.audit_sensitive_change();
drop function if exists private.setting(text);
drop procedure if exists private.make_user_table(regclass, text, text[]);
drop procedure if exists private.make_catalog_table(regclass, text);
drop procedure if exists private.track_updates(regclass);
drop function if exists private.set_updated_at();
drop schema if exists private;

-- Drop only the extensions this migration created (owned by the migrating role). Platform-installed
-- ones (pg_cron, pg_stat_statements, and vector on the local stack; pgcrypto on hosted Supabase)
-- belong to the platform and stay.
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
