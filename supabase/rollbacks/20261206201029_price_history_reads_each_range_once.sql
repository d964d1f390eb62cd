-- Rollback of 20261206201029_price_history_reads_each_range_once.sql: the bucket-by-bucket join again; reviewed.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION public.price_history (
  variant_id uuid,
  "from"     timestamp with time zone,
  "to"       timestamp with time zone DEFAULT now(),
  bucket     text                     DEFAULT 'day'::text
)
  RETURNS TABLE (
    bucket_start timestamp with time zone,
    min_price    numeric,
    avg_price    numeric,
    max_price    numeric,
    currency     text,
    retailers    integer
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
begin
  if bucket not in ('day', 'week', 'month') then
    raise exception 'bucket must be day, week or month, not "%"', bucket using errcode = '22023';
  end if;
  if "from" is null or "to" is null or "from" >= "to" then
    raise exception '"from" must be before "to"' using errcode = '22023';
  end if;
  if "to" - "from" > interval '5 years' then
    raise exception 'at most 5 years per call' using errcode = '22023';
  end if;
  return query
  select b.start, min(h.price_base), round(avg(h.price_base), 2), max(h.price_base), public.base_currency(),
         count(distinct h.listing_id)::integer
  -- buckets up to now: the history knows no price of the future
  from generate_series(date_trunc(bucket, "from"), least("to", now()), ('1 ' || bucket)::interval) as b (start)
  join public.price_history h on h.valid && tstzrange(b.start, b.start + ('1 ' || bucket)::interval)
  join public.retailer_listings l on l.id = h.listing_id and l.variant_id = price_history.variant_id and l.status = 'matched'
  group by b.start
  order by b.start;
end;
$function$;
