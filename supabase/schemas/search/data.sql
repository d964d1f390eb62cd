-- Rows the search pipelines need: their settings, their entries in the
-- pipeline registry, and their pg_cron jobs. `supabase db diff` does not see
-- rows: a change here goes into its migration by hand (the schema-equality
-- test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('embedding_model', '"use-lite-512"', 'Model whose vectors search uses; the embed function must run the same model. Change it with private.set_embedding_model(), which re-embeds everything.'),
  ('embedding_visibility_timeout_seconds', '120', 'A claimed job becomes claimable again after this many seconds unless completed or failed (a crashed worker loses nothing).'),
  ('embedding_retry_base_seconds', '10', 'First retry delay of a failed job; doubles with each attempt (capped at one hour).'),
  ('embedding_max_attempts', '5', 'A job that has failed this many times is dead-lettered with its last error.'),
  ('similar_cache_size', '20', 'Neighbours cached per fragrance; similar_fragrances(k) for a larger k is computed live.'),
  ('query_embedding_ttl_hours', '168', 'How long a cached query embedding is reused before the provider is asked again.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('embed', 'Embeds queued fragrance documents and refills the similar-fragrances cache.', 'pg_cron every 10 s through pg_net (hosted), the local scheduler (npm start)')
on conflict do nothing;

select cron.schedule('search-cache-expiry', '23 * * * *', 'delete from private.query_embeddings where expires_at < now()');

-- The schedule. On hosted Supabase pg_net calls the embed function every ten
-- seconds while jobs are waiting, with the project URL and service key kept in
-- Vault (secrets 'project_url' and 'service_role_key'). Without pg_net (the
-- local stack) there is no job here: `npm start` calls the function itself.
do $do$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net')
     and exists (select 1 from pg_catalog.pg_extension where extname = 'supabase_vault') then
    perform cron.schedule('embed-fragrances', '10 seconds', $cmd$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/embed',
        headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization',
                     'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := '{}'::jsonb,
        timeout_milliseconds := 55000)
      where exists (select 1 from private.embedding_jobs where status = 'queued' and visible_at <= now())
    $cmd$);
  else
    raise notice 'pg_net or Vault not installed: no embed schedule in the database; the local stack (npm start) calls the embed function every 10 s instead';
  end if;
end
$do$;
