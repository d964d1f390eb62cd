-- Rows the price pipelines need: their settings, their entries in the
-- pipeline registry, and their pg_cron jobs. `supabase db diff` does not see
-- rows: a change here goes into its migration by hand (the schema-equality
-- test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('match_auto_threshold', '0.80', 'Attribute-match confidence at or above which a listing is matched without review.'),
  ('match_review_threshold', '0.50', 'Confidence at or above which the best candidate is queued for review (below: unmatched).'),
  ('match_min_margin', '0.05', 'An auto-match needs this lead over the runner-up candidate, else it goes to review.'),
  ('anomaly_jump_share', '0.50', 'Flag a price that moves more than this share against its 30-day median.'),
  ('anomaly_below_low_margin', '0.30', 'Flag a price this share below the listing''s 30-day low (fake discount or price error).'),
  ('anomaly_factor_tolerance', '0.10', 'How close the ratio to the median must be to 100 (currency slip) or 29.57 (per-oz vs per-ml) to call it a unit or currency error.'),
  ('plausible_per_100ml_base', '[1, 5000]', 'Per-100 ml prices (base currency) outside this range are flagged when there is no history to compare with.'),
  ('observation_horizon_days', '400', 'Observations older than this are rolled up into daily aggregates and their monthly partitions dropped.'),
  ('stale_after_intervals', '2', 'An offer is stale when its retailer has not confirmed it for this many expected update intervals.'),
  ('max_batch_rows', '20000', 'Largest number of offers one webhook call may carry.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('price-ingest', 'One retailer webhook batch: parse, match, convert, flag anomalies, observe, update current offers and history.', 'retailer webhook (ingest-prices)'),
  ('price-partitions', 'Creates the monthly partitions of price observations ahead of time.', 'pg_cron price-partitions, daily 00:05'),
  ('price-rollup', 'Rolls observation partitions older than the horizon into daily aggregates and drops them.', 'pg_cron price-rollup, daily 01:15'),
  ('price-freshness', 'Marks offers stale past their retailer''s SLA and opens freshness breaches.', 'pg_cron price-freshness, every 15 min')
on conflict do nothing;

select cron.schedule('price-partitions', '5 0 * * *', $$select private.run_pipeline('price-partitions', 'private.ensure_price_partitions')$$);
select cron.schedule('price-rollup', '15 1 * * *', $$select private.run_pipeline('price-rollup', 'private.rollup_price_observations')$$);
select cron.schedule('price-freshness', '*/15 * * * *', $$select private.run_pipeline('price-freshness', 'private.check_freshness')$$);
