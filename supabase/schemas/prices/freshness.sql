-- Freshness: offers not confirmed within their retailer's SLA go stale, and a
-- silent retailer opens a breach (the price-freshness job, every 15 minutes).

create table private.freshness_breaches (
  id bigint generated always as identity primary key,
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  detected_at timestamptz not null default now(),
  last_batch_at timestamptz,
  expected_interval interval not null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint freshness_breaches_resolved_after_detected check (resolved_at >= detected_at)
);
comment on table private.freshness_breaches is 'A retailer silent for longer than its expected update interval; open while resolved_at is null.';
comment on column private.freshness_breaches.id is 'Breach id.';
comment on column private.freshness_breaches.retailer_id is 'The silent retailer.';
comment on column private.freshness_breaches.detected_at is 'When the freshness job noticed.';
comment on column private.freshness_breaches.last_batch_at is 'Its latest batch at that time (null: never sent one).';
comment on column private.freshness_breaches.expected_interval is 'Its SLA at that time.';
comment on column private.freshness_breaches.resolved_at is 'When a batch arrived again.';
create unique index freshness_breaches_one_open_idx on private.freshness_breaches (retailer_id) where resolved_at is null;
create index freshness_breaches_retailer_idx on private.freshness_breaches (retailer_id, detected_at desc);
call private.track_updates('private.freshness_breaches');

grant select on private.freshness_breaches to service_role;

/** Marks offers stale past their retailer's SLA and records retailers that went silent. */
create or replace function private.check_freshness()
returns jsonb
language sql
set search_path = ''
as $$
  with stale as (
    update public.current_offers o set stale = true
    from public.retailers r
    where r.id = o.retailer_id and not o.stale
      and o.observed_at < now() - r.update_interval * (private.setting('stale_after_intervals'))::int
    returning o.listing_id
  ),
  last_batch as (
    select r.id, r.update_interval, max(b.received_at) as last_at
    from public.retailers r left join private.ingest_batches b on b.retailer_id = r.id
    where r.active
    group by r.id
  ),
  breached as (
    insert into private.freshness_breaches (retailer_id, last_batch_at, expected_interval)
    select lb.id, lb.last_at, lb.update_interval from last_batch lb
    where (lb.last_at is null or lb.last_at < now() - lb.update_interval)
    on conflict (retailer_id) where resolved_at is null do nothing
    returning retailer_id
  )
  select jsonb_build_object('stale_offers', (select count(*) from stale), 'new_breaches', (select count(*) from breached))
$$;
comment on function private.check_freshness() is 'Marks offers stale past stale_after_intervals x their retailer''s update interval and opens a breach for every silent retailer. Scheduled every 15 minutes.';
revoke execute on function private.check_freshness() from public;

create or replace function public.retailer_freshness()
returns table (
  retailer_id uuid, slug text, expected_interval interval, last_batch_at timestamptz, age interval,
  status text, offers integer, stale_offers integer, breached_since timestamptz
)
language sql
stable
set search_path = ''
as $$
  select r.id, r.slug, r.update_interval, b.last_at, now() - b.last_at,
         case when b.last_at is null then 'never' when b.last_at >= now() - r.update_interval then 'fresh' else 'late' end,
         coalesce(o.offers, 0)::integer, coalesce(o.stale, 0)::integer, fb.detected_at
  from public.retailers r
  left join lateral (select max(received_at) as last_at from private.ingest_batches where retailer_id = r.id) b on true
  left join lateral (select count(*) as offers, count(*) filter (where stale) as stale from public.current_offers where retailer_id = r.id) o on true
  left join private.freshness_breaches fb on fb.retailer_id = r.id and fb.resolved_at is null
  where r.active
  order by r.slug
$$;
comment on function public.retailer_freshness() is 'Per active retailer: its SLA, last batch, status (fresh, late, never), offers and stale offers, open breach. service_role only.';
revoke execute on function public.retailer_freshness() from public, anon, authenticated;
grant execute on function public.retailer_freshness() to service_role;
