-- Prices: FX rates, webhook settings, ingest batches (lineage), append-only
-- observations in monthly partitions, the current offer per listing, price
-- history as validity ranges, anomalies held for review, daily rollups.

-- Settings the pipelines read; one row per knob, documented where it is used.
create table private.settings (
  key text primary key constraint settings_key_format check (key ~ '^[a-z0-9_]+$'),
  value jsonb not null,
  description text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.settings is 'Tunable thresholds of the pipelines (read with private.setting(key)).';
comment on column private.settings.key is 'Setting name.';
comment on column private.settings.value is 'Value as JSON (number, string, ...).';
comment on column private.settings.description is 'What it controls, and its unit.';
call private.track_updates('private.settings');

insert into private.settings (key, value, description) values
  ('match_auto_threshold', '0.80', 'Attribute-match confidence at or above which a listing is matched without review.'),
  ('match_review_threshold', '0.50', 'Confidence at or above which the best candidate is queued for review (below: unmatched).'),
  ('match_min_margin', '0.05', 'An auto-match needs this lead over the runner-up candidate, else it goes to review.'),
  ('anomaly_jump_share', '0.50', 'Flag a price that moves more than this share against its 30-day median.'),
  ('anomaly_below_low_margin', '0.30', 'Flag a price this share below the listing''s 30-day low (fake discount or price error).'),
  ('anomaly_factor_tolerance', '0.10', 'How close the ratio to the median must be to 100 (currency slip) or 29.57 (per-oz vs per-ml) to call it a unit or currency error.'),
  ('plausible_per_100ml_base', '[1, 5000]', 'Per-100 ml prices (base currency) outside this range are flagged when there is no history to compare with.'),
  ('observation_horizon_days', '400', 'Observations older than this are rolled up into daily aggregates and their monthly partitions dropped.'),
  ('stale_after_intervals', '2', 'An offer is stale when its retailer has not confirmed it for this many expected update intervals.'),
  ('max_batch_rows', '20000', 'Largest number of offers one webhook call may carry.')
on conflict do nothing;

create or replace function private.setting(setting_key text)
returns jsonb
language sql
stable
set search_path = ''
as $$ select value from private.settings where key = setting_key $$;
comment on function private.setting(text) is 'The value of a private.settings row (null when absent).';
revoke execute on function private.setting(text) from public;
grant select on private.settings to service_role;
grant execute on function private.setting(text) to service_role;

-- FX ------------------------------------------------------------------------------
create table public.fx_rates (
  currency text not null references public.currencies (code),
  valid_on date not null,
  rate_to_base numeric(18, 8) not null constraint fx_rates_rate_positive check (rate_to_base > 0),
  source text not null default 'ecb' constraint fx_rates_source_not_blank check (btrim(source) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (currency, valid_on)
);
comment on table public.fx_rates is 'Daily exchange rates into the base currency (EUR); a price is converted with the latest rate on or before its day.';
comment on column public.fx_rates.currency is 'Currency converted from.';
comment on column public.fx_rates.valid_on is 'Day the rate applies from.';
comment on column public.fx_rates.rate_to_base is 'Base-currency value of one unit (USD 0.92 means 1 USD = 0.92 EUR).';
comment on column public.fx_rates.source is 'Where the rate came from.';
call private.make_catalog_table('public.fx_rates');

create or replace function public.base_currency()
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$ select 'EUR'::text $$;
comment on function public.base_currency() is 'The currency every price is converted into for comparison (EUR). Changing it means re-converting every stored base price.';
revoke execute on function public.base_currency() from public;
grant execute on function public.base_currency() to anon, authenticated, service_role;

create or replace function public.fx_rate(from_currency text, on_day date default current_date)
returns numeric
language sql
stable
set search_path = ''
as $$
  select case when from_currency = public.base_currency() then 1::numeric
    else (select r.rate_to_base from public.fx_rates r
          where r.currency = from_currency and r.valid_on <= on_day
          order by r.valid_on desc limit 1) end
$$;
comment on function public.fx_rate(text, date) is 'Base-currency value of one unit of from_currency on a day (latest rate on or before it); null when unknown.';
revoke execute on function public.fx_rate(text, date) from public;
grant execute on function public.fx_rate(text, date) to anon, authenticated, service_role;

-- Webhook settings and secrets (readable by the owner only: no API role, not even service_role) ---
create table private.retailer_webhooks (
  retailer_id uuid primary key references public.retailers (id) on delete cascade,
  secret text not null constraint retailer_webhooks_secret_length check (length(secret) >= 16),
  previous_secret text constraint retailer_webhooks_previous_secret_length check (length(previous_secret) >= 16),
  previous_valid_until timestamptz,
  rate_limit_per_minute integer not null default 60 constraint retailer_webhooks_rate_limit_positive check (rate_limit_per_minute > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint retailer_webhooks_previous_has_expiry check ((previous_secret is null) = (previous_valid_until is null))
);
comment on table private.retailer_webhooks is 'Signing secrets and rate limits of each retailer''s price webhook. Granted to no API role; on hosted Supabase keep the secrets in Vault and this table in sync.';
comment on column private.retailer_webhooks.retailer_id is 'The retailer.';
comment on column private.retailer_webhooks.secret is 'Current HMAC-SHA256 signing secret.';
comment on column private.retailer_webhooks.previous_secret is 'The secret before the last rotation, still accepted until previous_valid_until.';
comment on column private.retailer_webhooks.previous_valid_until is 'End of the rotation grace period.';
comment on column private.retailer_webhooks.rate_limit_per_minute is 'Batches accepted per rolling minute; more get 429.';
call private.track_updates('private.retailer_webhooks');

-- Ingest batches: the lineage of every observation -------------------------------
create table private.ingest_batches (
  id bigint generated always as identity primary key,
  retailer_id uuid not null references public.retailers (id),
  received_at timestamptz not null default now(),
  idempotency_key text constraint ingest_batches_idempotency_key_length check (length(idempotency_key) between 1 and 255),
  payload_hash text not null constraint ingest_batches_payload_hash_sha256 check (payload_hash ~ '^[0-9a-f]{64}$'),
  content_type text not null constraint ingest_batches_content_type_known check (content_type in ('json', 'csv')),
  row_count integer not null constraint ingest_batches_row_count_nonnegative check (row_count >= 0),
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ingest_batches_payload_unique unique (retailer_id, payload_hash),
  constraint ingest_batches_idempotency_unique unique (retailer_id, idempotency_key)
);
comment on table private.ingest_batches is 'One row per accepted webhook call: who sent what when. A replay (same body, or same Idempotency-Key) returns the stored result.';
comment on column private.ingest_batches.id is 'Batch id, referenced by every observation.';
comment on column private.ingest_batches.retailer_id is 'Sender.';
comment on column private.ingest_batches.received_at is 'When the call arrived.';
comment on column private.ingest_batches.idempotency_key is 'The Idempotency-Key header, when sent.';
comment on column private.ingest_batches.payload_hash is 'SHA-256 (hex) of the raw body.';
comment on column private.ingest_batches.content_type is 'json or csv.';
comment on column private.ingest_batches.row_count is 'Offers in the body.';
comment on column private.ingest_batches.result is 'The counts and rejects answered to the sender.';
create index ingest_batches_received_idx on private.ingest_batches (retailer_id, received_at desc);
call private.track_updates('private.ingest_batches');

-- Observations: append-only, partitioned by month ---------------------------------
create table private.price_observations (
  id bigint generated always as identity,
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  batch_id bigint not null references private.ingest_batches (id),
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
  primary key (id, observed_at)
) partition by range (observed_at);
comment on table private.price_observations is 'Every price a retailer reported, as reported (append-only), with its batch and row: the lineage of every price shown. Monthly partitions; older than the horizon they are rolled up into private.price_daily and dropped.';
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
create table private.price_observations_default partition of private.price_observations default;
comment on table private.price_observations_default is 'Catches observations outside every monthly partition, so none is lost; private.ensure_price_partitions keeps it empty.';

create or replace function private.prevent_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end;
$$;
comment on function private.prevent_change() is 'Trigger: rejects UPDATE on append-only tables.';
revoke execute on function private.prevent_change() from public;
create trigger price_observations_append_only before update on private.price_observations
  for each row execute function private.prevent_change();

/** Creates the monthly partitions from `months_back` ago to `months_ahead` ahead; idempotent. */
create or replace function private.ensure_price_partitions(months_back integer default 1, months_ahead integer default 3)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  m date;
  created integer := 0;
  part text;
begin
  for m in
    select generate_series(date_trunc('month', now() - make_interval(months => months_back)),
                           date_trunc('month', now() + make_interval(months => months_ahead)), interval '1 month')::date
  loop
    part := format('price_observations_%s', to_char(m, 'YYYY_MM'));
    if to_regclass('private.' || part) is null then
      execute format('create table private.%I partition of private.price_observations for values from (%L) to (%L)',
                     part, m, (m + interval '1 month')::date);
      execute format('comment on table private.%I is %L', part, format('Price observations of %s.', to_char(m, 'YYYY-MM')));
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;
comment on function private.ensure_price_partitions(integer, integer) is 'Creates missing monthly partitions of private.price_observations around now; returns how many it made. Scheduled daily.';
revoke execute on function private.ensure_price_partitions(integer, integer) from public;
select private.ensure_price_partitions();

-- Current offer per listing (realtime) ----------------------------------------------
create table public.current_offers (
  listing_id uuid primary key references public.retailer_listings (id) on delete cascade,
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  variant_id uuid references public.variants (id) on delete set null,
  price numeric(12, 2) not null constraint current_offers_price_positive check (price > 0),
  currency text not null references public.currencies (code),
  price_base numeric(12, 2) not null constraint current_offers_price_base_positive check (price_base > 0),
  price_per_100ml_base numeric(12, 2),
  in_stock boolean not null,
  observed_at timestamptz not null,
  batch_id bigint not null,
  stale boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.current_offers is 'The latest reviewed price of each listing. In the supabase_realtime publication: subscribe to see prices change. Prices held for review never land here until approved.';
comment on column public.current_offers.listing_id is 'The listing.';
comment on column public.current_offers.retailer_id is 'Denormalized from the listing so freshness can be judged per retailer without a join; set by the ingest function from the same row.';
comment on column public.current_offers.variant_id is 'Denormalized: the listing''s matched variant, copied by the ingest function and by matching, so best_offers reads one table per variant.';
comment on column public.current_offers.price is 'Price as sent.';
comment on column public.current_offers.currency is 'Currency as sent.';
comment on column public.current_offers.price_base is 'Price in the base currency.';
comment on column public.current_offers.price_per_100ml_base is 'Base-currency price per 100 ml.';
comment on column public.current_offers.in_stock is 'Availability.';
comment on column public.current_offers.observed_at is 'When the retailer last reported this price.';
comment on column public.current_offers.batch_id is 'Batch that reported it (lineage).';
comment on column public.current_offers.stale is 'Not confirmed within the retailer''s freshness SLA; excluded from best offers.';
create index current_offers_variant_idx on public.current_offers (variant_id);
create index current_offers_retailer_idx on public.current_offers (retailer_id);
create index current_offers_currency_idx on public.current_offers (currency);
call private.make_catalog_table('public.current_offers');
alter publication supabase_realtime add table public.current_offers;

-- Price history as validity ranges ---------------------------------------------------
create table public.price_history (
  id bigint generated always as identity primary key,
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  price numeric(12, 2) not null constraint price_history_price_positive check (price > 0),
  currency text not null constraint price_history_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  price_base numeric(12, 2) not null constraint price_history_price_base_positive check (price_base > 0),
  in_stock boolean not null,
  valid tstzrange not null constraint price_history_valid_not_empty check (not isempty(valid)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint price_history_no_overlap exclude using gist (listing_id with =, valid with &&)
);
comment on table public.price_history is 'Each listing''s price over time as non-overlapping validity ranges; the open range (upper bound infinity) is the current one.';
comment on column public.price_history.id is 'Row id.';
comment on column public.price_history.listing_id is 'The listing.';
comment on column public.price_history.price is 'Price as sent.';
comment on column public.price_history.currency is 'Currency as sent (checked on ingest).';
comment on column public.price_history.price_base is 'Price in the base currency when it started.';
comment on column public.price_history.in_stock is 'Availability during the range.';
comment on column public.price_history.valid is 'When this price held: [first seen, next different price).';
-- listing_id leads the exclusion constraint's GiST index, which serves the FK.
create index price_history_listing_idx on public.price_history (listing_id, lower(valid) desc);
call private.make_catalog_table('public.price_history');

-- Anomalies held for review ------------------------------------------------------------
create type public.price_anomaly_kind as enum ('currency_error', 'unit_error', 'jump', 'below_30d_low', 'implausible');
comment on type public.price_anomaly_kind is 'Why a price was held: a 100x currency slip, per-oz vs per-ml, a jump against the 30-day median, a drop under the 30-day low, or an implausible price with no history.';
create type public.review_status as enum ('pending', 'approved', 'rejected');
comment on type public.review_status is 'Where a held item is in review.';

create table private.price_anomalies (
  id bigint generated always as identity primary key,
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  batch_id bigint not null references private.ingest_batches (id),
  row_number integer not null,
  observed_at timestamptz not null,
  price numeric(12, 2) not null,
  currency text not null constraint price_anomalies_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  price_base numeric(12, 2) not null,
  in_stock boolean not null,
  kind public.price_anomaly_kind not null,
  reason text not null,
  reference_price_base numeric(12, 2),
  status public.review_status not null default 'pending',
  reviewed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint price_anomalies_reviewed_consistent check ((status = 'pending') = (reviewed_at is null))
);
comment on table private.price_anomalies is 'Prices held for review instead of becoming the current offer; approving one applies it.';
comment on column private.price_anomalies.id is 'Anomaly id.';
comment on column private.price_anomalies.listing_id is 'The listing.';
comment on column private.price_anomalies.batch_id is 'Batch that sent it.';
comment on column private.price_anomalies.row_number is 'Row in that batch.';
comment on column private.price_anomalies.observed_at is 'When the price was observed.';
comment on column private.price_anomalies.price is 'Price as sent.';
comment on column private.price_anomalies.currency is 'Currency as sent.';
comment on column private.price_anomalies.price_base is 'Price in the base currency.';
comment on column private.price_anomalies.in_stock is 'Availability as sent.';
comment on column private.price_anomalies.kind is 'What looked wrong.';
comment on column private.price_anomalies.reason is 'Human-readable reason with the numbers.';
comment on column private.price_anomalies.reference_price_base is 'The median or low it was compared with.';
comment on column private.price_anomalies.status is 'pending, approved or rejected.';
comment on column private.price_anomalies.reviewed_at is 'When it was reviewed.';
create index price_anomalies_listing_idx on private.price_anomalies (listing_id);
create index price_anomalies_batch_idx on private.price_anomalies (batch_id);
create index price_anomalies_pending_idx on private.price_anomalies (created_at) where status = 'pending';
call private.track_updates('private.price_anomalies');

-- Listings waiting for a person: the best candidate found, below the auto-match threshold.
create table private.listing_match_candidates (
  listing_id uuid primary key references public.retailer_listings (id) on delete cascade,
  variant_id uuid not null references public.variants (id) on delete cascade,
  confidence numeric(4, 3) not null constraint listing_match_candidates_confidence_range check (confidence between 0 and 1),
  runner_up_confidence numeric(4, 3),
  parsed jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.listing_match_candidates is 'Review queue of matching: the best candidate variant of each listing in review, with the parse it was found from.';
comment on column private.listing_match_candidates.listing_id is 'Listing in review.';
comment on column private.listing_match_candidates.variant_id is 'Best candidate variant.';
comment on column private.listing_match_candidates.confidence is 'Its confidence.';
comment on column private.listing_match_candidates.runner_up_confidence is 'Confidence of the second-best candidate (close calls go to review).';
comment on column private.listing_match_candidates.parsed is 'The title parse the match used.';
create index listing_match_candidates_variant_idx on private.listing_match_candidates (variant_id);
call private.track_updates('private.listing_match_candidates');

-- Daily rollups of dropped partitions ----------------------------------------------------
create table private.price_daily (
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  day date not null,
  currency text not null constraint price_daily_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  min_price numeric(12, 2) not null,
  max_price numeric(12, 2) not null,
  avg_price numeric(12, 2) not null,
  min_price_base numeric(12, 2) not null,
  observations integer not null constraint price_daily_observations_positive check (observations > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (listing_id, day, currency)
);
comment on table private.price_daily is 'Daily aggregates of observations older than the horizon (their partitions are dropped after rollup).';
comment on column private.price_daily.listing_id is 'The listing.';
comment on column private.price_daily.day is 'UTC day.';
comment on column private.price_daily.currency is 'Currency as sent.';
comment on column private.price_daily.min_price is 'Lowest price that day.';
comment on column private.price_daily.max_price is 'Highest price that day.';
comment on column private.price_daily.avg_price is 'Mean price that day.';
comment on column private.price_daily.min_price_base is 'Lowest base-currency price that day.';
comment on column private.price_daily.observations is 'Observations aggregated.';
call private.track_updates('private.price_daily');

-- Freshness SLA breaches --------------------------------------------------------------------
create table private.freshness_breaches (
  id bigint generated always as identity primary key,
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  detected_at timestamptz not null default now(),
  last_batch_at timestamptz,
  expected_interval interval not null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint freshness_breaches_resolved_after_detected check (resolved_at >= detected_at)
);
comment on table private.freshness_breaches is 'A retailer silent for longer than its expected update interval; open while resolved_at is null.';
comment on column private.freshness_breaches.id is 'Breach id.';
comment on column private.freshness_breaches.retailer_id is 'The silent retailer.';
comment on column private.freshness_breaches.detected_at is 'When the freshness job noticed.';
comment on column private.freshness_breaches.last_batch_at is 'Its latest batch at that time (null: never sent one).';
comment on column private.freshness_breaches.expected_interval is 'Its SLA at that time.';
comment on column private.freshness_breaches.resolved_at is 'When a batch arrived again.';
create unique index freshness_breaches_one_open_idx on private.freshness_breaches (retailer_id) where resolved_at is null;
create index freshness_breaches_retailer_idx on private.freshness_breaches (retailer_id, detected_at desc);
call private.track_updates('private.freshness_breaches');

grant select on private.ingest_batches, private.price_observations, private.price_anomalies, private.listing_match_candidates,
  private.price_daily, private.freshness_breaches to service_role;
