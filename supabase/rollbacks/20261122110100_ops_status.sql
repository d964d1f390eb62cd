-- Rollback of 20261122110100_ops_status.sql.
drop function if exists public.ops_status();
drop function if exists private.ops_status();
drop function if exists private.cron_period(text);
drop function if exists private.ops_level(numeric, jsonb);
delete from private.settings where key like 'ops\_%';
