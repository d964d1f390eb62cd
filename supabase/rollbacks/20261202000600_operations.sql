-- Rollback of 20261202000600_operations.sql: ops_status and its thresholds.
drop function if exists public.ops_status();
drop function if exists private.ops_status();
drop function if exists private.cron_period(text);
drop function if exists private.ops_level(numeric, jsonb);
delete from private.settings where key like 'ops\_%';
