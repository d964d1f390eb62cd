-- An approved anomaly's price per 100 ml divides by the listing's volume_ml, as the ingest function
-- does (20261125090000_listing_volume), and reads the listing once for it and the variant.

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
    perform private.apply_offers(a.batch_id, (
      select jsonb_build_array(jsonb_build_object(
        'listing_id', a.listing_id, 'variant_id', l.variant_id, 'price', a.price, 'currency', a.currency, 'price_base', a.price_base,
        'price_per_100ml_base', round(a.price_base / l.volume_ml * 100, 2), 'in_stock', a.in_stock, 'observed_at', a.observed_at))
      from public.retailer_listings l where l.id = a.listing_id));
  end if;
  return a.status;
end;
$$;
