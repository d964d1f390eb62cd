-- Rows operations needs: the thresholds of ops_status. `supabase db diff` does not see rows: a change here goes into its
-- migration by hand (the schema-equality test in npm test fails until it does).

insert into private.settings (key, value, description) values
  ('ops_queue_oldest_minutes', '{"warn": 10, "critical": 60}', 'ops_status embedding_queue: age in minutes of the oldest queued embedding job.'),
  ('ops_dead_jobs', '{"warn": 1, "critical": 100}', 'ops_status dead_letter: dead-lettered embedding jobs.'),
  ('ops_window_hours', '24', 'ops_status cron and pipelines: failures within this many hours warn.'),
  ('ops_cron_stuck_minutes', '60', 'ops_status cron: a pg_cron run still running after this many minutes warns.'),
  ('ops_mv_age_minutes', '{"warn": 120, "critical": 1440}', 'ops_status materialized_views: minutes since the last successful refresh.'),
  ('ops_data_quality_max_age_hours', '48', 'ops_status data_quality: no quality run for this many hours warns.'),
  ('ops_query_mean_ms', '{"warn": 500, "critical": 5000}', 'ops_status slow_queries: mean execution time in ms of a statement among the top 5 by total time.'),
  ('ops_connections_share', '{"warn": 0.7, "critical": 0.9}', 'ops_status connections: share of max_connections (less reserved) in use.'),
  ('ops_database_bytes', '{"warn": 6442450944, "critical": 7516192768}', 'ops_status database_size: database size in bytes (6 and 7 GiB: set it to your plan''s disk).'),
  ('ops_anomalies_pending', '{"warn": 1, "critical": 100}', 'ops_status price_anomalies: prices held for review and not yet approved or rejected.'),
  ('ops_anomaly_age_hours', '{"warn": 24, "critical": 72}', 'ops_status price_anomalies: hours the oldest held price has waited for review.'),
  ('ops_embeddings_stale_share', '{"warn": 0.01, "critical": 0.10}', 'ops_status embeddings: share of documents with no current embedding (missing, other model or old content hash).'),
  ('ops_notifications_dead', '{"warn": 1, "critical": 100}', 'ops_status notifications: price-alert notifications dead-lettered (not yet delivered) after every retry.'),
  ('ops_notification_wait_minutes', '{"warn": 15, "critical": 120}', 'ops_status notifications: minutes the oldest notification of a user with a webhook has waited for delivery.')
on conflict do nothing;
