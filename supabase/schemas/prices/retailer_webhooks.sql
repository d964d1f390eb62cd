-- Each retailer's webhook signing secrets and rate limit: readable by the
-- owner only (no API role, not even service_role). A rotation is audited.

create table private.retailer_webhooks (
  retailer_id uuid primary key references public.retailers (id) on delete cascade,
  secret text not null constraint retailer_webhooks_secret_length check (length(secret) >= 16),
  previous_secret text constraint retailer_webhooks_previous_secret_length check (length(previous_secret) >= 16),
  previous_valid_until timestamptz,
  rate_limit_per_minute integer not null default 60 constraint retailer_webhooks_rate_limit_positive check (rate_limit_per_minute > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint retailer_webhooks_previous_has_expiry check ((previous_secret is null) = (previous_valid_until is null))
);
comment on table private.retailer_webhooks is 'Signing secrets and rate limits of each retailer''s price webhook. Granted to no API role; on hosted Supabase keep the secrets in Vault and this table in sync.';
comment on column private.retailer_webhooks.retailer_id is 'The retailer.';
comment on column private.retailer_webhooks.secret is 'Current HMAC-SHA256 signing secret.';
comment on column private.retailer_webhooks.previous_secret is 'The secret before the last rotation, still accepted until previous_valid_until.';
comment on column private.retailer_webhooks.previous_valid_until is 'End of the rotation grace period.';
comment on column private.retailer_webhooks.rate_limit_per_minute is 'Batches accepted per rolling minute; more get 429.';
call private.track_updates('private.retailer_webhooks');
create trigger audit_secret_rotation after update on private.retailer_webhooks for each row execute function private.audit_sensitive_change();
