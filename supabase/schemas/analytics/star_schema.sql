-- A small star schema for reporting: date, fragrance and retailer dimensions,
-- price and click facts (the dates of dim_date are rows: analytics/data.sql).

create table analytics.dim_date (
  date_key integer primary key,
  date date not null unique,
  year smallint not null,
  quarter smallint not null,
  month smallint not null,
  iso_week smallint not null,
  day_of_week smallint not null,
  is_weekend boolean not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table analytics.dim_date is 'Date dimension, one row per day from 2020 to 2040 (static).';
grant select on analytics.dim_date to service_role;
comment on column analytics.dim_date.date_key is 'YYYYMMDD.';
comment on column analytics.dim_date.date is 'The day.';
comment on column analytics.dim_date.year is 'Calendar year.';
comment on column analytics.dim_date.quarter is 'Quarter, 1-4.';
comment on column analytics.dim_date.month is 'Month, 1-12.';
comment on column analytics.dim_date.iso_week is 'ISO week number.';
comment on column analytics.dim_date.day_of_week is 'ISO day of week, 1 (Monday) to 7.';
comment on column analytics.dim_date.is_weekend is 'Saturday or Sunday.';

create materialized view analytics.dim_fragrance as
select f.id as fragrance_id, f.name, b.name as brand, f.concentration, f.gender, f.family_slug, f.launch_year, f.deleted_at is not null as deleted
from public.fragrances f join public.brands b on b.id = f.brand_id;
comment on materialized view analytics.dim_fragrance is 'Fragrance dimension: one row per fragrance (deleted ones flagged, so old facts keep their label). Refreshed daily.';
create unique index dim_fragrance_key_idx on analytics.dim_fragrance (fragrance_id);
grant select on analytics.dim_fragrance to service_role;

create materialized view analytics.dim_retailer as
select r.id as retailer_id, r.slug, r.name, r.country, r.currency, r.affiliate_network, r.active
from public.retailers r;
comment on materialized view analytics.dim_retailer is 'Retailer dimension: one row per retailer. Refreshed daily.';
create unique index dim_retailer_key_idx on analytics.dim_retailer (retailer_id);
grant select on analytics.dim_retailer to service_role;

-- analytics.fact_price_daily, the price fact, is a table the price-facts pipeline keeps (price_facts.sql).

create materialized view analytics.fact_click_daily as
select to_char(c.clicked_at, 'YYYYMMDD')::int as date_key, c.retailer_id, v.fragrance_id,
       count(*) as clicks, count(*) filter (where c.user_id is not null) as signed_in_clicks
from public.affiliate_clicks c
join public.retailer_listings l on l.id = c.listing_id
join public.variants v on v.id = l.variant_id
group by 1, 2, 3;
comment on materialized view analytics.fact_click_daily is 'Click fact. Grain: one row per day, retailer and fragrance: affiliate clicks, of which signed in. Keys: dim_date, dim_retailer, dim_fragrance. Refreshed hourly.';
create unique index fact_click_daily_key_idx on analytics.fact_click_daily (date_key, retailer_id, fragrance_id);
grant select on analytics.fact_click_daily to service_role;
