-- Evaluating price alerts, set-based and event-driven: the batch that changes current offers passes
-- their variants, and the alerts watching them are found through the partial indexes on variant
-- and fragrance (no scan of all alerts per batch); a pg_cron sweep evaluates every active alert
-- to catch what was missed (exchange-rate moves, a failed call). A fired alert updates its state
-- and writes one notification per price event (alert_notifications.sql).

/**
 * Evaluates the active alerts on the given variants (their own, and their fragrance's any-size
 * ones), or every active alert when variants is null; writes a notification for each that fires;
 * returns how many. An alert fires when its best in-stock offer meets it, for a price event (the
 * price_history range of that offer) it was not told about, and, after its first time, only once
 * its cool-down (price_alert_cooldown_hours) has passed or the price is a new low. back_in_stock
 * fires once per return to stock: it is re-armed when nothing it watches is in stock.
 */
create or replace function private.fire_price_alerts(variants uuid[] default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  cooldown interval := make_interval(hours => (private.setting('price_alert_cooldown_hours') #>> '{}')::int);
  fired integer;
begin
  with watched as materialized (
    select a.* from public.price_alerts a where variants is null and not a.paused
    union all
    select a.* from public.price_alerts a where a.variant_id = any (variants) and not a.paused
    union all
    select a.* from public.price_alerts a
    where a.fragrance_id = any (array(select distinct v.fragrance_id from public.variants v where v.id = any (variants)))
      and a.variant_id is null and not a.paused
  ),
  judged as materialized (
    select a.id, a.kind, a.armed, b.listing_id, b.variant_id, b.price_base, h.id as event,
           case a.kind
             when 'price_below' then b.price_base <= a.target * public.fx_rate(a.currency)
             when 'per_100ml_below' then b.price_per_100ml_base <= a.target * public.fx_rate(a.currency)
             when 'drop_pct' then b.price_base <= a.reference_price_base * (1 - a.drop_pct / 100)
             else a.armed and b.listing_id is not null
           end
           and h.id is distinct from a.last_event
           and (a.last_fired_at is null or b.price_base < a.last_fired_price_base or now() >= a.last_fired_at + cooldown) as fires
    from watched a
    left join lateral private.best_offer_for_alert(a.fragrance_id, a.variant_id, a.kind = 'per_100ml_below') b on true
    left join lateral (select h.id from public.price_history h where h.listing_id = b.listing_id and upper_inf(h.valid)) h on true
  ),
  rearmed as (
    update public.price_alerts a set armed = true
    from judged j where a.id = j.id and j.kind = 'back_in_stock' and not j.armed and j.listing_id is null
  ),
  marked as (
    update public.price_alerts a
    set last_fired_at = now(), last_fired_price_base = j.price_base, last_event = j.event,
        armed = a.kind <> 'back_in_stock'
    from judged j
    where a.id = j.id and j.fires
      and a.last_event is distinct from j.event  -- checked again on the locked row: a concurrent batch may have fired it
    returning a.id, a.user_id, a.kind, a.currency, j.listing_id, j.event
  ),
  written as (
    insert into public.alert_notifications (user_id, alert_id, event, payload)
    select m.user_id, m.id, m.event, private.alert_payload(m.id, m.kind, m.currency, m.listing_id)
    from marked m
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

/** What a notification tells: the fragrance, the size, the shop and its link, the price in the alert's currency. */
create or replace function private.alert_payload(alert_id uuid, kind public.price_alert_kind, currency text, listing uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'type', 'price_alert', 'alert_id', alert_id, 'kind', kind,
    'fragrance', jsonb_build_object('id', f.id, 'slug', f.slug, 'name', f.name, 'brand', b.name),
    'variant', jsonb_build_object('id', v.id, 'size_ml', v.size_ml, 'packaging', v.packaging),
    'retailer', r.name, 'url', coalesce(l.affiliate_url, l.url),
    'price', round(o.price_base / public.fx_rate(alert_payload.currency), 2),
    'price_per_100ml', round(o.price_per_100ml_base / public.fx_rate(alert_payload.currency), 2),
    'currency', alert_payload.currency, 'observed_at', o.observed_at)
  from public.current_offers o
  join public.retailer_listings l on l.id = o.listing_id
  join public.retailers r on r.id = o.retailer_id
  join public.variants v on v.id = o.variant_id
  join public.fragrances f on f.id = v.fragrance_id
  join public.brands b on b.id = f.brand_id
  where o.listing_id = listing
$$;
comment on function private.alert_payload(uuid, public.price_alert_kind, text, uuid) is 'The payload of a fired alert''s notification.';
revoke execute on function private.alert_payload(uuid, public.price_alert_kind, text, uuid) from public;
grant execute on function private.alert_payload(uuid, public.price_alert_kind, text, uuid) to service_role;

/** The price-alerts sweep (a function without arguments, for run_pipeline): every active alert. */
create or replace function private.sweep_price_alerts()
returns integer
language sql
set search_path = ''
as $$ select private.fire_price_alerts(null) $$;
comment on function private.sweep_price_alerts() is 'Evaluates every active price alert (the pg_cron backstop of the per-batch evaluation); returns notifications written.';
revoke execute on function private.sweep_price_alerts() from public;
