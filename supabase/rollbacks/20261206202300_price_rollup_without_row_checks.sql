-- Rollback of 20261206202300_price_rollup_without_row_checks.sql: the foreign key again (validated), the rollup as it was; reviewed.

set local check_function_bodies = off;

DROP TRIGGER "price_daily_cascade" ON "public"."retailer_listings";

DROP FUNCTION "private"."delete_listing_price_daily"();

CREATE OR REPLACE FUNCTION private.rollup_price_observations()
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  horizon timestamptz := now() - make_interval(days => (private.setting('observation_horizon_days'))::int);
  part record;
  dropped integer := 0;
begin
  for part in
    select c.relname, to_date(right(c.relname, 7), 'YYYY_MM') as month
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'private.price_observations'::regclass and c.relname ~ '_[0-9]{4}_[0-9]{2}$'
    order by 2
  loop
    exit when part.month + interval '1 month' > horizon;
    execute format($sql$
      insert into private.price_daily (listing_id, day, currency, min_price, max_price, avg_price, min_price_base, observations)
      select listing_id, observed_at::date, currency, min(price), max(price), round(avg(price), 2), min(price_base), count(*)
      from private.%I
      where anomaly is null
      group by listing_id, observed_at::date, currency
      on conflict (listing_id, day, currency) do update
        set min_price = least(price_daily.min_price, excluded.min_price),
            max_price = greatest(price_daily.max_price, excluded.max_price),
            avg_price = round((price_daily.avg_price * price_daily.observations + excluded.avg_price * excluded.observations)
                              / (price_daily.observations + excluded.observations), 2),
            min_price_base = least(price_daily.min_price_base, excluded.min_price_base),
            observations = price_daily.observations + excluded.observations
      $sql$, part.relname);
    execute format('drop table private.%I', part.relname);
    dropped := dropped + 1;
  end loop;
  return dropped;
end;
$function$;

ALTER TABLE "private"."price_daily"
  ADD CONSTRAINT "price_daily_listing_id_fkey" FOREIGN KEY (listing_id) REFERENCES public.retailer_listings(id) ON DELETE CASCADE;

COMMENT ON COLUMN "private"."price_daily"."listing_id" IS 'The listing.';
