-- Price ingestion: matching listings to variants, and the one set-based
-- function that takes a whole webhook batch in one transaction.

-- Candidates of a known brand: nearest names within the brand, one index scan.
create index if not exists fragrances_brand_name_trgm_idx on public.fragrances
  using gist (brand_id, name_normalized extensions.gist_trgm_ops) where deleted_at is null;
comment on index public.fragrances_brand_name_trgm_idx is 'Matching: the live fragrances of a brand nearest a parsed name (KNN with <->).';

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

/**
 * Ingests one webhook batch in one transaction; returns the response body.
 * offers: [{row, sku, title, url, gtin, price, currency, in_stock, observed_at, parsed}]
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
as $$
declare
  batch bigint;
  previous record;
  batch_result jsonb;
  horizon_days integer := private.setting('observation_horizon_days')::integer;
  jump_share numeric := private.setting('anomaly_jump_share')::numeric;
  low_margin numeric := private.setting('anomaly_below_low_margin')::numeric;
  tolerance numeric := private.setting('anomaly_factor_tolerance')::numeric;
  plausible jsonb := private.setting('plausible_per_100ml_base');
begin
  -- Temp tables declared for plpgsql_check (`supabase db lint`); a no-op at run time.
  perform 'PRAGMA:TABLE: _offers ("row" integer, sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean, observed_at timestamptz, parsed jsonb, listing_id uuid, variant_id uuid, price_base numeric, per_100ml numeric, reference numeric, low numeric, anomaly public.price_anomaly_kind, reason text, known_title text)';
  perform 'PRAGMA:TABLE: _rejects ("row" integer, field text, reason text)';
  perform 'PRAGMA:TABLE: _rates (currency text, day date, rate numeric)';
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

  create temporary table if not exists _offers (
    "row" integer, sku text, title text, url text, gtin text, price numeric, currency text, in_stock boolean,
    observed_at timestamptz, parsed jsonb, listing_id uuid, variant_id uuid, price_base numeric,
    per_100ml numeric, reference numeric, low numeric, anomaly public.price_anomaly_kind, reason text, known_title text
  ) on commit drop;
  truncate _offers;
  insert into _offers ("row", sku, title, url, gtin, price, currency, in_stock, observed_at, parsed)
  select o."row", o.sku, o.title, o.url, o.gtin, o.price, upper(o.currency), o.in_stock, o.observed_at, o.parsed
  from jsonb_to_recordset(offers) as o ("row" integer, sku text, title text, url text, gtin text, price numeric,
                                        currency text, in_stock boolean, observed_at timestamptz, parsed jsonb);

  -- Exchange rates, once per currency and day of the batch.
  create temporary table if not exists _rates (currency text, day date, rate numeric, primary key (currency, day)) on commit drop;
  truncate _rates;
  insert into _rates
  select d.currency, d.day, public.fx_rate(d.currency, d.day)
  from (select distinct o.currency, o.observed_at::date as day from _offers o
        where exists (select from public.currencies c where c.code = o.currency)) d;

  -- Rows the database cannot price are rejected with a reason; the rest of the batch goes on.
  create temporary table if not exists _rejects ("row" integer, field text, reason text) on commit drop;
  truncate _rejects;
  insert into _rejects
  select "row", field, reason from (
    select o."row", 'currency' as field, format('unknown currency "%s"', o.currency) as reason
    from _offers o where not exists (select from public.currencies c where c.code = o.currency)
    union all
    select o."row", 'currency', format('no exchange rate for %s on %s', o.currency, o.observed_at::date)
    from _offers o join _rates r on r.currency = o.currency and r.day = o.observed_at::date and r.rate is null
    union all
    select o."row", 'observed_at', 'more than one day in the future' from _offers o where o.observed_at > now() + interval '1 day'
    union all
    select o."row", 'observed_at', format('older than the %s-day horizon', horizon_days)
    from _offers o where o.observed_at < now() - make_interval(days => horizon_days)
  ) r;
  delete from _offers o using _rejects r where r."row" = o."row";

  -- Listings: the retailer's SKU is the key; the title and URL follow the feed. Matching runs for
  -- listings seen for the first time or retitled, not for every price update.
  update _offers o set listing_id = l.id, known_title = l.title
  from public.retailer_listings l where l.retailer_id = retailer and l.retailer_sku = o.sku;
  insert into public.retailer_listings (retailer_id, retailer_sku, title, url, gtin, first_seen_at, last_seen_at)
  select distinct on (o.sku) retailer, o.sku, o.title, o.url, o.gtin, o.observed_at, o.observed_at
  from _offers o
  order by o.sku, o.observed_at desc, o."row" desc
  on conflict (retailer_id, retailer_sku) do update
    set title = excluded.title, url = excluded.url, gtin = coalesce(excluded.gtin, retailer_listings.gtin),
        first_seen_at = least(retailer_listings.first_seen_at, excluded.first_seen_at),
        last_seen_at = greatest(retailer_listings.last_seen_at, excluded.last_seen_at)
    -- a price update of an unchanged listing does not rewrite the row (last_seen_at is kept to the hour;
    -- current_offers.observed_at has the exact time)
    where (retailer_listings.title, retailer_listings.url) is distinct from (excluded.title, excluded.url)
       or (excluded.gtin is not null and excluded.gtin is distinct from retailer_listings.gtin)
       or excluded.first_seen_at < retailer_listings.first_seen_at
       or excluded.last_seen_at > retailer_listings.last_seen_at + interval '1 hour';
  update _offers o set listing_id = l.id  -- the listings just created
  from public.retailer_listings l where o.listing_id is null and l.retailer_id = retailer and l.retailer_sku = o.sku;
  analyze _offers;  -- temp tables have no statistics otherwise: joins on listing_id would plan blind

  perform private.match_listings(
    (select coalesce(jsonb_agg(jsonb_build_object('listing_id', listing_id, 'parsed', parsed)), '[]')
     from (select distinct on (listing_id) listing_id, parsed from _offers
           where known_title is distinct from title
           order by listing_id, observed_at desc) x));

  -- Base-currency and per-100 ml prices.
  update _offers o
  set variant_id = l.variant_id,
      price_base = round(o.price * r.rate, 2),
      per_100ml = case when v.id is not null then round(o.price * r.rate / (v.size_ml * v.quantity) * 100, 2) end
  from public.retailer_listings l
  left join public.variants v on v.id = l.variant_id
  cross join _rates r
  where l.id = o.listing_id and r.currency = o.currency and r.day = o.observed_at::date;

  -- Anomalies: compare with the listing's last 30 days of unflagged observations.
  update _offers o
  set reference = h.median, low = h.low
  from (
    select o2."row", percentile_cont(0.5) within group (order by p.price_base) as median, min(p.price_base) as low
    from _offers o2
    join private.price_observations p
      on p.listing_id = o2.listing_id and p.anomaly is null
     and p.observed_at >= o2.observed_at - interval '30 days' and p.observed_at < o2.observed_at
    group by o2."row"
  ) h
  where h."row" = o."row";
  update _offers o
  set anomaly = case
      when o.reference is null then
        case when o.per_100ml not between (plausible ->> 0)::numeric and (plausible ->> 1)::numeric then 'implausible' end
      when abs(o.price_base / o.reference / 100 - 1) <= tolerance or abs(o.price_base / o.reference * 100 - 1) <= tolerance then 'currency_error'
      when abs(o.price_base / o.reference / 29.5735 - 1) <= tolerance or abs(o.price_base / o.reference * 29.5735 - 1) <= tolerance then 'unit_error'
      when abs(o.price_base / o.reference - 1) > jump_share then 'jump'
      when o.price_base < o.low * (1 - low_margin) then 'below_30d_low'
    end::public.price_anomaly_kind
  where o.reference is not null or o.per_100ml is not null;
  update _offers o
  set reason = case o.anomaly
      when 'implausible' then format('%s %s per 100 ml is outside %s..%s, with no history to compare',
                                     o.per_100ml, public.base_currency(), plausible ->> 0, plausible ->> 1)
      when 'currency_error' then format('%s is about 100x off its 30-day median %s (currency or cents slip?)', o.price_base, round(o.reference, 2))
      when 'unit_error' then format('%s is about 29.57x off its 30-day median %s (per-oz vs per-ml?)', o.price_base, round(o.reference, 2))
      when 'jump' then format('%s moves more than %s%% against its 30-day median %s', o.price_base, jump_share * 100, round(o.reference, 2))
      when 'below_30d_low' then format('%s is more than %s%% under its 30-day low %s', o.price_base, low_margin * 100, o.low)
    end
  where o.anomaly is not null;

  -- Every accepted row is observed, flagged or not: append-only, with its lineage.
  insert into private.price_observations
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock, anomaly)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.per_100ml, o.in_stock, o.reason
  from _offers o;
  insert into private.price_anomalies
    (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock, kind, reason, reference_price_base)
  select o.listing_id, batch, o."row", o.observed_at, o.price, o.currency, o.price_base, o.in_stock, o.anomaly, o.reason,
         coalesce(o.reference, o.low)
  from _offers o where o.anomaly is not null;

  perform private.apply_offers(batch, (
    select coalesce(jsonb_agg(to_jsonb(x)), '[]') from (
      select distinct on (o.listing_id) o.listing_id, o.variant_id, o.price, o.currency, o.price_base,
             o.per_100ml as price_per_100ml_base, o.in_stock, o.observed_at
      from _offers o where o.anomaly is null
      order by o.listing_id, o.observed_at desc, o."row" desc) x));

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

/**
 * Makes reviewed prices current: per listing, the latest price wins the current
 * offer (whatever the commit order of concurrent batches), and the history
 * closes the open range and opens a new one when the price or stock changes.
 * offers: [{listing_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at}], one per listing.
 */
create or replace function private.apply_offers(batch bigint, offers jsonb)
returns void
language sql
set search_path = ''
as $$
  -- The upsert row-locks each listing's offer, so concurrent batches touching a listing take turns below.
  insert into public.current_offers as c
    (listing_id, retailer_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at, batch_id, stale)
  select o.listing_id, l.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock,
         o.observed_at, batch, false
  from jsonb_to_recordset(offers) as o (listing_id uuid, variant_id uuid, price numeric, currency text, price_base numeric,
                                        price_per_100ml_base numeric, in_stock boolean, observed_at timestamptz)
  join public.retailer_listings l on l.id = o.listing_id
  order by o.listing_id
  on conflict (listing_id) do update
    set variant_id = excluded.variant_id, price = excluded.price, currency = excluded.currency, price_base = excluded.price_base,
        price_per_100ml_base = excluded.price_per_100ml_base, in_stock = excluded.in_stock, observed_at = excluded.observed_at,
        batch_id = excluded.batch_id, stale = false
    where excluded.observed_at >= c.observed_at;

  -- History, one pass: each listing's open range is looked up once; a newer, different price closes
  -- it and opens the next; a listing with no range gets its first. Older (late) prices leave it alone.
  with o as (
    select o.*, h.id as open_id, lower(h.valid) as open_from,
           (h.price, h.currency, h.in_stock) is distinct from (o.price, o.currency, o.in_stock) as changed
    from jsonb_to_recordset(offers) as o (listing_id uuid, price numeric, currency text, price_base numeric,
                                          in_stock boolean, observed_at timestamptz)
    left join public.price_history h on h.listing_id = o.listing_id and upper_inf(h.valid)
  ),
  closed as (
    update public.price_history h set valid = tstzrange(lower(h.valid), o.observed_at)
    from o where h.id = o.open_id and o.observed_at > o.open_from and o.changed
    returning h.listing_id
  )
  insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
  select o.listing_id, o.price, o.currency, o.price_base, o.in_stock, tstzrange(o.observed_at, null)
  from o
  where o.listing_id in (select listing_id from closed)
     or (o.open_id is null and not exists (select from public.price_history h where h.listing_id = o.listing_id and upper(h.valid) > o.observed_at));
$$;
comment on function private.apply_offers(bigint, jsonb) is 'Makes reviewed prices current (latest wins) and extends the price history; called by ingestion and by anomaly approval.';
revoke execute on function private.apply_offers(bigint, jsonb) from public;

grant execute on function private.ingest_price_batch(uuid, text, text, text, jsonb, jsonb), private.match_listings(jsonb),
  private.apply_offers(bigint, jsonb) to service_role;
grant select, insert, update on private.ingest_batches, private.listing_match_candidates, private.freshness_breaches to service_role;
grant insert on private.price_observations, private.price_anomalies to service_role;
grant update (status, reviewed_at) on private.price_anomalies to service_role;
grant delete on private.listing_match_candidates to service_role;
