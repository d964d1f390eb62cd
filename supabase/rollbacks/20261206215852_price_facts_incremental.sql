-- Rollback of 20261206215852_price_facts_incremental.sql: the two materialized views again
-- (populated as they are created), refreshed daily; reviewed.

set local check_function_bodies = off;

SELECT cron.unschedule('price-facts');

DROP TRIGGER "price_fact_days" ON "private"."price_observations";

DROP TRIGGER "price_fact_listing_deleted" ON "public"."retailer_listings";

DROP TRIGGER "price_fact_listing_rematched" ON "public"."retailer_listings";

DROP INDEX "private"."price_observations_observed_brin";

DROP VIEW "private"."price_fact_observations";

DROP FUNCTION "private"."mark_price_fact_days"();

DROP FUNCTION "private"."mark_price_fact_listing"();

DROP FUNCTION "private"."recompute_price_fact_days"(date[], date);

DROP FUNCTION "private"."recompute_price_fact_listings"(uuid[], uuid[]);

DROP FUNCTION "private"."rollup_price_facts"(date);

DROP FUNCTION "public"."dashboard_price_index"(uuid, date, date);

DROP TABLE "analytics"."fact_price_daily";

DROP TABLE "analytics"."price_index_daily";

DROP TABLE "private"."price_facts_stale";

CREATE OR REPLACE FUNCTION public.dashboard_refreshes()
  RETURNS TABLE (
    view              text,
    populated         boolean,
    last_refreshed_at timestamp with time zone,
    last_status       text,
    last_error        text,
    rows              bigint
  )
  LANGUAGE sql
  STABLE
  SET search_path TO ''
  AS $function$
  select v.view, v.populated, r.finished_at, r.status, r.error, r.rows_out
  from (
    select format('%I.%I', m.schemaname, m.matviewname) as view, m.ispopulated as populated, 'mv-refresh' as pipeline,
           format('%I.%I', m.schemaname, m.matviewname) as subject
    from pg_catalog.pg_matviews m where m.schemaname = 'analytics'
    -- tables kept incrementally by a pipeline of their own
    union all select 'analytics.affiliate_ctr_daily', true, 'affiliate-ctr', null
  ) v
  left join lateral (select * from private.pipeline_runs r where r.pipeline = v.pipeline and r.subject is not distinct from v.subject
                     order by r.started_at desc limit 1) r on true
  order by 1
$function$;

CREATE MATERIALIZED VIEW "analytics"."fact_price_daily"
  AS  SELECT (to_char(o.observed_at, 'YYYYMMDD'::text))::integer AS date_key,
    o.listing_id,
    l.retailer_id,
    v.fragrance_id,
    v.id AS variant_id,
    min(o.price_base) AS min_price_base,
    min(o.price_per_100ml_base) AS min_per_100ml_base,
    count(*) AS observations
   FROM ((private.price_observations o
     JOIN public.retailer_listings l ON ((l.id = o.listing_id)))
     JOIN public.variants v ON ((v.id = l.variant_id)))
  WHERE (o.anomaly IS NULL)
  GROUP BY (to_char(o.observed_at, 'YYYYMMDD'::text))::integer, o.listing_id, l.retailer_id, v.fragrance_id, v.id;

CREATE MATERIALIZED VIEW "analytics"."price_index_daily"
  AS  SELECT (o.observed_at)::date AS day,
    v.fragrance_id,
    round((percentile_cont((0.5)::double precision) WITHIN GROUP (ORDER BY ((o.price_per_100ml_base)::double precision)))::numeric, 2) AS median_per_100ml,
    count(*) AS observations,
    count(DISTINCT l.retailer_id) AS retailers
   FROM ((private.price_observations o
     JOIN public.retailer_listings l ON ((l.id = o.listing_id)))
     JOIN public.variants v ON ((v.id = l.variant_id)))
  WHERE ((o.anomaly IS NULL) AND (o.price_per_100ml_base IS NOT NULL))
  GROUP BY ((o.observed_at)::date), v.fragrance_id;

CREATE OR REPLACE FUNCTION public.dashboard_price_index (
  fragrance_id uuid,
  "from"       date,
  "to"         date DEFAULT CURRENT_DATE
)
  RETURNS SETOF analytics.price_index_daily
  LANGUAGE sql
  STABLE
  SET search_path TO ''
  AS $function$
  select * from analytics.price_index_daily p
  where p.fragrance_id = dashboard_price_index.fragrance_id and p.day between "from" and "to" order by p.day
$function$;

REVOKE ALL ON FUNCTION "public"."dashboard_price_index"(uuid, date, date) FROM PUBLIC, "anon", "authenticated";

CREATE INDEX fact_price_daily_fragrance_idx ON analytics.fact_price_daily USING btree (fragrance_id, date_key);

CREATE UNIQUE INDEX fact_price_daily_key_idx ON analytics.fact_price_daily USING btree (listing_id, date_key);

CREATE UNIQUE INDEX price_index_daily_key_idx ON analytics.price_index_daily USING btree (fragrance_id, day);

COMMENT ON FUNCTION "public"."dashboard_price_index"(uuid, date, date) IS 'Daily median price per 100 ml of a fragrance. service_role only.';

COMMENT ON MATERIALIZED VIEW "analytics"."fact_price_daily" IS 'Price fact. Grain: one row per listing and day (matched listings, unflagged observations): lowest price and per-100 ml price in the base currency. Keys: dim_date, dim_retailer, dim_fragrance. Refreshed daily.';

COMMENT ON MATERIALIZED VIEW "analytics"."price_index_daily" IS 'Grain: one row per day and fragrance. Median price per 100 ml in the base currency over unflagged observations (until they are rolled up), with observation and retailer counts. Refreshed daily.';

REVOKE ALL ON FUNCTION "public"."dashboard_price_index"(uuid, date, date) FROM "postgres";

GRANT EXECUTE ON FUNCTION "public"."dashboard_price_index"(uuid, date, date) TO "postgres";

GRANT EXECUTE ON FUNCTION "public"."dashboard_price_index"(uuid, date, date) TO "service_role";

GRANT SELECT ON TABLE "analytics"."fact_price_daily" TO "service_role";

GRANT SELECT ON TABLE "analytics"."price_index_daily" TO "service_role";

SELECT cron.schedule_in_database('refresh-fact_price_daily', '50 2 * * *', 'select private.refresh_materialized_view(''analytics.fact_price_daily'')', 'postgres', NULL, true);

SELECT cron.schedule_in_database('refresh-price_index_daily', '40 2 * * *', 'select private.refresh_materialized_view(''analytics.price_index_daily'')', 'postgres', NULL, true);

delete from private.pipeline_runs where pipeline = 'price-facts';
delete from private.pipelines where name = 'price-facts';
