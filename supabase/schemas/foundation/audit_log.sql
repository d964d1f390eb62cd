-- Sensitive changes, written by triggers and by the GDPR functions: data
-- exports, account erasures, retailer secret rotations, settings changes.
create table private.audit_log (
  id bigint generated always as identity primary key,
  actor uuid,
  action text not null constraint audit_log_action_format check (action ~ '^[a-z_.]+$'),
  details jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.audit_log is 'Sensitive changes: data exports, account erasures, secret rotations, settings changes. Holds no secret; an erased user''s rows lose their actor.';
comment on column private.audit_log.id is 'Entry number.';
comment on column private.audit_log.actor is 'The user who acted (null: a service or an erased account).';
comment on column private.audit_log.action is 'What happened (account.export, account.erase, webhook.secret_rotated, setting.changed).';
comment on column private.audit_log.details is 'What changed (never a secret, never the erased user''s data).';
comment on column private.audit_log.occurred_at is 'When.';
create index audit_log_actor_idx on private.audit_log (actor);
create index audit_log_occurred_at_idx on private.audit_log (occurred_at);
call private.track_updates('private.audit_log');
grant select on private.audit_log to service_role;

/** Audits changes of retailer secrets and settings (without the secret values). */
create or replace function private.audit_sensitive_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'retailer_webhooks' then
    if new.secret is distinct from old.secret or new.previous_valid_until is distinct from old.previous_valid_until then
      insert into private.audit_log (actor, action, details)
      values (auth.uid(), 'webhook.secret_rotated',
              jsonb_build_object('retailer_id', new.retailer_id, 'previous_valid_until', new.previous_valid_until, 'by', current_user));
    end if;
  elsif new.value is distinct from old.value then
    insert into private.audit_log (actor, action, details)
    values (auth.uid(), 'setting.changed', jsonb_build_object('key', new.key, 'from', old.value, 'to', new.value, 'by', current_user));
  end if;
  return null;
end;
$$;
comment on function private.audit_sensitive_change() is 'AFTER UPDATE trigger on private.retailer_webhooks and private.settings: writes private.audit_log.';
revoke execute on function private.audit_sensitive_change() from public;
create trigger audit_setting_change after update on private.settings for each row execute function private.audit_sensitive_change();
