-- Rollback of 20261202000300_search.sql: documents, embeddings and their queue, search, similar
-- fragrances, the search log, their settings and jobs.
select cron.unschedule(jobid) from cron.job where jobname in ('search-cache-expiry', 'embed-fragrances');
delete from private.pipeline_runs where pipeline = 'embed';
delete from private.pipelines where name = 'embed';
delete from private.settings where key in ('embedding_model', 'embedding_visibility_timeout_seconds', 'embedding_retry_base_seconds',
  'embedding_max_attempts', 'similar_cache_size', 'query_embedding_ttl_hours');
drop function if exists public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer);
drop function if exists private.estimated_embeddings(text[]);
drop function if exists private.log_search_click(bigint, uuid);
drop table if exists private.search_clicks;
drop table if exists private.search_queries;
drop table if exists private.query_embeddings;
drop function if exists private.refresh_similar_cache(integer);
drop function if exists public.similar_fragrances(uuid, integer);
drop function if exists public.similar_fragrances_live(uuid, integer);
drop table if exists public.similar_fragrances_cache;
drop function if exists private.embedding_progress();
drop function if exists private.set_embedding_model(text);
drop function if exists private.retry_dead_embedding_jobs();
drop function if exists private.fail_embedding_jobs(bigint[], text);
drop function if exists private.complete_embedding_jobs(jsonb, text);
drop function if exists private.claim_embedding_jobs(integer, text);
drop table if exists private.embedding_jobs;
drop table if exists public.fragrance_embeddings;
-- The document's own triggers go with the table.
drop table if exists public.fragrance_documents;
drop table if exists public.fragrance_name_words;
drop function if exists private.invalidate_similar_cache();
drop function if exists private.embedding_facets_from_document();
drop function if exists private.document_facets_to_embeddings();
drop function if exists private.fragrance_documents_enqueue();
drop function if exists private.enqueue_embeddings(uuid[]);
-- The catalog's document triggers go with their function.
drop function if exists private.fragrance_documents_changed() cascade;
drop procedure if exists private.track_document_source(regclass, text, boolean);
drop function if exists private.refresh_fragrance_documents(uuid[]);
drop view if exists private.fragrance_document_source;
drop function if exists private.fragrance_facets(public.gender, text, uuid, public.concentration);
drop function if exists private.unaccent_text(text);
drop function if exists public.concentration_label(public.concentration);
