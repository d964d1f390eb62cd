-- Rollback of 20261125100200_review_anomaly_listing_volume.sql: the function as 20261121101000_price_rpcs.sql defined it.
create or replace function public.review_price_anomaly(anomaly_id bigint, approve boolean)
returns public.review_status
language plpgsql
set search_path = ''
as $$
declare
  a private.price_anomalies;
begin
  update private.price_anomalies set status = case when approve then 'approved' else 'rejected' end::public.review_status,
         reviewed_at = now()
  where id = anomaly_id and status = 'pending'
  returning * into a;
  if not found then
    raise exception 'no pending price anomaly %', anomaly_id using errcode = 'P0002';
  end if;
  if approve then
    perform private.apply_offers(a.batch_id, jsonb_build_array(jsonb_build_object(
      'listing_id', a.listing_id, 'variant_id', (select variant_id from public.retailer_listings where id = a.listing_id),
      'price', a.price, 'currency', a.currency, 'price_base', a.price_base,
      'price_per_100ml_base', (select round(a.price_base / (v.size_ml * v.quantity) * 100, 2)
                               from public.retailer_listings l join public.variants v on v.id = l.variant_id where l.id = a.listing_id),
      'in_stock', a.in_stock, 'observed_at', a.observed_at)));
  end if;
  return a.status;
end;
$$;
