-- Rollback of 20261122100100_embedding_queue.sql.
select cron.unschedule(jobid) from cron.job where jobname = 'embed-fragrances';
drop function if exists private.embedding_progress();
drop function if exists private.set_embedding_model(text);
drop function if exists private.retry_dead_embedding_jobs();
drop function if exists private.fail_embedding_jobs(bigint[], text);
drop function if exists private.complete_embedding_jobs(jsonb, text);
drop function if exists private.claim_embedding_jobs(integer, text);
drop trigger if exists enqueue_on_insert on public.fragrance_documents;
drop trigger if exists enqueue_on_update on public.fragrance_documents;
drop function if exists private.fragrance_documents_enqueue();
drop function if exists private.enqueue_embeddings(uuid[]);
drop table if exists private.embedding_jobs;
drop table if exists public.fragrance_embeddings;
delete from private.settings where key in
  ('embedding_model', 'embedding_visibility_timeout_seconds', 'embedding_retry_base_seconds', 'embedding_max_attempts');
