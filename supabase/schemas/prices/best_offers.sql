-- best_offers: the frontend's price comparison, the best current offer of each
-- variant of a fragrance in the shopper's currency.

create or replace function public.best_offers(fragrance_id uuid, currency text default 'EUR')
returns table (
  variant_id uuid, size_ml numeric, packaging public.packaging, quantity smallint,
  retailer_id uuid, retailer_name text, listing_id uuid, title text,
  price numeric, price_currency text, price_converted numeric, price_per_100ml numeric, converted_currency text,
  in_stock boolean, url text, observed_at timestamptz, low_30d numeric, change_vs_low_pct numeric,
  shipping numeric, total numeric
)
language plpgsql
stable
set search_path = ''
as $$
declare
  rate numeric := public.fx_rate(upper(best_offers.currency));
begin
  if rate is null then
    raise exception 'unknown currency "%"', best_offers.currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  return query
  select distinct on (v.id)
    v.id, v.size_ml, v.packaging, v.quantity, r.id, r.name, l.id, l.title,
    o.price, o.currency, round(o.price_base / rate, 2), round(o.price_per_100ml_base / rate, 2), upper(best_offers.currency),
    o.in_stock, coalesce(l.affiliate_url, l.url), o.observed_at, round(o.low_30d_base / rate, 2), o.change_vs_low_pct,
    round(o.shipping_base / rate, 2), round((o.price_base + o.shipping_base) / rate, 2)
  from public.variants v
  join public.current_offers o on o.variant_id = v.id and not o.stale
  join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = v.id
  join public.retailers r on r.id = o.retailer_id and r.active
  where v.fragrance_id = best_offers.fragrance_id
  order by v.id, o.in_stock desc, o.price_base, o.observed_at desc;
end;
$$;
comment on function public.best_offers(uuid, text) is
  'Best current offer per variant of a fragrance: in stock first, then cheapest; stale offers and prices held for review excluded; converted to the requested currency at today''s rate. low_30d is the lowest in-stock price of the 30 days before the price began (the EU Omnibus reference), change_vs_low_pct the price against it; shipping and total (price + shipping) in the same currency, null when the retailer did not send shipping.';
revoke execute on function public.best_offers(uuid, text) from public;
grant execute on function public.best_offers(uuid, text) to anon, authenticated, service_role;
