-- Rows user data needs: the event-partitions pipeline and its job. `supabase db diff` does not see rows: a change here goes into its
-- migration by hand (the schema-equality test in npm test fails until it does).

insert into private.pipelines (name, description, schedule) values
  ('event-partitions', 'Creates the monthly partitions of public.events ahead of time.', 'pg_cron event-partitions, daily 00:10')
on conflict do nothing;
select cron.schedule('event-partitions', '10 0 * * *', $$select private.run_pipeline('event-partitions', 'private.ensure_event_partitions')$$);

-- Every auth user has a profile (a project that had users before this schema gets theirs here).
insert into public.profiles (id) select id from auth.users on conflict do nothing;
