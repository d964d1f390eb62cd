-- Rollback of 20261122100400_search_log.sql.
select cron.unschedule(jobid) from cron.job where jobname = 'search-cache-expiry';
drop function if exists private.log_search_click(bigint, uuid);
drop table if exists private.search_clicks;
drop table if exists private.search_queries;
drop table if exists private.query_embeddings;
delete from private.settings where key = 'query_embedding_ttl_hours';
