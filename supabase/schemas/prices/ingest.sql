-- Price ingestion: private.ingest_price_batch takes a whole retailer webhook batch in one transaction
-- (called by the ingest-prices edge function; the contract is in docs/PRICES.md). It is a short
-- orchestrator over named steps, each one set-based statement or two over the session's staging
-- tables (ingest_staging.sql); every row a step cannot store becomes a reject (ingest_rules.sql):
--   open the batch (or answer a replay) → stage the offers (FX, listing lookups, rejects) →
--   match new and retitled listings → write listings (a new one with its match: one write) →
--   flag anomalies → observe → make current →
--   (a complete feed: withdraw the offers it omits) → answer.

/**
 * Ingests one webhook batch in one transaction; returns the response body.
 * offers: [{row, sku, title, url, gtin, price, currency, in_stock, observed_at, parsed, shipping}], row numbers unique;
 * shipping (optional) is in the price's currency.
 * parsed (the title's parse) is needed only on rows of new or retitled listings, the ones matched: it
 * may be left out of rows whose listing the retailer sent before under the same title. When a row that
 * needs it lacks it, SQLSTATE SM428 is raised and nothing is written.
 * rejects: [{row, field, reason}] found before the database (bad types, missing fields).
 * complete_skus: for a feed marked complete, the SKU of every row it holds (valid or not); the
 * retailer's in-stock offers whose SKU is not among them go out of stock, and the answer says how
 * many ("withdrawn"). Null (the default) is a partial feed, which never does.
 * A replay (same body, or same Idempotency-Key and body) returns the stored result and changes nothing;
 * the same Idempotency-Key with another body raises SQLSTATE SM409. A batch with no row at all is
 * refused (22023). SM428 and SM409 are named on the edge function's side in
 * supabase/functions/ingest-prices/index.ts (SQLSTATE), and raised once each here.
 */
create or replace function private.ingest_price_batch(
  retailer uuid, idempotency_key text, payload_hash text, content_type text, offers jsonb, rejects jsonb default '[]',
  complete_skus text[] default null
)
returns jsonb
language plpgsql
set search_path = ''
-- JIT compiled the anomaly check and the candidate search of new listings, queries that ran in less
-- time than compiling them took (docs/BENCHMARKS.md); the setting holds for every step.
set jit = off
as $$
declare
  opened record;
begin
  if jsonb_array_length(offers) + jsonb_array_length(rejects) = 0 then
    raise exception 'a batch needs at least one offer' using errcode = '22023';
  end if;
  opened := private.ingest_open_batch(retailer, idempotency_key, payload_hash, content_type,
                                      jsonb_array_length(offers) + jsonb_array_length(rejects));
  if opened.replayed is not null then
    return opened.replayed;
  end if;
  perform private.ingest_staging_tables();
  perform private.ingest_stage_offers(retailer, offers);
  perform private.ingest_match_listings();
  perform private.ingest_write_listings(retailer);
  perform private.ingest_flag_anomalies();
  perform private.ingest_observe(opened.batch);
  perform private.ingest_make_current(opened.batch, retailer);
  return private.ingest_answer(opened.batch, rejects,
                               case when complete_skus is not null then private.ingest_withdraw_omitted(opened.batch, retailer, complete_skus) end);
end;
$$;
comment on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb, text[]) is
  'Ingests one price webhook batch in one transaction (listings, matching, FX, anomalies, observations, current offers, history; for a complete feed, the omitted offers out of stock) and returns the response counts. Replays return the stored result.';

/**
 * Step 1. Records the batch, or finds the one it replays: returns (batch, null) for a new batch and
 * (null, the stored result marked replayed) for a replay. A batch resolves its retailer's open
 * freshness breach.
 */
create or replace function private.ingest_open_batch(
  retailer uuid, idempotency_key text, payload_hash text, content_type text, row_count integer,
  out batch bigint, out replayed jsonb
)
language plpgsql
set search_path = ''
as $$
declare
  previous record;  -- the batch this one replays: by its key, else by its body
begin
  select b.id, b.payload_hash, b.result into previous
  from private.ingest_batches b
  where b.retailer_id = retailer and ingest_open_batch.idempotency_key is not null
    and (b.idempotency_key = ingest_open_batch.idempotency_key
         or b.id = (select k.batch_id from private.ingest_replay_keys k
                    where k.retailer_id = retailer and k.idempotency_key = ingest_open_batch.idempotency_key));
  if previous.id is null then
    insert into private.ingest_batches (retailer_id, idempotency_key, payload_hash, content_type, row_count)
    values (retailer, idempotency_key, payload_hash, content_type, row_count)
    on conflict do nothing
    returning id into batch;
    if batch is not null then
      update private.freshness_breaches set resolved_at = now() where retailer_id = retailer and resolved_at is null;
      return;
    end if;
    -- the same body arrived before (or concurrently, and has now committed); a new key now names it
    select b.id, b.payload_hash, b.result into previous from private.ingest_batches b
    where b.retailer_id = retailer and b.payload_hash = ingest_open_batch.payload_hash;
    if previous.id is not null and ingest_open_batch.idempotency_key is not null then
      insert into private.ingest_replay_keys (retailer_id, idempotency_key, batch_id)
      values (retailer, idempotency_key, previous.id)
      on conflict do nothing;
    end if;
  end if;
  if previous.id is null or previous.payload_hash <> payload_hash then
    -- SQLSTATE SM409 (the edge function's SQLSTATE.idempotencyConflict): answered 409
    raise exception 'Idempotency-Key "%" was already used with a different body', idempotency_key using errcode = 'SM409';
  end if;
  replayed := previous.result || '{"replayed": true}';
end;
$$;
comment on function private.ingest_open_batch(uuid, text, text, text, integer) is
  'Ingest step 1: records a new batch (and resolves the retailer''s freshness breach), or returns the stored result of the batch it replays (by key, or by body, which then takes the key); SM409 for a key already used with another body.';

/**
 * Step 2. Stages the offers in _offers, each with its rate, stored listing, variant and current price.
 * Rows the database cannot price or store go to _rejects with a reason: an unknown currency or day
 * without a rate, a time out of range, a value breaking a rule of the tables written
 * (ingest_rules.sql), a row repeated. Then SM428 when a row that needs its title's parse lacks it.
 */
create or replace function private.ingest_stage_offers(retailer uuid, offers jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
  horizon_days integer := private.setting('observation_horizon_days')::integer;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  -- One pass over the batch: each offer with its exchange rate (looked up once per currency and day),
  -- its listing as stored, that listing's variant and current price. Rows the database cannot price
  -- are rejected with a reason instead; the rest of the batch goes on.
  with o as materialized (
    select o."row", o.sku, o.title, o.url, o.gtin, o.price, upper(o.currency) as currency, o.in_stock, o.observed_at, o.parsed,
           o.shipping
    from jsonb_to_recordset(offers) as o ("row" integer, sku text, title text, url text, gtin text, price numeric,
                                          currency text, in_stock boolean, observed_at timestamptz, parsed jsonb, shipping numeric)
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
                       price_base, per_100ml, shipping, shipping_base)
  select c."row", c.sku, c.title, c.url, c.gtin, c.price, c.currency, c.in_stock, c.observed_at, c.parsed, c.rate,
         l.id, l.title, l.url, l.gtin, l.first_seen_at, l.variant_id, co.price, co.currency,
         round(c.price * c.rate, 2), round(c.price * c.rate / l.volume_ml * 100, 2), c.shipping, round(c.shipping * c.rate, 2)
  from checked c
  left join public.retailer_listings l on l.retailer_id = retailer and l.retailer_sku = c.sku
  left join public.current_offers co on co.listing_id = l.id
  where not (c.unknown_currency or c.no_rate or c.future or c.too_old);
  if exists (select from _offers o group by o."row" having count(*) > 1) then
    raise exception 'row numbers must be unique within a batch' using errcode = '22023';
  end if;
  perform private.ingest_reject_unstorable();
  perform private.ingest_reject_repeats();
  analyze _offers (listing_id, anomaly);  -- a plan for this batch's size (see ingest_staging.sql)
  -- SQLSTATE SM428 (the edge function's SQLSTATE.parseNeeded): it resends the batch with every parse
  if exists (select from _offers o where o.parsed is null and o.known_title is distinct from o.title) then
    raise exception 'rows of new or retitled listings need "parsed", the parse of their title, to be matched'
      using errcode = 'SM428', hint = 'Send the batch again with "parsed" on every row.';
  end if;
end;
$$;
comment on function private.ingest_stage_offers(uuid, jsonb) is
  'Ingest step 2: stages the batch''s offers in _offers (rate, stored listing, variant, current price) and the rows the database refuses, with reasons, in _rejects; 22023 for repeated row numbers, SM428 when a new or retitled listing''s row lacks its parse.';

/**
 * A SKU may come in several rows at different times (a price series: each is observed, the latest
 * becomes current). Rows of one SKU at the same time contradict each other: the last one counts,
 * the others are rejected.
 */
create or replace function private.ingest_reject_repeats()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  with repeated as (
    delete from _offers o
    using (select o.sku, o.observed_at, max(o."row") as kept from _offers o
           group by o.sku, o.observed_at having count(*) > 1) r
    where o.sku = r.sku and o.observed_at = r.observed_at and o."row" <> r.kept
    returning o."row", r.kept
  )
  insert into _rejects ("row", field, reason)
  select p."row", 'sku', format('repeated in row %s, at the same observed_at (the last row counts)', p.kept) from repeated p;
end;
$$;
comment on function private.ingest_reject_repeats() is
  'Ingest: rejects every row but the last of a SKU at one observed_at (a SKU at several times is a price series and is kept).';

/**
 * Step 3. Decides the match of every listing seen for the first time or retitled (not every price
 * update), from its latest row's parse, before any listing is written: a new listing is then
 * written once, with its match. A new listing's id is chosen here.
 */
create or replace function private.ingest_match_listings()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform private.match_staging();
  insert into _to_match (listing_id, sku, gtin, parsed)
  select distinct on (o.sku) coalesce(o.listing_id, private.uuid_v7()), o.sku, coalesce(o.gtin, o.known_gtin), o.parsed
  from _offers o
  where o.known_title is distinct from o.title
    and (o.listing_id is null
         or exists (select from public.retailer_listings l where l.id = o.listing_id and l.status in ('unmatched', 'review')))
  order by o.sku, o.observed_at desc, o."row" desc;
  if found then
    perform private.match_decide();
  end if;
end;
$$;
comment on function private.ingest_match_listings() is
  'Ingest step 3: decides the matches of new and retitled listings (private.match_decide) before any is written.';

/**
 * Step 4. Writes the batch's listings: the retailer's SKU is the key; title, URL and GTIN follow the
 * feed's latest row. A new listing is inserted with its match; the other decisions are recorded
 * (private.match_record), and the offers of newly matched listings are priced per 100 ml.
 */
create or replace function private.ingest_write_listings(retailer uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  -- Only listings that changed are written, and none are looked for when no row differs from its listing.
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
  -- Listings seen for the first time, with their match. When a concurrent batch wrote the SKU first
  -- (the unique key settles the race), its row is kept and this batch's decision is recorded like
  -- that of any listing already written.
  with created as (
    insert into public.retailer_listings as l
      (id, retailer_id, retailer_sku, title, url, gtin, first_seen_at, variant_id, match_method, match_confidence, status, volume_ml)
    select distinct on (o.sku) m.listing_id, retailer, o.sku, o.title, o.url, o.gtin, min(o.observed_at) over (partition by o.sku),
           case when m.status = 'matched' then m.variant_id end, case when m.status = 'matched' then m.method end,
           case when m.status = 'matched' then m.confidence end, coalesce(m.status, 'unmatched'),
           -- (the variant's volume, read with the match, as the table's insert trigger would otherwise set it)
           case when m.status = 'matched' then m.volume_ml end
    from _offers o join _to_match m on m.sku = o.sku
    where o.listing_id is null
    order by o.sku, o.observed_at desc, o."row" desc
    on conflict (retailer_id, retailer_sku) do update
      set title = excluded.title, url = excluded.url, gtin = coalesce(excluded.gtin, l.gtin),
          first_seen_at = least(l.first_seen_at, excluded.first_seen_at)
    returning l.id, l.retailer_sku, l.variant_id, l.volume_ml
  ),
  raced as (
    update _to_match m set listing_id = c.id
    from created c where m.sku = c.retailer_sku and m.listing_id <> c.id
  )
  -- The offers of the new listings: their listing, and (when matched) its variant and their price per 100 ml.
  update _offers o
  set listing_id = c.id, variant_id = c.variant_id, per_100ml = round(o.price * o.rate / c.volume_ml * 100, 2)
  from created c where o.listing_id is null and o.sku = c.retailer_sku;
  perform private.match_record();
  -- The offers of listings written before and matched now (retitled, or written first by a concurrent
  -- batch): their variant and price per 100 ml. (The listings by index: joined, a batch's few thousand
  -- were hashed against every listing.)
  update _offers o
  set variant_id = l.variant_id, per_100ml = round(o.price * o.rate / l.volume_ml * 100, 2)
  from public.retailer_listings l
  where l.id = any (array(select o.listing_id from _offers o join _to_match m on m.listing_id = o.listing_id
                          where m.status = 'matched' and o.variant_id is null))
    and l.id = o.listing_id and l.variant_id is not null;
  -- A price per 100 ml must fit.
  if exists (select from _to_match m where m.status = 'matched') then
    perform private.ingest_reject_unstorable(array['per_100ml']::name[]);
  end if;
end;
$$;
comment on function private.ingest_write_listings(uuid) is
  'Ingest step 4: updates the listings whose title, URL, GTIN or first sighting the batch changes, creates the new ones with their match, records the other matches, and prices newly matched offers per 100 ml.';

/** Step 5. Flags the prices that look wrong against the listing's last 30 days (held for review). */
create or replace function private.ingest_flag_anomalies()
returns void
language plpgsql
set search_path = ''
as $$
declare
  jump_share numeric := private.setting('anomaly_jump_share')::numeric;
  low_margin numeric := private.setting('anomaly_below_low_margin')::numeric;
  tolerance numeric := private.setting('anomaly_factor_tolerance')::numeric;
  plausible jsonb := private.setting('plausible_per_100ml_base');
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
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
      -- (a listing not stored when the batch was staged is new: its history is not looked for in every month's partition)
      where c.known_first_seen_at is not null
        and p.listing_id = c.listing_id and p.anomaly is null
        and p.observed_at >= c.observed_at - interval '30 days' and p.observed_at < c.observed_at
    ) h
    where (c.price, c.currency) is distinct from (c.current_price, c.current_currency)
  ) k
  where k."row" = o."row" and k.kind is not null;
end;
$$;
comment on function private.ingest_flag_anomalies() is
  'Ingest step 5: classifies each new price against its listing''s 30-day median and low (see the anomaly_* settings).';

/** Step 6. Observes every accepted row, flagged or not (append-only, with its lineage), and holds the flagged ones for review. */
create or replace function private.ingest_observe(batch bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  -- Every accepted row is observed, flagged or not: append-only, with its lineage.
  insert into private.price_observations
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock, anomaly, shipping)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.per_100ml, o.in_stock, o.reason, o.shipping
  from _offers o;
  insert into private.price_anomalies
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock, kind, reason, reference_price_base)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.in_stock, o.anomaly, o.reason, o.reference
  from _offers o where o.anomaly is not null;
end;
$$;
comment on function private.ingest_observe(bigint) is
  'Ingest step 6: appends every staged offer to private.price_observations and the flagged ones to private.price_anomalies.';

/** Step 7. Makes the unflagged prices current, the latest per listing. */
create or replace function private.ingest_make_current(batch bigint, retailer uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  -- Unflagged prices become current, the latest per listing. Most of a feed confirms its current
  -- offers at the same price, currency and stock: those move in place here, found by index (a hash
  -- join would read every offer of every retailer). The condition is checked again on the locked row,
  -- so an offer a concurrent batch changed meanwhile falls through, with the rest, to
  -- private.apply_staged_offers and its history.
  with latest as materialized (
    select distinct on (o.listing_id) o.* from _offers o where o.anomaly is null
    order by o.listing_id, o.observed_at desc, o."row" desc
  ),
  confirmed as (
    update public.current_offers c
    set variant_id = o.variant_id, price_base = o.price_base, price_per_100ml_base = o.per_100ml, shipping_base = o.shipping_base,
        observed_at = o.observed_at, batch_id = batch, stale = false, updated_at = now()
    from latest o
    where c.listing_id = any (array(select o.listing_id from latest o where (o.price, o.currency) = (o.current_price, o.current_currency)))
      and c.listing_id = o.listing_id and o.observed_at >= c.observed_at
      and (c.price, c.currency, c.in_stock) = (o.price, o.currency, o.in_stock) and c.shipping is not distinct from o.shipping
    returning c.listing_id
  )
  insert into _offers_to_apply
  select o.listing_id, retailer, o.variant_id, o.price, o.currency, o.price_base, o.per_100ml, o.in_stock, o.observed_at,
         o.shipping, o.shipping_base
  from latest o where o.listing_id not in (select c.listing_id from confirmed c);
  perform private.apply_staged_offers(batch);
end;
$$;
comment on function private.ingest_make_current(bigint, uuid) is
  'Ingest step 7: confirms unchanged current offers in place and hands the rest to private.apply_staged_offers (current offers and history).';

/**
 * Step 7b, for a feed marked complete: the retailer's in-stock offers whose SKU the feed does not
 * hold are no longer offered. Each goes out of stock now, at its last price, through
 * private.apply_staged_offers (current offer and history). Returns how many.
 */
create or replace function private.ingest_withdraw_omitted(batch bigint, retailer uuid, sent_skus text[])
returns integer
language plpgsql
set search_path = ''
as $$
declare
  withdrawn integer;
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  delete from _offers_to_apply;  -- (step 7's, already applied)
  insert into _offers_to_apply
  select c.listing_id, c.retailer_id, c.variant_id, c.price, c.currency, c.price_base, c.price_per_100ml_base, false, now(),
         c.shipping, c.shipping_base
  from public.current_offers c
  join public.retailer_listings l on l.id = c.listing_id
  where c.retailer_id = retailer and c.in_stock
    and not exists (select from unnest(sent_skus) as s (sku) where s.sku = l.retailer_sku);
  get diagnostics withdrawn = row_count;
  if withdrawn > 0 then
    perform private.apply_staged_offers(batch);
  end if;
  return withdrawn;
end;
$$;
comment on function private.ingest_withdraw_omitted(bigint, uuid, text[]) is
  'Ingest step 7b (complete feeds): puts the retailer''s in-stock offers whose SKU the feed omits out of stock; returns how many.';

/** Step 8. The response body: counts and rejects (the edge function's and the database's), stored with the batch for replays. */
create or replace function private.ingest_answer(batch bigint, rejects jsonb, withdrawn integer default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  batch_result jsonb;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  select jsonb_build_object(
    'batch_id', batch,
    'accepted', (select count(*) from _offers),
    -- variant_id was copied from each listing after matching: set exactly when the listing is matched
    'matched', (select count(distinct listing_id) from _offers where variant_id is not null),
    'review', (select count(distinct o.listing_id) from _offers o join public.retailer_listings l on l.id = o.listing_id
               where o.variant_id is null and l.status = 'review'),
    'unmatched', (select count(distinct o.listing_id) from _offers o join public.retailer_listings l on l.id = o.listing_id
                  where o.variant_id is null and l.status <> 'review'),
    -- rows left out (a row may have several rejects, one per bad field)
    'rejected', (select count(distinct r."row") from (select ("reject" ->> 'row')::int as "row" from jsonb_array_elements(rejects) as j ("reject")
                                                      union all select "row" from _rejects) r),
    'anomalies', (select count(*) from _offers where anomaly is not null),
    'rejects', (select coalesce(jsonb_agg(r order by (r ->> 'row')::int, r ->> 'field'), '[]')
                from (select jsonb_array_elements(rejects) as r
                      union all select jsonb_build_object('row', "row", 'field', field, 'reason', reason) from _rejects) all_rejects))
    || case when withdrawn is not null then jsonb_build_object('withdrawn', withdrawn) else '{}' end
  into batch_result;
  update private.ingest_batches set result = batch_result where id = batch;
  return batch_result;
end;
$$;
comment on function private.ingest_answer(bigint, jsonb, integer) is
  'Ingest step 8: builds the batch''s response (counts, rejects sorted by row; withdrawn, for a complete feed) and stores it as the batch''s result.';

revoke execute on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb, text[]) from public;
revoke execute on function private.ingest_open_batch(uuid, text, text, text, integer) from public;
revoke execute on function private.ingest_stage_offers(uuid, jsonb) from public;
revoke execute on function private.ingest_reject_repeats() from public;
revoke execute on function private.ingest_write_listings(uuid) from public;
revoke execute on function private.ingest_match_listings() from public;
revoke execute on function private.ingest_flag_anomalies() from public;
revoke execute on function private.ingest_observe(bigint) from public;
revoke execute on function private.ingest_make_current(bigint, uuid) from public;
revoke execute on function private.ingest_withdraw_omitted(bigint, uuid, text[]) from public;
revoke execute on function private.ingest_answer(bigint, jsonb, integer) from public;
grant execute on function
  private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb, text[]),
  private.ingest_open_batch(uuid, text, text, text, integer),
  private.ingest_stage_offers(uuid, jsonb),
  private.ingest_reject_repeats(),
  private.ingest_write_listings(uuid),
  private.ingest_match_listings(),
  private.ingest_flag_anomalies(),
  private.ingest_observe(bigint),
  private.ingest_make_current(bigint, uuid),
  private.ingest_withdraw_omitted(bigint, uuid, text[]),
  private.ingest_answer(bigint, jsonb, integer)
  to service_role;
grant execute on function private.match_listings(jsonb) to service_role;
grant select, insert, update on private.ingest_batches, private.listing_match_candidates, private.freshness_breaches to service_role;
grant insert on private.ingest_replay_keys to service_role;
grant insert on private.price_observations, private.price_anomalies to service_role;
grant update (status, reviewed_at) on private.price_anomalies to service_role;
grant delete on private.listing_match_candidates to service_role;
