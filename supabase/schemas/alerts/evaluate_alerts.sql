-- Evaluating price alerts, set-based and event-driven: the batch that changes current offers passes
-- their variants, and the alerts watching them are found through the partial indexes on variant
-- and fragrance (no scan of all alerts per batch); a pg_cron sweep evaluates every active alert
-- to catch what was missed (exchange-rate moves, a failed call). A fired alert updates its state
-- and writes one notification per price event (alert_notifications.sql).

/**
 * The judgement of the active alerts on the given variants (their own, and their fragrance's any-size
 * ones), or of every active alert when variants is null: each with the best fresh, in-stock, reviewed
 * offer of what it watches (the cheapest, or the cheapest per 100 ml), that offer's price event (its
 * open price_history range), whether the alert fires now, and whether a back_in_stock alert is to be
 * re-armed (nothing it watches is in stock). Set-based: the best offer of each watched variant or
 * fragrance is found once, for every alert on it.
 */
create or replace function private.judge_price_alerts(variants uuid[])
returns table (
  alert_id uuid, user_id uuid, kind public.price_alert_kind, currency text, rate numeric,
  listing_id uuid, price_base numeric, event bigint, fires boolean, rearm boolean
)
language sql
stable
set search_path = ''
as $$
  with watched as materialized (
    select a.* from public.price_alerts a where variants is null and not a.paused
    union all
    select a.* from public.price_alerts a where a.variant_id = any (variants) and not a.paused
    union all
    select a.* from public.price_alerts a
    where a.fragrance_id = any (array(select distinct v.fragrance_id from public.variants v where v.id = any (variants)))
      and a.variant_id is null and not a.paused
  ),
  -- what is watched: a variant, or a fragrance (any size), keyed by that id (random uuids never meet)
  scopes as materialized (
    select distinct coalesce(w.variant_id, w.fragrance_id) as scope, w.fragrance_id, w.variant_id, w.kind = 'per_100ml_below' as by_volume
    from watched w
  ),
  scope_variants as (
    select s.scope, s.by_volume, s.variant_id from scopes s where s.variant_id is not null
    union all
    select s.scope, s.by_volume, v.id from scopes s join public.variants v on v.fragrance_id = s.fragrance_id where s.variant_id is null
  ),
  best as materialized (
    select distinct on (sv.scope, sv.by_volume) sv.scope, sv.by_volume, o.listing_id, o.price_base, o.price_per_100ml_base
    from scope_variants sv
    join public.current_offers o on o.variant_id = sv.variant_id and o.in_stock and not o.stale
    join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = o.variant_id
    join public.retailers r on r.id = o.retailer_id and r.active
    order by sv.scope, sv.by_volume, case when sv.by_volume then o.price_per_100ml_base else o.price_base end nulls last, o.listing_id
  ),
  rates as materialized (
    select c.currency, public.fx_rate(c.currency) as rate from (select distinct w.currency from watched w) c
  )
  select a.id, a.user_id, a.kind, a.currency, r.rate, b.listing_id, b.price_base, h.id,
         coalesce(case a.kind
                    when 'price_below' then b.price_base <= a.target * r.rate
                    when 'per_100ml_below' then b.price_per_100ml_base <= a.target * r.rate
                    when 'drop_pct' then b.price_base <= a.reference_price_base * (1 - a.drop_pct / 100)
                    else a.armed and b.listing_id is not null
                  end
                  and h.id is distinct from a.last_event
                  and (a.last_fired_at is null or b.price_base < a.last_fired_price_base or now() >= a.last_fired_at + make_interval(
                         hours => (private.setting('price_alert_cooldown_hours') #>> '{}')::int)), false),
         a.kind = 'back_in_stock' and not a.armed and b.listing_id is null
  from watched a
  join rates r on r.currency = a.currency
  left join best b on b.scope = coalesce(a.variant_id, a.fragrance_id) and b.by_volume = (a.kind = 'per_100ml_below')
  left join public.price_history h on h.listing_id = b.listing_id and upper_inf(h.valid)
$$;
comment on function private.judge_price_alerts(uuid[]) is
  'The active price alerts on the given variants (all when null), each with its best offer, price event, whether it fires now and whether it is re-armed.';
revoke execute on function private.judge_price_alerts(uuid[]) from public;
grant execute on function private.judge_price_alerts(uuid[]) to service_role;

/**
 * Evaluates the alerts on the given variants (every active one when null; private.judge_price_alerts)
 * and acts: re-arms back_in_stock alerts, marks the ones that fire (checked again on the locked row,
 * so two concurrent batches tell once), and writes their notifications; returns how many. An alert
 * fires when its best offer meets it, for a price event it was not told about, and, after its first
 * time, only once its cool-down (price_alert_cooldown_hours) has passed or the price is a new low.
 */
create or replace function private.fire_price_alerts(variants uuid[] default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  fired integer;
begin
  with judged as materialized (
    select * from private.judge_price_alerts(variants)
  ),
  rearmed as (
    update public.price_alerts a set armed = true
    where a.id = any (array(select j.alert_id from judged j where j.rearm))  -- by primary key, never a scan of all alerts
  ),
  marked as (
    update public.price_alerts a
    set last_fired_at = now(), last_fired_price_base = j.price_base, last_event = j.event, armed = a.kind <> 'back_in_stock'
    from judged j
    where a.id = any (array(select j.alert_id from judged j where j.fires)) and a.id = j.alert_id
      and a.last_event is distinct from j.event  -- checked again on the locked row: a concurrent batch may have fired it
    returning a.id, a.user_id, a.kind, a.currency, j.rate, j.listing_id, j.event
  ),
  written as (
    insert into public.alert_notifications (user_id, alert_id, event, payload)
    select m.user_id, m.id, m.event, jsonb_build_object(
      'type', 'price_alert', 'alert_id', m.id, 'kind', m.kind,
      'fragrance', jsonb_build_object('id', f.id, 'slug', f.slug, 'name', f.name, 'brand', b.name),
      'variant', jsonb_build_object('id', v.id, 'size_ml', v.size_ml, 'packaging', v.packaging),
      'retailer', r.name, 'url', coalesce(l.affiliate_url, l.url),
      'price', round(o.price_base / m.rate, 2), 'price_per_100ml', round(o.price_per_100ml_base / m.rate, 2),
      'currency', m.currency, 'observed_at', o.observed_at)
    from marked m
    join public.current_offers o on o.listing_id = m.listing_id
    join public.retailer_listings l on l.id = o.listing_id
    join public.retailers r on r.id = o.retailer_id
    join public.variants v on v.id = o.variant_id
    join public.fragrances f on f.id = v.fragrance_id
    join public.brands b on b.id = f.brand_id
    on conflict (alert_id, event) do nothing
    returning 1
  )
  select count(*) into fired from written;
  return fired;
end;
$$;
comment on function private.fire_price_alerts(uuid[]) is
  'Evaluates the active price alerts on the given variants (all when null), fires those met for a new price event (cool-down or new low for a re-fire), re-arms back_in_stock alerts, and writes their notifications; returns how many.';
revoke execute on function private.fire_price_alerts(uuid[]) from public;
grant execute on function private.fire_price_alerts(uuid[]) to service_role;

/** The price-alerts sweep (a function without arguments, for run_pipeline): every active alert. */
create or replace function private.sweep_price_alerts()
returns integer
language sql
set search_path = ''
as $$ select private.fire_price_alerts(null) $$;
comment on function private.sweep_price_alerts() is 'Evaluates every active price alert (the pg_cron backstop of the per-batch evaluation); returns notifications written.';
revoke execute on function private.sweep_price_alerts() from public;
