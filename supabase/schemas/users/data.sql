-- Rows user data needs: rate limits, the event-partitions pipeline, and the jobs.
-- `supabase db diff` does not see rows: a change here goes into its migration by
-- hand (the schema-equality test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('events_per_minute_per_session', '120', 'Anonymous events one session may log per minute (PT429 over it).'),
  ('events_per_minute_per_user', '300', 'Events one signed-in user may log per minute (PT429 over it).'),
  ('anonymous_events_per_minute', '6000', 'Anonymous events all sessions together may log per minute: a bound on what rotating session ids can write.'),
  ('clicks_per_minute', '30', 'Affiliate clicks one user or session (or all session-less anonymous callers) may record per minute.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('event-partitions', 'Creates the monthly partitions of public.events ahead of time.', 'pg_cron event-partitions, daily 00:10')
on conflict do nothing;
select cron.schedule('rate-limit-expiry', '41 * * * *', 'select private.expire_rate_limits()');
select cron.schedule('event-partitions', '10 0 * * *', $$select private.run_pipeline('event-partitions', 'private.ensure_event_partitions')$$);

-- Every auth user has a profile (a project that had users before this schema gets theirs here).
insert into public.profiles (id) select id from auth.users on conflict do nothing;
