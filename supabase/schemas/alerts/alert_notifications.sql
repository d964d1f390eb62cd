-- The notification outbox: one row per alert fired for a price event, owner-readable and published
-- on Realtime, delivered by the `notify` edge function to the webhook URL its owner registered
-- (signed like our own webhook: X-Signature t=<unix>,v1=<HMAC-SHA256 of "t.body">), with retries,
-- exponential backoff and a dead letter. The unique (alert, event) pair is the idempotency: a user is
-- never told twice about the same price event; the row id is the Idempotency-Key of its delivery.

create table public.alert_notifications (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  alert_id uuid not null references public.price_alerts (id) on delete cascade,
  event bigint not null,
  payload jsonb not null,
  status text not null default 'pending' constraint alert_notifications_status_known
    check (status in ('pending', 'sending', 'delivered', 'failed', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint alert_notifications_once_per_event unique (alert_id, event)
);
comment on table public.alert_notifications is 'Outbox of fired price alerts: owner-readable, on Realtime (supabase_realtime), delivered by the notify function to the owner''s webhook with retries and a dead letter.';
comment on column public.alert_notifications.id is 'Notification id: the Idempotency-Key of its delivery.';
comment on column public.alert_notifications.user_id is 'Owner (the alert''s).';
comment on column public.alert_notifications.alert_id is 'The alert that fired.';
comment on column public.alert_notifications.event is 'The price event it is about (the public.price_history range that began it).';
comment on column public.alert_notifications.payload is 'What the user is told: the fragrance, the variant, the retailer and its URL, the price in the alert''s currency.';
comment on column public.alert_notifications.status is 'pending, sending (claimed by notify), delivered, failed (retried at next_attempt_at) or dead (given up after notification_max_attempts).';
comment on column public.alert_notifications.attempts is 'Delivery attempts so far.';
comment on column public.alert_notifications.next_attempt_at is 'When notify may (re)try it; while sending, when a lost claim expires.';
comment on column public.alert_notifications.last_error is 'Why the last attempt failed (HTTP status or network error; never a secret).';
comment on column public.alert_notifications.delivered_at is 'When the webhook answered 2xx.';
create index alert_notifications_user_idx on public.alert_notifications (user_id, id desc);
create index alert_notifications_due_idx on public.alert_notifications (next_attempt_at) where status in ('pending', 'sending', 'failed');
call private.make_user_table('public.alert_notifications', 'user_id', array['select']);
alter publication supabase_realtime add table public.alert_notifications;

-- Where a user's notifications go, and the secret they are signed with (never readable back).
create table private.notification_webhooks (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  url text not null constraint notification_webhooks_url_http check (url ~ '^https?://[^\s/]+[^\s]*$' and length(url) <= 2048),
  secret text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.notification_webhooks is 'Each user''s notification webhook: the URL and the signing secret (shown once, when set).';
comment on column private.notification_webhooks.user_id is 'Owner.';
comment on column private.notification_webhooks.url is 'Where notify POSTs; https, or http to a host listed in the notification_webhook_http_hosts setting (local development).';
comment on column private.notification_webhooks.secret is 'HMAC-SHA256 key of X-Signature; returned once by set_notification_webhook.';
call private.track_updates('private.notification_webhooks');
grant select on private.notification_webhooks to service_role;

/** Registers (or replaces) the caller's webhook; returns the new signing secret, shown only here. */
create or replace function private.set_notification_webhook(url text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  host text := substring(url from '^https?://(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)');
  secret text := 'whsec_' || encode(extensions.gen_random_bytes(24), 'hex');
begin
  if url is null or url !~ '^https?://[^\s/]+[^\s]*$' or length(url) > 2048 then
    raise exception 'url must be an http(s) URL without spaces, at most 2,048 characters' using errcode = '22023';
  end if;
  if url !~* '^https://' and not coalesce(private.setting('notification_webhook_http_hosts') ? lower(host), false) then
    raise exception 'url must be https' using errcode = '22023';
  end if;
  insert into private.notification_webhooks as w (user_id, url, secret) values (me, url, secret)
  on conflict (user_id) do update set url = excluded.url, secret = excluded.secret;
  return secret;
end;
$$;
comment on function private.set_notification_webhook(text) is 'Sets auth.uid()''s notification webhook (see public.set_notification_webhook).';
revoke execute on function private.set_notification_webhook(text) from public;
grant execute on function private.set_notification_webhook(text) to authenticated;

create or replace function public.set_notification_webhook(url text)
returns text
language sql
set search_path = ''
as $$ select private.set_notification_webhook(url) $$;
comment on function public.set_notification_webhook(text) is
  'Registers the caller''s webhook for price-alert notifications (https) and returns its signing secret, shown only now: each delivery carries X-Signature t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> and Idempotency-Key. Calling again replaces URL and secret. Signed-in users only.';
revoke execute on function public.set_notification_webhook(text) from public, anon;
grant execute on function public.set_notification_webhook(text) to authenticated;

/** The caller's notifications, newest first, paged by id (pass the last id seen as before_id). */
create or replace function public.my_alert_notifications(page_size integer default 50, before_id bigint default null)
returns setof public.alert_notifications
language sql
stable
set search_path = ''
as $$
  -- runs as the caller: RLS shows only their own
  select n.* from public.alert_notifications n
  where n.user_id = (select auth.uid()) and (before_id is null or n.id < before_id)
  order by n.id desc
  limit least(greatest(page_size, 1), 200)
$$;
comment on function public.my_alert_notifications(integer, bigint) is 'The caller''s price-alert notifications, newest first (page_size 1-200, before_id for the next page). Signed-in users only.';
revoke execute on function public.my_alert_notifications(integer, bigint) from public, anon;
grant execute on function public.my_alert_notifications(integer, bigint) to authenticated;

/**
 * Claims up to n notifications due for delivery to a registered webhook: marks them sending until
 * the visibility timeout (a crashed notify loses nothing: they become due again). For notify only.
 */
create or replace function private.claim_notifications(n integer)
returns table (id bigint, url text, secret text, payload jsonb, attempts integer)
language sql
set search_path = ''
as $$
  with due as (
    select d.id from public.alert_notifications d
    where d.status in ('pending', 'sending', 'failed') and d.next_attempt_at <= now()
      and exists (select from private.notification_webhooks w where w.user_id = d.user_id)
    order by d.next_attempt_at, d.id
    limit n
    for update skip locked
  )
  update public.alert_notifications a
  set status = 'sending', attempts = a.attempts + 1,
      next_attempt_at = now() + make_interval(secs => (private.setting('notification_visibility_timeout_seconds') #>> '{}')::numeric)
  from due, private.notification_webhooks w
  where a.id = due.id and w.user_id = a.user_id
  returning a.id, w.url, w.secret, a.payload, a.attempts
$$;
comment on function private.claim_notifications(integer) is 'notify: claims up to n due notifications of users with a webhook (status sending until the visibility timeout).';
revoke execute on function private.claim_notifications(integer) from public;
grant execute on function private.claim_notifications(integer) to service_role;

/** Records the outcome of delivery attempts: delivered, or failed with backoff (dead after notification_max_attempts). */
create or replace function private.settle_notifications(delivered bigint[], failed jsonb default '[]')
returns table (delivered_count integer, retrying integer, dead integer)
language plpgsql
set search_path = ''
as $$
declare
  base numeric := (private.setting('notification_retry_base_seconds') #>> '{}')::numeric;
  max_attempts integer := (private.setting('notification_max_attempts') #>> '{}')::integer;
  done integer;
begin
  update public.alert_notifications a set status = 'delivered', delivered_at = now(), last_error = null
  where a.id = any (delivered) and a.status = 'sending';
  get diagnostics done = row_count;
  return query
  with f as (
    update public.alert_notifications a
    set status = case when a.attempts >= max_attempts then 'dead' else 'failed' end,
        last_error = left(x.error, 500),
        next_attempt_at = now() + make_interval(secs => least(base * 2 ^ greatest(a.attempts - 1, 0), 3600))
    from jsonb_to_recordset(failed) as x (id bigint, error text)
    where a.id = x.id and a.status = 'sending'
    returning a.status
  )
  select done, (count(*) filter (where f.status = 'failed'))::int, (count(*) filter (where f.status = 'dead'))::int from f;
end;
$$;
comment on function private.settle_notifications(bigint[], jsonb) is 'notify: marks delivered notifications, and failed ones ([{id, error}]) for a retry with exponential backoff or, past notification_max_attempts, dead.';
revoke execute on function private.settle_notifications(bigint[], jsonb) from public;
grant execute on function private.settle_notifications(bigint[], jsonb) to service_role;
