-- Price alerts: a signed-in user watches a fragrance (any size) or one variant and is told when its
-- best offer reaches a target price (or price per 100 ml, in the user's currency), drops a given
-- percentage below the price when the alert was set, or is back in stock. Owners read and delete
-- their alerts; creating and pausing go through RPCs, which hold the per-user limit and the rules.
-- Evaluation: alerts/evaluate_alerts.sql. Notifications: alerts/alert_notifications.sql.

create type public.price_alert_kind as enum ('price_below', 'per_100ml_below', 'drop_pct', 'back_in_stock');
comment on type public.price_alert_kind is
  'price_below: the best price at or under target; per_100ml_below: the best price per 100 ml at or under target; drop_pct: the best price drop_pct percent under the price when the alert was set; back_in_stock: an offer in stock again.';

create table public.price_alerts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  variant_id uuid references public.variants (id) on delete cascade,
  kind public.price_alert_kind not null,
  target numeric(12, 2) constraint price_alerts_target_positive check (target > 0),
  drop_pct numeric(5, 2) constraint price_alerts_drop_pct_range check (drop_pct > 0 and drop_pct < 100),
  currency text not null default 'EUR' references public.currencies (code),
  reference_price_base numeric(12, 2),
  armed boolean not null default true,
  paused boolean not null default false,
  last_fired_at timestamptz,
  last_fired_price_base numeric(12, 2),
  last_event bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint price_alerts_fields_of_kind check (case kind
    when 'price_below' then target is not null and drop_pct is null
    when 'per_100ml_below' then target is not null and drop_pct is null
    when 'drop_pct' then drop_pct is not null and target is null and reference_price_base is not null
    else target is null and drop_pct is null end)
);
comment on table public.price_alerts is 'A user''s watch on a fragrance (any size) or one variant: told when the best offer reaches a target, drops a percentage, or is back in stock. Created and paused through RPCs (per-user limit); owners read and delete.';
comment on constraint price_alerts_target_positive on public.price_alerts is 'target must be more than 0';
comment on constraint price_alerts_drop_pct_range on public.price_alerts is 'drop_pct must be between 0 and 100 (exclusive)';
comment on constraint price_alerts_fields_of_kind on public.price_alerts is 'price_below and per_100ml_below take a target, drop_pct a drop_pct (and a current price to drop from), back_in_stock neither';
comment on column public.price_alerts.id is 'Public identifier.';
comment on column public.price_alerts.user_id is 'Owner.';
comment on column public.price_alerts.fragrance_id is 'The fragrance watched.';
comment on column public.price_alerts.variant_id is 'The one variant watched; null watches every size of the fragrance.';
comment on column public.price_alerts.kind is 'What fires it (public.price_alert_kind).';
comment on column public.price_alerts.target is 'price_below / per_100ml_below: the price (per 100 ml) to reach, in currency.';
comment on column public.price_alerts.drop_pct is 'drop_pct: how many percent under reference_price_base.';
comment on column public.price_alerts.currency is 'The user''s currency: target is in it, and notifications quote it.';
comment on column public.price_alerts.reference_price_base is 'The best in-stock price (base currency) when the alert was set: what drop_pct drops from.';
comment on column public.price_alerts.armed is 'back_in_stock: true while nothing is in stock (it fires on the return); re-armed when the watched offers go out of stock again.';
comment on column public.price_alerts.paused is 'A paused alert is not evaluated.';
comment on column public.price_alerts.last_fired_at is 'When it last fired.';
comment on column public.price_alerts.last_fired_price_base is 'The best price (base currency) it last fired at: a lower one is a new low.';
comment on column public.price_alerts.last_event is 'The price event (public.price_history id) it last fired for: never told twice about the same one.';
-- Evaluation finds the alerts of the variants a batch changed through these (partial: paused ones are never read).
create index price_alerts_variant_idx on public.price_alerts (variant_id) where not paused and variant_id is not null;
create index price_alerts_fragrance_idx on public.price_alerts (fragrance_id) where not paused and variant_id is null;
create index price_alerts_user_idx on public.price_alerts (user_id);
-- ON DELETE CASCADE of fragrance_id and variant_id: each needs an index to find its rows
create index price_alerts_fragrance_id_fk_idx on public.price_alerts (fragrance_id);
create index price_alerts_variant_id_fk_idx on public.price_alerts (variant_id);
create index price_alerts_currency_idx on public.price_alerts (currency);
call private.make_user_table('public.price_alerts', 'user_id', array['select', 'delete']);

/** The best offer in stock for a watch: of one variant, or of any size of a fragrance; the cheapest, or the cheapest per 100 ml. Nothing when nothing is in stock. */
create or replace function private.best_offer_for_alert(fragrance uuid, variant uuid, by_volume boolean default false)
returns table (listing_id uuid, variant_id uuid, price_base numeric, price_per_100ml_base numeric)
language sql
stable
set search_path = ''
as $$
  select o.listing_id, o.variant_id, o.price_base, o.price_per_100ml_base
  -- the variant's offers, or those of every variant of the fragrance: two branches, each by index
  from (select v.id from public.variants v where variant is null and v.fragrance_id = fragrance
        union all
        select variant where variant is not null) w (variant_id)
  join public.current_offers o on o.variant_id = w.variant_id
  join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = o.variant_id
  join public.retailers r on r.id = o.retailer_id and r.active
  where o.in_stock and not o.stale
  order by case when by_volume then o.price_per_100ml_base else o.price_base end nulls last, o.listing_id
  limit 1
$$;
comment on function private.best_offer_for_alert(uuid, uuid, boolean) is 'The cheapest (by_volume: per 100 ml) fresh in-stock offer of a variant, or of every size of a fragrance when variant is null.';
revoke execute on function private.best_offer_for_alert(uuid, uuid, boolean) from public;
grant execute on function private.best_offer_for_alert(uuid, uuid, boolean) to authenticated, service_role;

/**
 * Creates a price alert for the caller; returns it. kind price_below and per_100ml_below take a
 * target in currency; drop_pct a percentage (from the best price now, so something must be in
 * stock); back_in_stock nothing. At most price_alerts_per_user alerts per user (P0001 beyond).
 */
create or replace function private.create_price_alert(
  fragrance_id uuid, kind public.price_alert_kind, target numeric, drop_pct numeric, currency text, variant_id uuid
)
returns public.price_alerts
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  best record;
  created public.price_alerts;
begin
  -- one caller at a time per user: the count below cannot be raced past the limit
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('price_alerts:' || me));
  if (select count(*) from public.price_alerts a where a.user_id = me) >= (private.setting('price_alerts_per_user') #>> '{}')::int then
    raise exception 'at most % price alerts per user', private.setting('price_alerts_per_user') #>> '{}'
      using errcode = 'P0001', hint = 'delete an alert first';
  end if;
  if not exists (select from public.fragrances f where f.id = create_price_alert.fragrance_id and f.deleted_at is null) then
    raise exception 'no fragrance %', create_price_alert.fragrance_id using errcode = '22023';
  end if;
  if variant_id is not null
     and not exists (select from public.variants v where v.id = variant_id and v.fragrance_id = create_price_alert.fragrance_id) then
    raise exception 'variant % is not a variant of fragrance %', variant_id, create_price_alert.fragrance_id using errcode = '22023';
  end if;
  if public.fx_rate(upper(currency)) is null then
    raise exception 'unknown currency "%"', currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  select * into best from private.best_offer_for_alert(create_price_alert.fragrance_id, variant_id, kind = 'per_100ml_below');
  if kind = 'drop_pct' and best.price_base is null then
    raise exception 'nothing is in stock to drop from' using errcode = '22023', hint = 'use a back_in_stock or price_below alert';
  end if;
  insert into public.price_alerts (user_id, fragrance_id, variant_id, kind, target, drop_pct, currency, reference_price_base, armed)
  values (me, create_price_alert.fragrance_id, variant_id, kind, target, drop_pct, upper(currency), best.price_base,
          kind <> 'back_in_stock' or best.price_base is null)
  returning * into created;
  return created;
end;
$$;
comment on function private.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) is 'Creates a price alert for auth.uid() (see public.create_price_alert).';
revoke execute on function private.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) from public;
grant execute on function private.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) to authenticated;

create or replace function public.create_price_alert(
  fragrance_id uuid, kind public.price_alert_kind, target numeric default null, drop_pct numeric default null,
  currency text default 'EUR', variant_id uuid default null
)
returns public.price_alerts
language sql
set search_path = ''
as $$ select private.create_price_alert(fragrance_id, kind, target, drop_pct, currency, variant_id) $$;
comment on function public.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) is
  'Watches a fragrance (any size) or one of its variants: kind price_below / per_100ml_below with a target in currency, drop_pct with a percentage under today''s best price, or back_in_stock. Returns the alert. 22023 for bad input, 23514 for a value out of range, P0001 over the per-user limit. Signed-in users only.';
revoke execute on function public.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) from public, anon;
grant execute on function public.create_price_alert(uuid, public.price_alert_kind, numeric, numeric, text, uuid) to authenticated;

/** Pauses or resumes one of the caller's alerts; returns it (PT404 when the caller has no such alert). */
create or replace function private.pause_price_alert(alert_id uuid, paused boolean)
returns public.price_alerts
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  changed public.price_alerts;
begin
  update public.price_alerts a set paused = pause_price_alert.paused
  where a.id = alert_id and a.user_id = me
  returning * into changed;
  if not found then
    raise exception 'no price alert %', alert_id using errcode = 'PT404';
  end if;
  return changed;
end;
$$;
comment on function private.pause_price_alert(uuid, boolean) is 'Pauses or resumes an alert of auth.uid() (see public.pause_price_alert).';
revoke execute on function private.pause_price_alert(uuid, boolean) from public;
grant execute on function private.pause_price_alert(uuid, boolean) to authenticated;

create or replace function public.pause_price_alert(alert_id uuid, paused boolean default true)
returns public.price_alerts
language sql
set search_path = ''
as $$ select private.pause_price_alert(alert_id, paused) $$;
comment on function public.pause_price_alert(uuid, boolean) is 'Pauses (paused => true) or resumes one of the caller''s alerts; returns it. 404 when the caller has no such alert. Signed-in users only.';
revoke execute on function public.pause_price_alert(uuid, boolean) from public, anon;
grant execute on function public.pause_price_alert(uuid, boolean) to authenticated;

/** Deletes one of the caller's alerts; returns whether it existed. */
create or replace function public.delete_price_alert(alert_id uuid)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  -- runs as the caller: RLS lets them delete only their own
  delete from public.price_alerts a where a.id = alert_id;
  return found;
end;
$$;
comment on function public.delete_price_alert(uuid) is 'Deletes one of the caller''s alerts (and its notifications); false when there was none. Signed-in users only.';
revoke execute on function public.delete_price_alert(uuid) from public, anon;
grant execute on function public.delete_price_alert(uuid) to authenticated;

/** The caller's alerts, newest first, each with its fragrance and the best offer now, in the alert's currency. */
create or replace function public.my_price_alerts()
returns table (
  id uuid, fragrance_id uuid, slug text, name text, brand_name text, variant_id uuid, size_ml numeric,
  kind public.price_alert_kind, target numeric, drop_pct numeric, currency text, paused boolean,
  best_price numeric, best_price_per_100ml numeric, last_fired_at timestamptz, created_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  -- runs as the caller: RLS shows only their own alerts
  select a.id, f.id, f.slug, f.name, b.name, a.variant_id, v.size_ml, a.kind, a.target, a.drop_pct, a.currency, a.paused,
         round(o.price_base / public.fx_rate(a.currency), 2), round(o.price_per_100ml_base / public.fx_rate(a.currency), 2),
         a.last_fired_at, a.created_at
  from public.price_alerts a
  join public.fragrances f on f.id = a.fragrance_id
  join public.brands b on b.id = f.brand_id
  left join public.variants v on v.id = a.variant_id
  left join lateral private.best_offer_for_alert(a.fragrance_id, a.variant_id, a.kind = 'per_100ml_below') o on true
  where a.user_id = (select auth.uid())
  order by a.created_at desc, a.id
$$;
comment on function public.my_price_alerts() is 'The caller''s price alerts, newest first, with the fragrance and today''s best in-stock price (null when none) in each alert''s currency. Signed-in users only.';
revoke execute on function public.my_price_alerts() from public, anon;
grant execute on function public.my_price_alerts() to authenticated;
