-- Price observations: every price as a retailer reported it, append-only, in
-- monthly partitions made ahead by the daily price-partitions job (and rolled
-- up past the horizon: price_daily.sql).

create table private.price_observations (
  id bigint generated always as identity,
  listing_id uuid not null,  -- references of this table are set-wise (below)
  batch_id bigint not null,
  row_number integer not null constraint price_observations_row_number_positive check (row_number >= 1),
  observed_at timestamptz not null,
  price numeric(12, 2) not null constraint price_observations_price_positive check (price > 0),
  currency text not null constraint price_observations_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  price_base numeric(12, 2) not null constraint price_observations_price_base_positive check (price_base > 0),
  price_per_100ml_base numeric(12, 2),
  in_stock boolean not null,
  anomaly text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  shipping numeric(12, 2) constraint price_observations_shipping_nonnegative check (shipping >= 0),
  primary key (id, observed_at)
) partition by range (observed_at);
comment on table private.price_observations is 'Every price a retailer reported, as reported (append-only), with its batch and row: the lineage of every price shown. Monthly partitions; older than the horizon they are rolled up into private.price_daily and dropped.';
-- A price batch reads these comments as the reasons of its rejects (prices/ingest_rules.sql).
comment on constraint price_observations_price_positive on private.price_observations is 'must be at least 0.01';
comment on constraint price_observations_price_base_positive on private.price_observations is 'is under 0.01 in the base currency once converted';
comment on constraint price_observations_currency_iso4217 on private.price_observations is 'must be a three-letter ISO-4217 code';
comment on constraint price_observations_shipping_nonnegative on private.price_observations is 'must be 0 (free) or more';
comment on column private.price_observations.shipping is 'Shipping cost as sent, in the price''s currency (0 is free); null when the feed did not say.';
comment on column private.price_observations.id is 'Observation id.';
comment on column private.price_observations.listing_id is 'The listing priced.';
comment on column private.price_observations.batch_id is 'The webhook call it came in.';
comment on column private.price_observations.row_number is 'Its position in that call''s body (1-based).';
comment on column private.price_observations.observed_at is 'When the retailer says the price held (the partition key).';
comment on column private.price_observations.price is 'Price as sent.';
comment on column private.price_observations.currency is 'Currency as sent (checked against public.currencies by the ingest function, the only writer; no FK so the hot append path skips a lookup per row).';
comment on column private.price_observations.price_base is 'Price in the base currency at that day''s rate.';
comment on column private.price_observations.price_per_100ml_base is 'Base-currency price per 100 ml, when the listing is matched to a variant.';
comment on column private.price_observations.in_stock is 'Availability as sent.';
comment on column private.price_observations.anomaly is 'Why the price was held for review (null when it was not).';
comment on column private.price_observations.created_at is 'When the row was created.';
comment on column private.price_observations.updated_at is 'Never changes: observations are append-only.';
create index price_observations_listing_idx on private.price_observations (listing_id, observed_at desc);
create index price_observations_batch_idx on private.price_observations (batch_id);
-- Feeds arrive roughly in time order, so a block range index finds a day's observations (the
-- price-facts pipeline reads whole days) at the cost of a few pages, and costs the ingest nothing.
create index price_observations_observed_brin on private.price_observations using brin (observed_at);
grant select on private.price_observations to service_role;
-- A batch observes thousands of prices of its listings: their references are checked once per
-- statement, not once per row (foundation/references.sql).
call private.reference('private.price_observations', 'listing_id', 'public.retailer_listings', 'cascade');
call private.reference('private.price_observations', 'batch_id', 'private.ingest_batches', 'no action');
create table private.price_observations_default partition of private.price_observations default;
comment on table private.price_observations_default is 'Catches observations outside every monthly partition, so none is lost; private.ensure_price_partitions keeps it empty.';

create trigger price_observations_append_only before update on private.price_observations
  for each row execute function private.prevent_change();

/** The price-partitions step (a function without arguments, for run_pipeline). */
create or replace function private.ensure_price_partitions(months_back integer default 1, months_ahead integer default 3)
returns integer
language sql
set search_path = ''
as $$ select private.ensure_monthly_partitions('private.price_observations', months_back, months_ahead) $$;
comment on function private.ensure_price_partitions(integer, integer) is 'Creates missing monthly partitions of private.price_observations around now; returns how many it made. Scheduled daily.';
revoke execute on function private.ensure_price_partitions(integer, integer) from public;
select private.ensure_price_partitions();
