-- Baseline, prices: FX, retailer webhooks, ingest batches, observations, current offers, price history, anomalies, matching, the ingest function, freshness, best offers.
-- The concatenation of supabase/schemas/prices/ in schema_paths order (supabase/config.toml), made when
-- the history was rebased onto declarative schemas; the files there are the current definitions.

-- ========== supabase/schemas/prices/fx.sql ==========

-- Exchange rates into the base currency (EUR), and the conversion helpers.

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

-- ========== supabase/schemas/prices/retailer_webhooks.sql ==========

-- Each retailer's webhook signing secrets and rate limit: readable by the
-- owner only (no API role, not even service_role). A rotation is audited.

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
create trigger audit_secret_rotation after update on private.retailer_webhooks for each row execute function private.audit_sensitive_change();

-- ========== supabase/schemas/prices/ingest_batches.sql ==========

-- Ingest batches: one row per accepted webhook call, the lineage of every
-- observation; storing a batch's result records its price-ingest run.

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
grant select on private.ingest_batches to service_role;

/** Records a price-ingest run when a batch's result is stored (replays store nothing, so record nothing). */
create or replace function private.ingest_batches_record_run()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.record_pipeline_run(
    'price-ingest', new.received_at, new.row_count, (new.result ->> 'accepted')::bigint, (new.result ->> 'rejected')::bigint,
    null,
    jsonb_build_object('batch_id', new.id, 'matched', new.result -> 'matched', 'unmatched', new.result -> 'unmatched',
                       'anomalies', new.result -> 'anomalies'),
    (select r.slug from public.retailers r where r.id = new.retailer_id));
  return null;
end;
$$;
comment on function private.ingest_batches_record_run() is 'AFTER UPDATE trigger on private.ingest_batches: one price-ingest run per batch whose result was just stored.';
revoke execute on function private.ingest_batches_record_run() from public;
create trigger ingest_batches_record_run
  after update of result on private.ingest_batches
  for each row when (old.result is null and new.result is not null)
  execute function private.ingest_batches_record_run();

-- ========== supabase/schemas/prices/price_observations.sql ==========

-- Price observations: every price as a retailer reported it, append-only, in
-- monthly partitions made ahead by the daily price-partitions job (and rolled
-- up past the horizon: price_daily.sql).

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
grant select on private.price_observations to service_role;
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

-- ========== supabase/schemas/prices/current_offers.sql ==========

-- The current offer of each listing: its latest reviewed price, in the
-- realtime publication so a frontend can watch prices change.

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
)
-- Room on each page for every row's next version at once: a feed batch confirms or reprices a run of
-- offers in one transaction, so all rows of a page are updated together (HOT only if they all fit).
with (fillfactor = 50);
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
-- Statements that write updated_at themselves (the ingest's confirm step) skip the per-row trigger call.
drop trigger set_updated_at on public.current_offers;
create trigger set_updated_at before update on public.current_offers
  for each row when (new.updated_at is not distinct from old.updated_at) execute function private.set_updated_at();

-- ========== supabase/schemas/prices/price_history.sql ==========

-- Price history: each listing's price over time as non-overlapping validity
-- ranges, and the price_history RPC that buckets them per day, week or month.

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
-- Each listing's open range, found without reading its closed ones.
create index price_history_open_idx on public.price_history (listing_id) where upper_inf(valid);
comment on index public.price_history_open_idx is 'The open (current) range of each listing; at most one, by the exclusion constraint.';
call private.make_catalog_table('public.price_history');

create or replace function public.price_history(variant_id uuid, "from" timestamptz, "to" timestamptz default now(), bucket text default 'day')
returns table (bucket_start timestamptz, min_price numeric, avg_price numeric, max_price numeric, currency text, retailers integer)
language plpgsql
stable
set search_path = ''
as $$
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
  from generate_series(date_trunc(bucket, "from"), "to", ('1 ' || bucket)::interval) as b (start)
  join public.price_history h on h.valid && tstzrange(b.start, b.start + ('1 ' || bucket)::interval)
  join public.retailer_listings l on l.id = h.listing_id and l.variant_id = price_history.variant_id and l.status = 'matched'
  group by b.start
  order by b.start;
end;
$$;
comment on function public.price_history(uuid, timestamptz, timestamptz, text) is
  'Min, mean and max base-currency price of a variant across retailers per day, week or month, from the validity ranges of public.price_history.';
revoke execute on function public.price_history(uuid, timestamptz, timestamptz, text) from public;
grant execute on function public.price_history(uuid, timestamptz, timestamptz, text) to anon, authenticated, service_role;

-- ========== supabase/schemas/prices/price_anomalies.sql ==========

-- Prices held for review instead of becoming current (a 100x currency slip,
-- a per-oz price, a jump against the 30-day median, ...), and the service_role
-- RPC that approves or rejects one.

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
grant select on private.price_anomalies to service_role;

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
comment on function public.review_price_anomaly(bigint, boolean) is 'Approves (the price becomes current if it is the latest) or rejects a price held for review. service_role only.';
revoke execute on function public.review_price_anomaly(bigint, boolean) from public, anon, authenticated;
grant execute on function public.review_price_anomaly(bigint, boolean) to service_role;

-- ========== supabase/schemas/prices/matching.sql ==========

-- Matching listings to variants (GTIN, then attribute similarity), and the
-- review queue of listings whose best candidate is below the auto-match threshold.

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
grant select on private.listing_match_candidates to service_role;

/**
 * Matches listings (given with their title parse) to variants: GTIN first,
 * then brand + name + concentration + size + packaging by trigram similarity.
 * Opposite genders never match. Auto-matches only above match_auto_threshold with a lead of match_min_margin;
 * a weaker best candidate goes to review, none leaves the listing unmatched.
 * Manual and existing matches are never touched.
 */
create or replace function private.match_listings(listings jsonb)
returns void
language plpgsql
set search_path = ''
set jit = off  -- compiling the candidate search cost more than running it (~0.7 s per batch of new listings)
as $$
declare
  auto_threshold numeric := private.setting('match_auto_threshold')::numeric;
  review_threshold numeric := private.setting('match_review_threshold')::numeric;
  min_margin numeric := private.setting('match_min_margin')::numeric;
begin
  -- Temp tables declared for plpgsql_check (`supabase db lint`); a no-op at run time.
  perform 'PRAGMA:TABLE: _to_match (listing_id uuid, gtin text, parsed jsonb, name text, brand_given boolean, brand_ids uuid[], concentration text, size_ml numeric, packaging text, quantity integer, gender text)';
  perform 'PRAGMA:TABLE: _candidates (listing_id uuid, variant_id uuid, score numeric, rank bigint)';
  perform set_config('pg_trgm.similarity_threshold', '0.3', true);

  -- Each listing's parse, normalized once (not once per candidate row).
  create temporary table if not exists _to_match (
    listing_id uuid primary key, gtin text, parsed jsonb, name text, brand_given boolean, brand_ids uuid[],
    concentration text, size_ml numeric, packaging text, quantity integer, gender text
  ) on commit drop;
  truncate _to_match;
  insert into _to_match
  select l.id, l.gtin, x.parsed, public.normalize_name(x.parsed ->> 'name'), x.parsed ->> 'brand' is not null, null,
         x.parsed ->> 'concentration', (x.parsed ->> 'size_ml')::numeric, coalesce(x.parsed ->> 'packaging', 'retail'),
         coalesce((x.parsed ->> 'quantity')::int, 1), x.parsed ->> 'gender'
  from jsonb_to_recordset(listings) as x (listing_id uuid, parsed jsonb)
  join public.retailer_listings l on l.id = x.listing_id
  where l.status in ('unmatched', 'review');
  update _to_match t
  set brand_ids = ids.brand_ids
  from (
    select m.listing_id, array_agg(distinct coalesce(b.id, a.brand_id)) as brand_ids
    from _to_match m
    left join public.brands b on b.name_normalized = public.normalize_name(m.parsed ->> 'brand')
    left join public.brand_aliases a on a.alias_normalized = public.normalize_name(m.parsed ->> 'brand')
    where m.brand_given and (b.id is not null or a.brand_id is not null)
    group by m.listing_id
  ) ids
  where ids.listing_id = t.listing_id;

  -- 1. GTIN: exact, confidence 1.
  update public.retailer_listings l
  set variant_id = v.id, match_method = 'gtin', match_confidence = 1, status = 'matched'
  from _to_match t join public.variants v on v.gtin = t.gtin
  where l.id = t.listing_id;
  delete from _to_match t using public.retailer_listings l where l.id = t.listing_id and l.status = 'matched';

  -- 2. Attributes: score every plausible variant, keep the best two per listing. Candidates come from
  --    the brand's fragrances when the title names a known brand, else from the trigram index.
  create temporary table if not exists _candidates (listing_id uuid, variant_id uuid, score numeric, rank bigint) on commit drop;
  truncate _candidates;
  insert into _candidates
  select listing_id, variant_id, score, rank from (
    select c.listing_id, c.variant_id, c.score,
           row_number() over (partition by c.listing_id order by c.score desc, c.variant_id) as rank
    from (
      select t.listing_id, v.id as variant_id, round(
          0.15 * case when t.brand_ids is null then 0.5 else 1 end
        + 0.45 * f.sim
        + 0.15 * case when t.concentration is null then 0.5 when f.concentration::text = t.concentration then 1 else 0 end
        + 0.10 * case when t.size_ml is null then 0.5 else 1 end
        + 0.10 * case when v.packaging::text = t.packaging then 1 else 0 end
        + 0.025 * case when v.quantity = t.quantity then 1 else 0 end
        + 0.025 * case when t.gender is null or f.gender::text = t.gender then 1 else 0 end, 3) as score
      from _to_match t
      cross join lateral (
        select g.id, g.concentration, g.gender, g.sim from (
          -- the brand's 20 nearest names, by KNN on fragrances_brand_name_trgm_idx
          select f.id, f.concentration, f.gender, extensions.similarity(f.name_normalized, t.name)::numeric as sim
          from unnest(coalesce(t.brand_ids, '{}')) as b (id)
          cross join lateral (
            select f.id, f.concentration, f.gender, f.name_normalized
            from public.fragrances f
            where f.brand_id = b.id and f.deleted_at is null
            order by f.name_normalized operator(extensions.<->) t.name
            limit 20
          ) f
          union all
          select f.id, f.concentration, f.gender, extensions.similarity(f.name_normalized, t.name)::numeric
          from public.fragrances f
          where t.brand_ids is null and f.deleted_at is null and f.name_normalized operator(extensions.%) t.name
        ) g
        where g.sim >= 0.3
        order by g.sim desc
        limit 20
      ) f
      join public.variants v on v.fragrance_id = f.id and (t.size_ml is null or v.size_ml = t.size_ml)
      where t.name <> '' and (not t.brand_given or t.brand_ids is not null)
        -- a title "for Men" is never the women's version (and vice versa): opposite genders are no candidates
        and (t.gender is null or t.gender = 'unisex' or f.gender in ('unisex', t.gender::public.gender))
    ) c
  ) ranked
  where rank <= 2;

  with decision as (
    select b.listing_id, b.variant_id, b.score, r.score as runner_up,
           b.score >= auto_threshold and (r.score is null or b.score - r.score >= min_margin) as auto,
           b.score >= review_threshold as reviewable
    from _candidates b left join _candidates r on r.listing_id = b.listing_id and r.rank = 2
    where b.rank = 1
  ),
  matched_rows as (
    update public.retailer_listings l
    set variant_id = d.variant_id, match_method = 'attributes', match_confidence = d.score, status = 'matched'
    from decision d where l.id = d.listing_id and d.auto
    returning l.id
  ),
  queued as (
    insert into private.listing_match_candidates (listing_id, variant_id, confidence, runner_up_confidence, parsed)
    select d.listing_id, d.variant_id, d.score, d.runner_up, t.parsed
    from decision d join _to_match t on t.listing_id = d.listing_id
    where not d.auto and d.reviewable
    on conflict (listing_id) do update
      set variant_id = excluded.variant_id, confidence = excluded.confidence,
          runner_up_confidence = excluded.runner_up_confidence, parsed = excluded.parsed
    returning listing_id
  ),
  in_review as (
    update public.retailer_listings l set status = 'review'
    from queued q where l.id = q.listing_id and l.status <> 'review'
    returning l.id
  )
  -- (data-modifying CTEs always run to completion, read or not)
  delete from private.listing_match_candidates c
  where c.listing_id in (select listing_id from _to_match)
    and c.listing_id not in (select listing_id from queued);

  -- Listings with no candidate at all stay (or become again) unmatched.
  update public.retailer_listings l set status = 'unmatched'
  from _to_match t
  where l.id = t.listing_id and l.status = 'review'
    and not exists (select from private.listing_match_candidates c where c.listing_id = l.id);
end;
$$;
comment on function private.match_listings(jsonb) is
  'Matches listings [{listing_id, parsed}] to variants: GTIN, then attribute similarity (see private.settings match_*).';
revoke execute on function private.match_listings(jsonb) from public;

-- ========== supabase/schemas/prices/price_daily.sql ==========

-- Daily aggregates of observation partitions past the horizon, which the
-- daily price-rollup job rolls up and drops.

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
grant select on private.price_daily to service_role;

/** Rolls every monthly partition wholly older than the horizon into private.price_daily, then drops it. */
create or replace function private.rollup_price_observations()
returns integer
language plpgsql
set search_path = ''
as $$
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
$$;
comment on function private.rollup_price_observations() is 'Aggregates monthly observation partitions older than observation_horizon_days into private.price_daily and drops them; returns partitions dropped. Scheduled daily.';
revoke execute on function private.rollup_price_observations() from public;

-- ========== supabase/schemas/prices/freshness.sql ==========

-- Freshness: offers not confirmed within their retailer's SLA go stale, and a
-- silent retailer opens a breach (the price-freshness job, every 15 minutes).

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

grant select on private.freshness_breaches to service_role;

/** Marks offers stale past their retailer's SLA and records retailers that went silent. */
create or replace function private.check_freshness()
returns jsonb
language sql
set search_path = ''
as $$
  with stale as (
    update public.current_offers o set stale = true
    from public.retailers r
    where r.id = o.retailer_id and not o.stale
      and o.observed_at < now() - r.update_interval * (private.setting('stale_after_intervals'))::int
    returning o.listing_id
  ),
  last_batch as (
    select r.id, r.update_interval, max(b.received_at) as last_at
    from public.retailers r left join private.ingest_batches b on b.retailer_id = r.id
    where r.active
    group by r.id
  ),
  breached as (
    insert into private.freshness_breaches (retailer_id, last_batch_at, expected_interval)
    select lb.id, lb.last_at, lb.update_interval from last_batch lb
    where (lb.last_at is null or lb.last_at < now() - lb.update_interval)
    on conflict (retailer_id) where resolved_at is null do nothing
    returning retailer_id
  )
  select jsonb_build_object('stale_offers', (select count(*) from stale), 'new_breaches', (select count(*) from breached))
$$;
comment on function private.check_freshness() is 'Marks offers stale past stale_after_intervals x their retailer''s update interval and opens a breach for every silent retailer. Scheduled every 15 minutes.';
revoke execute on function private.check_freshness() from public;

create or replace function public.retailer_freshness()
returns table (
  retailer_id uuid, slug text, expected_interval interval, last_batch_at timestamptz, age interval,
  status text, offers integer, stale_offers integer, breached_since timestamptz
)
language sql
stable
set search_path = ''
as $$
  select r.id, r.slug, r.update_interval, b.last_at, now() - b.last_at,
         case when b.last_at is null then 'never' when b.last_at >= now() - r.update_interval then 'fresh' else 'late' end,
         coalesce(o.offers, 0)::integer, coalesce(o.stale, 0)::integer, fb.detected_at
  from public.retailers r
  left join lateral (select max(received_at) as last_at from private.ingest_batches where retailer_id = r.id) b on true
  left join lateral (select count(*) as offers, count(*) filter (where stale) as stale from public.current_offers where retailer_id = r.id) o on true
  left join private.freshness_breaches fb on fb.retailer_id = r.id and fb.resolved_at is null
  where r.active
  order by r.slug
$$;
comment on function public.retailer_freshness() is 'Per active retailer: its SLA, last batch, status (fresh, late, never), offers and stale offers, open breach. service_role only.';
revoke execute on function public.retailer_freshness() from public, anon, authenticated;
grant execute on function public.retailer_freshness() to service_role;

-- ========== supabase/schemas/prices/ingest.sql ==========

-- Price ingestion: the one set-based function that takes a whole webhook batch
-- in one transaction (private.ingest_price_batch), and the staging it shares
-- with anomaly approval (private.apply_offers). Called by the ingest-prices
-- edge function; see docs/PRICES.md for the contract.

/** Empties (creating it once per session) _offers_to_apply, one reviewed offer per listing, read by private.apply_staged_offers. */
create or replace function private.stage_offers_to_apply()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (listing_id uuid)';
  -- No index or key: see the migration's header. One row per listing is the callers' contract, and
  -- private.apply_staged_offers' upsert refuses a second row for a listing.
  if to_regclass('pg_temp._offers_to_apply') is null then
    create temporary table _offers_to_apply (
      listing_id uuid not null, retailer_id uuid not null, variant_id uuid, price numeric not null, currency text not null,
      price_base numeric not null, price_per_100ml_base numeric, in_stock boolean not null, observed_at timestamptz not null
    ) on commit delete rows;
  end if;
  delete from _offers_to_apply;  -- (a second call in one transaction)
end;
$$;
comment on function private.stage_offers_to_apply() is 'Empties (creating it once per session) _offers_to_apply, one reviewed offer per listing, read by private.apply_staged_offers.';

/**
 * Makes the offers in _offers_to_apply current: per listing, the latest price wins the current offer
 * (whatever the commit order of concurrent batches), and the history closes the open range and opens
 * a new one when the price or stock changes.
 */
create or replace function private.apply_staged_offers(batch bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- Temp table declared for plpgsql_check (`supabase db lint`); a no-op at run time.
  perform 'PRAGMA:TABLE: _offers_to_apply (listing_id uuid, retailer_id uuid, variant_id uuid, price numeric, currency text, price_base numeric, price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz)';
  analyze _offers_to_apply (listing_id);  -- see this migration's header
  -- The upsert row-locks each listing's offer, so concurrent batches touching a listing take turns below.
  insert into public.current_offers as c
    (listing_id, retailer_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at, batch_id, stale)
  select o.listing_id, o.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock,
         o.observed_at, batch, false
  from _offers_to_apply o
  order by o.listing_id
  on conflict (listing_id) do update
    set variant_id = excluded.variant_id, price = excluded.price, currency = excluded.currency, price_base = excluded.price_base,
        price_per_100ml_base = excluded.price_per_100ml_base, in_stock = excluded.in_stock, observed_at = excluded.observed_at,
        batch_id = excluded.batch_id, stale = false, updated_at = now()
    where excluded.observed_at >= c.observed_at;

  -- History, for the listings whose price or stock differs from their open range (or that have none;
  -- the open range holds the current offer's price and stock):
  -- a newer, different price closes the open range and opens the next; a listing with no range gets
  -- its first. Older (late) prices leave it alone.
  -- (Lookups by index, one listing at a time: a batch is a sliver of a long history.)
  with o as (
    select o.*, h.id as open_id, lower(h.valid) as open_from
    from _offers_to_apply o
    left join lateral (
      select h.id, h.valid, h.price, h.currency, h.in_stock from public.price_history h
      where h.listing_id = o.listing_id and upper_inf(h.valid) limit 1
    ) h on true
    where h.id is null or (h.price, h.currency, h.in_stock) is distinct from (o.price, o.currency, o.in_stock)
  ),
  closed as (
    update public.price_history h set valid = tstzrange(lower(h.valid), o.observed_at)
    from o where h.id = any (array(select o.open_id from o where o.observed_at > o.open_from)) and h.id = o.open_id
    returning h.listing_id
  )
  insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
  select o.listing_id, o.price, o.currency, o.price_base, o.in_stock, tstzrange(o.observed_at, null)
  from o
  where o.listing_id in (select listing_id from closed)
     or (o.open_id is null and not exists (select from public.price_history h where h.listing_id = o.listing_id and upper(h.valid) > o.observed_at));
end;
$$;
comment on function private.apply_staged_offers(bigint) is 'Makes the reviewed offers in _offers_to_apply current (latest wins) and extends the price history.';

revoke execute on function private.stage_offers_to_apply(), private.apply_staged_offers(bigint) from public;
grant execute on function private.stage_offers_to_apply(), private.apply_staged_offers(bigint) to service_role;

/**
 * Makes reviewed prices current, as private.apply_staged_offers; called by anomaly approval.
 * offers: [{listing_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at}], one per listing.
 */
create or replace function private.apply_offers(batch bigint, offers jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (listing_id uuid, retailer_id uuid, variant_id uuid, price numeric, currency text, price_base numeric, price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz)';
  perform private.stage_offers_to_apply();
  insert into _offers_to_apply
  select o.listing_id, l.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock, o.observed_at
  from jsonb_to_recordset(offers) as o (listing_id uuid, variant_id uuid, price numeric, currency text, price_base numeric,
                                        price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz)
  join public.retailer_listings l on l.id = o.listing_id;
  perform private.apply_staged_offers(batch);
end;
$$;
comment on function private.apply_offers(bigint, jsonb) is 'Makes reviewed prices current (latest wins) and extends the price history; called by anomaly approval.';
revoke execute on function private.apply_offers(bigint, jsonb) from public;

/**
 * Ingests one webhook batch in one transaction; returns the response body.
 * offers: [{row, sku, title, url, gtin, price, currency, in_stock, observed_at, parsed}], row numbers unique.
 * parsed (the title's parse) is needed only on rows of new or retitled listings, the ones matched: it
 * may be left out of rows whose listing the retailer sent before under the same title. When a row that
 * needs it lacks it, SQLSTATE SM428 is raised and nothing is written.
 * rejects: [{row, field, reason}] found before the database (bad types, missing fields).
 * A replay (same body, or same Idempotency-Key and body) returns the stored result and changes nothing;
 * the same Idempotency-Key with another body raises SQLSTATE SM409.
 */
create or replace function private.ingest_price_batch(
  retailer uuid, idempotency_key text, payload_hash text, content_type text, offers jsonb, rejects jsonb default '[]'
)
returns jsonb
language plpgsql
set search_path = ''
set jit = off
as $$
declare
  batch bigint;
  previous record;
  batch_result jsonb;
  to_match jsonb;
  horizon_days integer := private.setting('observation_horizon_days')::integer;
  jump_share numeric := private.setting('anomaly_jump_share')::numeric;
  low_margin numeric := private.setting('anomaly_below_low_margin')::numeric;
  tolerance numeric := private.setting('anomaly_factor_tolerance')::numeric;
  plausible jsonb := private.setting('plausible_per_100ml_base');
begin
  -- Temp tables declared for plpgsql_check (`supabase db lint`); a no-op at run time.
  perform 'PRAGMA:TABLE: _offers ("row" integer, sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean, observed_at timestamptz, parsed jsonb, rate numeric, listing_id uuid, known_title text, known_url text, known_gtin text, known_first_seen_at timestamptz, variant_id uuid, current_price numeric, current_currency text, price_base numeric, per_100ml numeric, reference numeric, anomaly public.price_anomaly_kind, reason text)';
  perform 'PRAGMA:TABLE: _rejects ("row" integer, field text, reason text)';
  perform 'PRAGMA:TABLE: _offers_to_apply (listing_id uuid, retailer_id uuid, variant_id uuid, price numeric, currency text, price_base numeric, price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz)';
  -- Replays change nothing and answer what they answered the first time.
  if idempotency_key is not null then
    select b.payload_hash, b.result into previous
    from private.ingest_batches b where b.retailer_id = retailer and b.idempotency_key = ingest_price_batch.idempotency_key;
    if found then
      if previous.payload_hash <> ingest_price_batch.payload_hash then
        raise exception 'Idempotency-Key "%" was already used with a different body', idempotency_key using errcode = 'SM409';
      end if;
      return previous.result || '{"replayed": true}';
    end if;
  end if;
  insert into private.ingest_batches (retailer_id, idempotency_key, payload_hash, content_type, row_count)
  values (retailer, idempotency_key, payload_hash, content_type, jsonb_array_length(offers) + jsonb_array_length(rejects))
  on conflict do nothing
  returning id into batch;
  if batch is null then
    -- the same body arrived before (or concurrently, and has now committed)
    select b.result into previous from private.ingest_batches b
    where b.retailer_id = retailer and b.payload_hash = ingest_price_batch.payload_hash;
    if not found then
      raise exception 'Idempotency-Key "%" was already used with a different body', idempotency_key using errcode = 'SM409';
    end if;
    return previous.result || '{"replayed": true}';
  end if;

  -- A batch resolves the retailer's open freshness breach.
  update private.freshness_breaches set resolved_at = now() where retailer_id = retailer and resolved_at is null;

  -- Staging tables, as in private.stage_offers_to_apply: created once per session, emptied at commit,
  -- without indexes (see this migration's header).
  if to_regclass('pg_temp._offers') is null then
    create temporary table _offers (
      "row" integer not null, sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean,
      observed_at timestamptz, parsed jsonb, rate numeric,
      listing_id uuid, known_title text, known_url text, known_gtin text, known_first_seen_at timestamptz, variant_id uuid,
      current_price numeric, current_currency text,
      price_base numeric, per_100ml numeric, reference numeric, anomaly public.price_anomaly_kind, reason text
    ) on commit delete rows;
    create temporary table _rejects ("row" integer, field text, reason text) on commit delete rows;
  end if;
  delete from _offers;
  delete from _rejects;

  -- One pass over the batch: each offer with its exchange rate (looked up once per currency and day),
  -- its listing as stored, that listing's variant and current price. Rows the database cannot price
  -- are rejected with a reason instead; the rest of the batch goes on.
  with o as materialized (
    select o."row", o.sku, o.title, o.url, o.gtin, o.price, upper(o.currency) as currency, o.in_stock, o.observed_at, o.parsed
    from jsonb_to_recordset(offers) as o ("row" integer, sku text, title text, url text, gtin text, price numeric,
                                          currency text, in_stock boolean, observed_at timestamptz, parsed jsonb)
  ),
  -- Rates are looked up once per currency and day; days are computed once per distinct timestamp
  -- (a feed's rows mostly share one).
  stamps as materialized (
    select distinct o.currency, o.observed_at, o.observed_at::date as day from o
  ),
  rates as (
    select s.currency, s.observed_at, r.rate
    from stamps s
    join (select d.currency, d.day, public.fx_rate(d.currency, d.day) as rate
          from (select distinct s.currency, s.day from stamps s) d
          where exists (select from public.currencies c where c.code = d.currency)) r on r.currency = s.currency and r.day = s.day
  ),
  checked as materialized (
    select o.*, r.rate, r.currency is null as unknown_currency, r.currency is not null and r.rate is null as no_rate,
           o.observed_at > now() + interval '1 day' as future, o.observed_at < now() - make_interval(days => horizon_days) as too_old
    from o left join rates r on r.currency = o.currency and r.observed_at = o.observed_at
  ),
  refused as (
    insert into _rejects
    select c."row", 'currency', format('unknown currency "%s"', c.currency) from checked c where c.unknown_currency
    union all
    select c."row", 'currency', format('no exchange rate for %s on %s', c.currency, c.observed_at::date) from checked c where c.no_rate
    union all
    select c."row", 'observed_at', 'more than one day in the future' from checked c where c.future
    union all
    select c."row", 'observed_at', format('older than the %s-day horizon', horizon_days) from checked c where c.too_old
  )
  insert into _offers ("row", sku, title, url, gtin, price, currency, in_stock, observed_at, parsed, rate,
                       listing_id, known_title, known_url, known_gtin, known_first_seen_at, variant_id, current_price, current_currency,
                       price_base, per_100ml)
  select c."row", c.sku, c.title, c.url, c.gtin, c.price, c.currency, c.in_stock, c.observed_at, c.parsed, c.rate,
         l.id, l.title, l.url, l.gtin, l.first_seen_at, l.variant_id, co.price, co.currency,
         round(c.price * c.rate, 2), round(c.price * c.rate / l.volume_ml * 100, 2)
  from checked c
  left join public.retailer_listings l on l.retailer_id = retailer and l.retailer_sku = c.sku
  left join public.current_offers co on co.listing_id = l.id
  where not (c.unknown_currency or c.no_rate or c.future or c.too_old);
  analyze _offers (listing_id, anomaly);

  if exists (select from _offers o group by o."row" having count(*) > 1) then
    raise exception 'row numbers must be unique within a batch' using errcode = '22023';
  end if;
  if exists (select from _offers o where o.parsed is null and o.known_title is distinct from o.title) then
    raise exception 'rows of new or retitled listings need "parsed", the parse of their title, to be matched'
      using errcode = 'SM428', hint = 'Send the batch again with "parsed" on every row.';
  end if;

  -- Listings: the retailer's SKU is the key; title, URL and GTIN follow the feed's latest row. Only
  -- listings that changed are written, and none are looked for when no row differs from its listing.
  if exists (select from _offers o
             where o.listing_id is not null
               and ((o.title, o.url) is distinct from (o.known_title, o.known_url)
                    or (o.gtin is not null and o.gtin is distinct from o.known_gtin)
                    or o.observed_at < o.known_first_seen_at)) then
    update public.retailer_listings l
    set title = o.title, url = o.url, gtin = coalesce(o.gtin, l.gtin), first_seen_at = least(l.first_seen_at, o.first_seen_at)
    from (
      select * from (
        select distinct on (o.listing_id) o.listing_id, o.title, o.url, o.gtin, o.known_title, o.known_url, o.known_gtin,
               o.known_first_seen_at, min(o.observed_at) over (partition by o.listing_id) as first_seen_at
        from _offers o where o.listing_id is not null
        order by o.listing_id, o.observed_at desc, o."row" desc
      ) latest
      where (latest.title, latest.url) is distinct from (latest.known_title, latest.known_url)
         or (latest.gtin is not null and latest.gtin is distinct from latest.known_gtin)
         or latest.first_seen_at < latest.known_first_seen_at
    ) o
    where l.id = o.listing_id;
  end if;
  -- Listings seen for the first time (the unique key settles a race with a concurrent batch).
  with created as (
    insert into public.retailer_listings as l (retailer_id, retailer_sku, title, url, gtin, first_seen_at)
    select distinct on (o.sku) retailer, o.sku, o.title, o.url, o.gtin, min(o.observed_at) over (partition by o.sku)
    from _offers o where o.listing_id is null
    order by o.sku, o.observed_at desc, o."row" desc
    on conflict (retailer_id, retailer_sku) do update
      set title = excluded.title, url = excluded.url, gtin = coalesce(excluded.gtin, l.gtin),
          first_seen_at = least(l.first_seen_at, excluded.first_seen_at)
    returning l.id, l.retailer_sku
  )
  update _offers o set listing_id = c.id from created c where o.listing_id is null and o.sku = c.retailer_sku;

  -- Matching runs for listings seen for the first time or retitled, not for every price update.
  select jsonb_agg(jsonb_build_object('listing_id', x.listing_id, 'parsed', x.parsed)) into to_match
  from (select distinct on (o.listing_id) o.listing_id, o.parsed from _offers o
        where o.known_title is distinct from o.title
        order by o.listing_id, o.observed_at desc, o."row" desc) x;
  if to_match is not null then
    perform private.match_listings(to_match);
    update _offers o
    set variant_id = l.variant_id, per_100ml = round(o.price * o.rate / l.volume_ml * 100, 2)
    from public.retailer_listings l
    where o.known_title is distinct from o.title and l.id = o.listing_id;
  end if;

  -- Anomalies: a price other than the listing's current (reviewed) one is compared with the listing's
  -- last 30 days of unflagged observations. The current price passed these checks, or review.
  update _offers o
  set anomaly = k.kind, reference = k.reference, reason = case k.kind
      when 'implausible' then format('%s %s per 100 ml is outside %s..%s, with no history to compare',
                                     k.per_100ml, public.base_currency(), plausible ->> 0, plausible ->> 1)
      when 'currency_error' then format('%s is about 100x off its 30-day median %s (currency or cents slip?)', k.price_base, round(k.median, 2))
      when 'unit_error' then format('%s is about 29.57x off its 30-day median %s (per-oz vs per-ml?)', k.price_base, round(k.median, 2))
      when 'jump' then format('%s moves more than %s%% against its 30-day median %s', k.price_base, jump_share * 100, round(k.median, 2))
      when 'below_30d_low' then format('%s is more than %s%% under its 30-day low %s', k.price_base, low_margin * 100, k.low)
    end
  from (
    select c."row", c.price_base, c.per_100ml, h.median, h.low, coalesce(h.median, h.low) as reference, case
        when h.median is null then
          case when c.per_100ml not between (plausible ->> 0)::numeric and (plausible ->> 1)::numeric then 'implausible' end
        when abs(c.price_base / h.median / 100 - 1) <= tolerance or abs(c.price_base / h.median * 100 - 1) <= tolerance then 'currency_error'
        when abs(c.price_base / h.median / 29.5735 - 1) <= tolerance or abs(c.price_base / h.median * 29.5735 - 1) <= tolerance then 'unit_error'
        when abs(c.price_base / h.median - 1) > jump_share then 'jump'
        when c.price_base < h.low * (1 - low_margin) then 'below_30d_low'
      end::public.price_anomaly_kind as kind
    from _offers c
    cross join lateral (
      select (percentile_cont(0.5) within group (order by p.price_base))::numeric as median, min(p.price_base) as low
      from private.price_observations p
      where p.listing_id = c.listing_id and p.anomaly is null
        and p.observed_at >= c.observed_at - interval '30 days' and p.observed_at < c.observed_at
    ) h
    where (c.price, c.currency) is distinct from (c.current_price, c.current_currency)
  ) k
  where k."row" = o."row" and k.kind is not null;

  -- Every accepted row is observed, flagged or not: append-only, with its lineage.
  insert into private.price_observations
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock, anomaly)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.per_100ml, o.in_stock, o.reason
  from _offers o;
  insert into private.price_anomalies
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock, kind, reason, reference_price_base)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.in_stock, o.anomaly, o.reason, o.reference
  from _offers o where o.anomaly is not null;

  -- Unflagged prices become current, the latest per listing. Most of a feed confirms its current
  -- offers at the same price, currency and stock: those move in place here, found by index (a hash
  -- join would read every offer of every retailer). The condition is checked again on the locked row,
  -- so an offer a concurrent batch changed meanwhile falls through, with the rest, to
  -- private.apply_staged_offers and its history.
  perform private.stage_offers_to_apply();
  with latest as materialized (
    select distinct on (o.listing_id) o.* from _offers o where o.anomaly is null
    order by o.listing_id, o.observed_at desc, o."row" desc
  ),
  confirmed as (
    update public.current_offers c
    set variant_id = o.variant_id, price_base = o.price_base, price_per_100ml_base = o.per_100ml,
        observed_at = o.observed_at, batch_id = batch, stale = false, updated_at = now()
    from latest o
    where c.listing_id = any (array(select o.listing_id from latest o where (o.price, o.currency) = (o.current_price, o.current_currency)))
      and c.listing_id = o.listing_id and o.observed_at >= c.observed_at
      and (c.price, c.currency, c.in_stock) = (o.price, o.currency, o.in_stock)
    returning c.listing_id
  )
  insert into _offers_to_apply
  select o.listing_id, retailer, o.variant_id, o.price, o.currency, o.price_base, o.per_100ml, o.in_stock, o.observed_at
  from latest o where o.listing_id not in (select c.listing_id from confirmed c);
  perform private.apply_staged_offers(batch);

  select jsonb_build_object(
    'batch_id', batch,
    'accepted', (select count(*) from _offers),
    -- variant_id was copied from each listing after matching: set exactly when the listing is matched
    'matched', (select count(distinct listing_id) from _offers where variant_id is not null),
    'unmatched', (select count(distinct listing_id) from _offers where variant_id is null),
    'rejected', jsonb_array_length(rejects) + (select count(*) from _rejects),
    'anomalies', (select count(*) from _offers where anomaly is not null),
    'rejects', (select coalesce(jsonb_agg(r order by (r ->> 'row')::int, r ->> 'field'), '[]')
                from (select jsonb_array_elements(rejects) as r
                      union all select jsonb_build_object('row', "row", 'field', field, 'reason', reason) from _rejects) all_rejects))
  into batch_result;
  update private.ingest_batches set result = batch_result where id = batch;
  return batch_result;
end;
$$;
comment on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb) is
  'Ingests one price webhook batch in one transaction (listings, matching, FX, anomalies, observations, current offers, history) and returns the response counts. Replays return the stored result.';
revoke execute on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb) from public;

grant execute on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb), private.match_listings(jsonb),
  private.apply_offers(bigint, jsonb) to service_role;
grant select, insert, update on private.ingest_batches, private.listing_match_candidates, private.freshness_breaches to service_role;
grant insert on private.price_observations, private.price_anomalies to service_role;
grant update (status, reviewed_at) on private.price_anomalies to service_role;
grant delete on private.listing_match_candidates to service_role;

-- ========== supabase/schemas/prices/best_offers.sql ==========

-- best_offers: the frontend's price comparison, the best current offer of each
-- variant of a fragrance in the shopper's currency.

create or replace function public.best_offers(fragrance_id uuid, currency text default 'EUR')
returns table (
  variant_id uuid, size_ml numeric, packaging public.packaging, quantity smallint,
  retailer_id uuid, retailer_name text, listing_id uuid, title text,
  price numeric, price_currency text, price_converted numeric, price_per_100ml numeric, converted_currency text,
  in_stock boolean, url text, observed_at timestamptz
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
    o.in_stock, coalesce(l.affiliate_url, l.url), o.observed_at
  from public.variants v
  join public.current_offers o on o.variant_id = v.id and not o.stale
  join public.retailer_listings l on l.id = o.listing_id and l.status = 'matched' and l.variant_id = v.id
  join public.retailers r on r.id = o.retailer_id and r.active
  where v.fragrance_id = best_offers.fragrance_id
  order by v.id, o.in_stock desc, o.price_base, o.observed_at desc;
end;
$$;
comment on function public.best_offers(uuid, text) is
  'Best current offer per variant of a fragrance: in stock first, then cheapest; stale offers and prices held for review excluded; converted to the requested currency at today''s rate.';
revoke execute on function public.best_offers(uuid, text) from public;
grant execute on function public.best_offers(uuid, text) to anon, authenticated, service_role;

-- ========== supabase/schemas/prices/data.sql ==========

-- Rows the price pipelines need: their settings, their entries in the
-- pipeline registry, and their pg_cron jobs. `supabase db diff` does not see
-- rows: a change here goes into its migration by hand (the schema-equality
-- test in npm test fails until it does).

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

insert into private.pipelines (name, description, schedule) values
  ('price-ingest', 'One retailer webhook batch: parse, match, convert, flag anomalies, observe, update current offers and history.', 'retailer webhook (ingest-prices)'),
  ('price-partitions', 'Creates the monthly partitions of price observations ahead of time.', 'pg_cron price-partitions, daily 00:05'),
  ('price-rollup', 'Rolls observation partitions older than the horizon into daily aggregates and drops them.', 'pg_cron price-rollup, daily 01:15'),
  ('price-freshness', 'Marks offers stale past their retailer''s SLA and opens freshness breaches.', 'pg_cron price-freshness, every 15 min')
on conflict do nothing;

select cron.schedule('price-partitions', '5 0 * * *', $$select private.run_pipeline('price-partitions', 'private.ensure_price_partitions')$$);
select cron.schedule('price-rollup', '15 1 * * *', $$select private.run_pipeline('price-rollup', 'private.rollup_price_observations')$$);
select cron.schedule('price-freshness', '*/15 * * * *', $$select private.run_pipeline('price-freshness', 'private.check_freshness')$$);
