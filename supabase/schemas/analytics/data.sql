-- Rows analytics needs: the days of dim_date, the event retention setting,
-- the pipeline registry entries and the pg_cron jobs that roll up events and
-- refresh the views. `supabase db diff` does not see rows: a change here goes
-- into its migration by hand (the schema-equality test in npm test fails until it does).

insert into analytics.dim_date (date_key, date, year, quarter, month, iso_week, day_of_week, is_weekend)
select to_char(d, 'YYYYMMDD')::int, d, extract(year from d), extract(quarter from d), extract(month from d),
       extract(week from d), extract(isodow from d), extract(isodow from d) in (6, 7)
from generate_series(date '2020-01-01', date '2040-12-31', interval '1 day') as g(t), lateral (select t::date as d) x;

insert into private.settings (key, value, description) values
  ('event_retention_days', '400', 'Monthly partitions of public.events wholly older than this are rolled up into analytics.event_daily and dropped.')
on conflict do nothing;
insert into private.pipelines (name, description, schedule) values
  ('mv-refresh', 'Refreshes one materialized view (subject: the view).', 'pg_cron, one job per view'),
  ('event-rollup', 'Rolls event partitions older than event_retention_days into analytics.event_daily and drops them.', 'pg_cron event-rollup, daily 01:25'),
  ('affiliate-ctr', 'Recomputes the days of analytics.affiliate_ctr_daily that can have changed (since the day before its last, and days backdated inserts marked).', 'pg_cron affiliate-ctr, hourly at :09'),
  ('price-facts', 'Recomputes analytics.fact_price_daily and price_index_daily where they can have changed (days observations were inserted for, listings whose variant changed).', 'pg_cron price-facts, hourly at :19')
on conflict do nothing;

select cron.schedule('event-rollup', '25 1 * * *', $$select private.run_pipeline('event-rollup', 'private.rollup_events')$$);
select cron.schedule('affiliate-ctr', '9 * * * *', $$select private.run_pipeline('affiliate-ctr', 'private.rollup_affiliate_ctr')$$);
select cron.schedule('price-facts', '19 * * * *', $$select private.run_pipeline('price-facts', 'private.rollup_price_facts')$$);
select cron.schedule(format('refresh-%s', v.name), v.schedule, format($$select private.refresh_materialized_view('analytics.%s')$$, v.name))
from (values ('recommendation_daily', '7 * * * *'), ('onboarding_funnel', '11 * * * *'),
             ('fact_click_daily', '13 * * * *'), ('collection_pairs', '30 2 * * *'), ('family_affinity', '35 2 * * *'),
             ('dim_fragrance', '45 2 * * *'), ('dim_retailer', '46 2 * * *')) as v(name, schedule);
