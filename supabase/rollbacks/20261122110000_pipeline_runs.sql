-- Rollback of 20261122110000_pipeline_runs.sql: the cron jobs call their steps directly again.
select cron.schedule('catalog-data-quality', '17 3 * * *', 'select private.run_data_quality_checks()');
select cron.schedule('price-partitions', '5 0 * * *', 'select private.ensure_price_partitions()');
select cron.schedule('price-rollup', '15 1 * * *', 'select private.rollup_price_observations()');
select cron.schedule('price-freshness', '*/15 * * * *', 'select private.check_freshness()');
drop trigger if exists ingest_batches_record_run on private.ingest_batches;
drop function if exists private.ingest_batches_record_run();
drop function if exists private.refresh_materialized_view(regclass);
drop function if exists private.run_pipeline(text, regproc, text);
drop function if exists private.record_pipeline_run(text, timestamptz, bigint, bigint, bigint, text, jsonb, text);
drop table if exists private.pipeline_runs;
drop table if exists private.pipelines;
