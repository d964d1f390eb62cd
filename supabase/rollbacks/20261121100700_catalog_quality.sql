-- Rollback of 20261121100700_catalog_quality.sql.
select cron.unschedule(jobid) from cron.job where jobname = 'catalog-data-quality';
drop function if exists public.data_quality_report();
revoke usage on schema private from service_role;
drop function if exists private.run_data_quality_checks();
drop table if exists private.data_quality_results;
drop view if exists private.data_quality_failures;
drop table if exists private.data_quality_checks;
drop type if exists public.check_severity;
