-- Settings the pipelines read: one row per knob, read with private.setting(key).
-- Each concern's defaults are rows in its own data.sql; a change is audited
-- (foundation/audit_log.sql).

create table private.settings (
  key text primary key constraint settings_key_format check (key ~ '^[a-z0-9_]+$'),
  value jsonb not null,
  description text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.settings is 'Tunable thresholds of the pipelines (read with private.setting(key)).';
comment on column private.settings.key is 'Setting name.';
comment on column private.settings.value is 'Value as JSON (number, string, ...).';
comment on column private.settings.description is 'What it controls, and its unit.';
call private.track_updates('private.settings');

create or replace function private.setting(setting_key text)
returns jsonb
language sql
stable
set search_path = ''
as $$ select value from private.settings where key = setting_key $$;
comment on function private.setting(text) is 'The value of a private.settings row (null when absent).';
revoke execute on function private.setting(text) from public;
grant select on private.settings to service_role;
grant execute on function private.setting(text) to service_role;
