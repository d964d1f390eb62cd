-- Rate limits for what API roles may write (anonymous events, affiliate clicks): a counter per
-- bucket (a session, a user, or all anonymous callers) and fixed one-minute window, taken in the
-- writing transaction. Over the limit, SQLSTATE PT429, which PostgREST answers as HTTP 429.

create table private.rate_limits (
  bucket text primary key constraint rate_limits_bucket_length check (length(bucket) between 1 and 200),
  window_start timestamptz not null,
  hits integer not null constraint rate_limits_hits_positive check (hits >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.rate_limits is 'Writes per bucket in the current one-minute window (private.take_rate_limit); rows of past windows are deleted hourly.';
comment on column private.rate_limits.bucket is 'What is limited: e.g. events:session:<id>, events:user:<uuid>, events:anon, clicks:user:<uuid>.';
comment on column private.rate_limits.window_start is 'The minute the count is for.';
comment on column private.rate_limits.hits is 'Writes in that minute.';
call private.track_updates('private.rate_limits');

/**
 * Counts one write against a bucket's per-minute limit (the private.settings value named by
 * limit_setting) and raises PT429 over it. security definer: anon and authenticated may take from
 * the limit, never read or reset it.
 */
create or replace function private.take_rate_limit(bucket text, limit_setting text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  per_minute integer := (private.setting(limit_setting) #>> '{}')::integer;
  taken integer;
begin
  if per_minute is null then
    raise exception 'no rate limit setting %', limit_setting;
  end if;
  insert into private.rate_limits as r (bucket, window_start, hits)
  values (take_rate_limit.bucket, date_trunc('minute', now()), 1)
  on conflict on constraint rate_limits_pkey do update
    set hits = case when r.window_start = excluded.window_start then r.hits + 1 else 1 end,
        window_start = excluded.window_start
  returning r.hits into taken;
  if taken > per_minute then
    raise exception 'rate limit: at most % per minute for %', per_minute, split_part(bucket, ':', 1) || ':' || split_part(bucket, ':', 2)
      using errcode = 'PT429', hint = format('retry in %s seconds', 60 - extract(second from now())::int);
  end if;
end;
$$;
comment on function private.take_rate_limit(text, text) is
  'Counts a write against a bucket''s per-minute limit (a private.settings key); SQLSTATE PT429 (HTTP 429 through PostgREST) over it.';
revoke execute on function private.take_rate_limit(text, text) from public;
grant execute on function private.take_rate_limit(text, text) to anon, authenticated, service_role;

/** Deletes the counters of windows that ended; returns how many. Scheduled hourly. */
create or replace function private.expire_rate_limits()
returns integer
language sql
set search_path = ''
as $$
  with gone as (delete from private.rate_limits where window_start < date_trunc('minute', now()) returning 1)
  select count(*)::integer from gone
$$;
comment on function private.expire_rate_limits() is 'Deletes rate-limit counters of past windows; scheduled hourly.';
revoke execute on function private.expire_rate_limits() from public;
