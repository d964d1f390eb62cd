-- Rows price alerts need: their settings, the sweep's pipeline entry and pg_cron job, and the notify
-- pipeline. `supabase db diff` does not see rows: a change here goes into its migration by hand (the
-- schema-equality test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('price_alerts_per_user', '50', 'Price alerts one user may hold (create_price_alert refuses more).'),
  ('price_alert_cooldown_hours', '24', 'A fired alert fires again for a new price event only after this many hours, unless the price is a new low.'),
  ('notification_visibility_timeout_seconds', '60', 'A notification claimed by notify is due again after this many seconds unless settled (a crashed call loses nothing).'),
  ('notification_retry_base_seconds', '30', 'First retry delay of a failed delivery; doubles with each attempt (capped at one hour).'),
  ('notification_max_attempts', '8', 'A notification that has failed this many times is dead-lettered with its last error.'),
  ('notification_webhook_http_hosts', '[]', 'Hosts a notification webhook may use plain http with (local development only; https everywhere else).')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('price-alerts', 'Evaluates every active price alert: the backstop of the evaluation each price batch runs.', 'pg_cron price-alerts, every 15 min'),
  ('notify', 'Delivers price-alert notifications to their owners'' webhooks, signed, with retries and a dead letter.', 'the notify function (pg_cron through pg_net on hosted Supabase, the local scheduler)')
on conflict do nothing;

select cron.schedule('price-alerts', '7-59/15 * * * *', $$select private.run_pipeline('price-alerts', 'private.sweep_price_alerts')$$);

-- The notify schedule, as the embed one (search/data.sql): on hosted Supabase pg_net calls the notify
-- function every 15 seconds while deliveries are due, with the project URL and service key kept in
-- Vault. Without pg_net (the local stack) there is no job here: `npm start` calls the function itself.
do $do$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_net')
     and exists (select 1 from pg_catalog.pg_extension where extname = 'supabase_vault') then
    perform cron.schedule('notify-alerts', '15 seconds', $cmd$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/notify',
        headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization',
                     'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := '{}'::jsonb,
        timeout_milliseconds := 55000)
      where exists (select 1 from public.alert_notifications where status in ('pending', 'sending', 'failed') and next_attempt_at <= now())
    $cmd$);
  else
    raise notice 'pg_net or Vault not installed: no notify schedule in the database; the local stack (npm start) calls the notify function every 15 s instead';
  end if;
end
$do$;
