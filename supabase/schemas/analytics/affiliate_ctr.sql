-- Affiliate click-through by day and retailer, kept up to date incrementally: each run of the
-- affiliate-ctr pipeline recomputes whole days, but only the days that can have changed — from
-- the day before the last one it computed, plus older days an insert marked (a backdated event or
-- click). At 10M events a full recompute read every offer impression (27 s); a run now reads a
-- day or two of them.

create table analytics.affiliate_ctr_daily (
  day date not null,
  retailer_id uuid not null,
  impressions bigint not null constraint affiliate_ctr_daily_impressions_nonnegative check (impressions >= 0),
  clicks bigint not null constraint affiliate_ctr_daily_clicks_nonnegative check (clicks >= 0),
  clickers bigint not null constraint affiliate_ctr_daily_clickers_nonnegative check (clickers >= 0),
  ctr numeric generated always as (round(clicks::numeric / nullif(impressions, 0), 4)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (day, retailer_id)
);
comment on table analytics.affiliate_ctr_daily is 'Grain: one row per day and retailer. Offer impressions (events named offer_impression with properties.retailer_id), affiliate clicks, distinct clickers, CTR = clicks / impressions. Kept by the affiliate-ctr pipeline (hourly), which recomputes only the days that can have changed.';
comment on column analytics.affiliate_ctr_daily.day is 'The day (UTC).';
comment on column analytics.affiliate_ctr_daily.retailer_id is 'The retailer (an id from the events; dim_retailer names it).';
comment on column analytics.affiliate_ctr_daily.impressions is 'Offer impressions that day.';
comment on column analytics.affiliate_ctr_daily.clicks is 'Affiliate clicks that day.';
comment on column analytics.affiliate_ctr_daily.clickers is 'Distinct users or sessions who clicked that day.';
comment on column analytics.affiliate_ctr_daily.ctr is 'clicks / impressions, 4 decimals; null without impressions.';
call private.track_updates('analytics.affiliate_ctr_daily');
grant select on analytics.affiliate_ctr_daily to service_role;

-- Days older than the recompute window that an insert touched (a backdated event or click).
create table private.affiliate_ctr_stale_days (
  day date primary key,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.affiliate_ctr_stale_days is 'Days before yesterday that an offer impression or affiliate click was inserted for since the last affiliate-ctr run: recomputed by the next run.';
comment on column private.affiliate_ctr_stale_days.day is 'The day to recompute.';
comment on column private.affiliate_ctr_stale_days.created_at is 'When an insert first marked it.';
call private.track_updates('private.affiliate_ctr_stale_days');

/** AFTER INSERT (statement) on events and affiliate_clicks: marks days before yesterday that the new rows fall on. */
create or replace function private.mark_affiliate_ctr_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'events' then
    insert into private.affiliate_ctr_stale_days (day)
    select distinct n.occurred_at::date from new_rows n
    where n.name = 'offer_impression' and n.occurred_at < current_date - 1
    on conflict do nothing;
  else
    insert into private.affiliate_ctr_stale_days (day)
    select distinct n.clicked_at::date from new_rows n
    where n.clicked_at < current_date - 1
    on conflict do nothing;
  end if;
  return null;
end;
$$;
comment on function private.mark_affiliate_ctr_days() is 'AFTER INSERT statement trigger on public.events and public.affiliate_clicks: records days before yesterday that new offer impressions or clicks fall on, for the next affiliate-ctr run.';
revoke execute on function private.mark_affiliate_ctr_days() from public;

create trigger affiliate_ctr_days after insert on public.events
  referencing new table as new_rows for each statement execute function private.mark_affiliate_ctr_days();
create trigger affiliate_ctr_days after insert on public.affiliate_clicks
  referencing new table as new_rows for each statement execute function private.mark_affiliate_ctr_days();

/**
 * The affiliate-ctr step: recomputes analytics.affiliate_ctr_daily for the days from `since` (by
 * default the day before the last day it holds; every day when it is empty) and the days inserts
 * marked stale; returns the rows it wrote.
 */
create or replace function private.rollup_affiliate_ctr(since date default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  -- (never later than yesterday: an event a client dated in the future must not move the window past today)
  first_day date := coalesce(since, (select least(max(c.day), current_date) - 1 from analytics.affiliate_ctr_daily c having count(*) > 0),
                             '-infinity'::date);
  stale date[];
  stale_from date;
  stale_to date;
  written integer;
begin
  with marked as (delete from private.affiliate_ctr_stale_days s returning s.day)
  select coalesce(array_agg(distinct m.day), '{}'), min(m.day), max(m.day) + 1 into stale, stale_from, stale_to
  from marked m where m.day < first_day;

  delete from analytics.affiliate_ctr_daily c where c.day >= first_day or c.day = any (stale);
  -- Rows from first_day on, and rows of the stale days: two range conditions each, so the indexes on
  -- (name, occurred_at) and clicked_at read only them (a join to a list of ranges read every event).
  with impression_rows as (
    select e.occurred_at, e.properties from public.events e
    where e.name = 'offer_impression' and e.occurred_at >= first_day
    union all
    select e.occurred_at, e.properties from public.events e
    where e.name = 'offer_impression' and e.occurred_at >= stale_from and e.occurred_at < stale_to
      and e.occurred_at::date = any (stale)
  ),
  impressions as (
    select r.occurred_at::date as day, (r.properties ->> 'retailer_id')::uuid as retailer_id, count(*) as impressions
    from impression_rows r
    where r.properties ->> 'retailer_id' ~ '^[0-9a-f-]{36}$'
    group by 1, 2
  ),
  click_rows as (
    select k.clicked_at, k.retailer_id, k.user_id, k.session_id from public.affiliate_clicks k where k.clicked_at >= first_day
    union all
    select k.clicked_at, k.retailer_id, k.user_id, k.session_id from public.affiliate_clicks k
    where k.clicked_at >= stale_from and k.clicked_at < stale_to and k.clicked_at::date = any (stale)
  ),
  clicks as (
    select k.clicked_at::date as day, k.retailer_id, count(*) as clicks, count(distinct coalesce(k.user_id::text, k.session_id)) as clickers
    from click_rows k
    group by 1, 2
  )
  insert into analytics.affiliate_ctr_daily (day, retailer_id, impressions, clicks, clickers)
  select coalesce(i.day, c.day), coalesce(i.retailer_id, c.retailer_id),
         coalesce(i.impressions, 0), coalesce(c.clicks, 0), coalesce(c.clickers, 0)
  from impressions i full join clicks c on c.day = i.day and c.retailer_id = i.retailer_id;
  get diagnostics written = row_count;
  return written;
end;
$$;
comment on function private.rollup_affiliate_ctr(date) is
  'Recomputes analytics.affiliate_ctr_daily for the days since `since` (default: the day before the last day it holds; all when empty) and the days inserts marked stale; returns rows written. The affiliate-ctr pipeline, hourly.';
revoke execute on function private.rollup_affiliate_ctr(date) from public;
grant execute on function private.rollup_affiliate_ctr(date) to service_role;
