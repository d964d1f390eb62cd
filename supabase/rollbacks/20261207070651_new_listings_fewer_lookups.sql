-- Rollback of 20261207070651_new_listings_fewer_lookups.sql.
-- Restores the rules check, history, reference, pricing, anomaly, staging and matching steps as
-- they were, and drops private.session_table and the working tables' types; reviewed.

set local check_function_bodies = off;

DROP FUNCTION "private"."session_table"(text, regtype, name);

DROP TYPE "private"."match_candidate";

DROP TYPE "private"."match_named";

CREATE OR REPLACE FUNCTION private.apply_staged_offers (
  batch bigint
)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  analyze _offers_to_apply (listing_id);  -- a plan for this batch's size (see ingest_staging.sql)
  -- The upsert row-locks each listing's offer, so concurrent batches touching a listing take turns below.
  insert into public.current_offers as c
    (listing_id, retailer_id, variant_id, price, currency, price_base, price_per_100ml_base, in_stock, observed_at, batch_id, stale,
     shipping, shipping_base)
  select o.listing_id, o.retailer_id, o.variant_id, o.price, o.currency, o.price_base, o.price_per_100ml_base, o.in_stock,
         o.observed_at, batch, false, o.shipping, o.shipping_base
  from _offers_to_apply o
  order by o.listing_id
  on conflict (listing_id) do update
    set variant_id = excluded.variant_id, price = excluded.price, currency = excluded.currency, price_base = excluded.price_base,
        price_per_100ml_base = excluded.price_per_100ml_base, in_stock = excluded.in_stock, observed_at = excluded.observed_at,
        batch_id = excluded.batch_id, stale = false, shipping = excluded.shipping, shipping_base = excluded.shipping_base,
        updated_at = now()
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

  perform private.set_price_references(array(select o.listing_id from _offers_to_apply o));
  -- The price alerts watching these variants, found by index (alerts/evaluate_alerts.sql).
  perform private.fire_price_alerts(array(select distinct o.variant_id from _offers_to_apply o where o.variant_id is not null));
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_flag_anomalies()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
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
      where p.listing_id = c.listing_id and p.anomaly is null
        and p.observed_at >= c.observed_at - interval '30 days' and p.observed_at < c.observed_at
    ) h
    where (c.price, c.currency) is distinct from (c.current_price, c.current_currency)
  ) k
  where k."row" = o."row" and k.kind is not null;
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_rules_sql (
  staged name[] DEFAULT NULL::name[]
)
  RETURNS text
  LANGUAGE sql
  STABLE
  SET search_path TO ''
  AS $function$
  with cols as (
    select w.table_name, w.column_name, format('(x.o).%I', w.staged) as staged, w.field, w.ord, a.attnotnull as not_null,
           format_type(a.atttypid, a.atttypmod) as type,
           -- numeric(p, s): the largest magnitude it holds, once rounded to s places
           case when a.atttypid = 'numeric'::regtype and a.atttypmod > 0
                then (((a.atttypmod - 4) >> 16) & 65535) - ((a.atttypmod - 4) & 65535) end as int_digits,
           case when a.atttypid = 'numeric'::regtype and a.atttypmod > 0 then (a.atttypmod - 4) & 65535 end as scale
    from private.ingest_written_columns() with ordinality as w (table_name, column_name, staged, field, ord)
    join pg_catalog.pg_attribute a on a.attrelid = w.table_name and a.attname = w.column_name
    where ingest_rules_sql.staged is null or w.staged = any (ingest_rules_sql.staged)
  ),
  rules as (
    -- the table's CHECK constraints over written columns only
    select c.conrelid as table_name, k.field, k.ord, pg_catalog.pg_get_expr(c.conbin, c.conrelid) as ok,
           coalesce(pg_catalog.obj_description(c.oid, 'pg_constraint'), format('breaks %s', c.conname)) as reason
    from pg_catalog.pg_constraint c
    cross join lateral (
      select min(w.field) as field, min(w.ord) as ord, count(*) as written
      from unnest(c.conkey) as n (attnum)
      join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = n.attnum
      join cols w on w.table_name = c.conrelid and w.column_name = a.attname
    ) k
    where c.contype = 'c' and c.conrelid in (select table_name from cols) and k.written = cardinality(c.conkey)
    union all
    select table_name, field, ord, format('%s is not null', staged), 'is required' from cols where not_null
    union all
    select table_name, field, ord, format('abs(round(%s, %s)) < 1e%s', staged, scale, int_digits),
           format('is too large to store (at most %s digits before the decimal point)', int_digits)
    from cols where int_digits is not null
  ),
  per_table as (
    select t.table_name,
           -- the staged values under the column names; a number beyond its column's bounds becomes null
           -- here (its bound rule rejects it), so the cast cannot fail
           string_agg(format('%s as %I',
             case when t.int_digits is not null
                  then format('case when abs(round(%1$s, %2$s)) < 1e%3$s then (%1$s)::%4$s end', t.staged, t.scale, t.int_digits, t.type)
                  else format('(%s)::%s', t.staged, t.type) end, t.column_name), ', ') as columns
    from cols t group by t.table_name
  )
  -- One reject per row and field: the reason of the rule on the field's first written column (a
  -- price under 0.01 is that, not also a base price under 0.01).
  select 'select distinct on (1, 2) "row", field, reason from (' || string_agg(format(
    -- Each staged row is one composite value x.o, so a constraint's bare column names can only
    -- mean the columns of w, the staged values under the table's column names.
    $q$select (x.o)."row", r.field, r.reason, r.ord from (select o from _offers o) x
       cross join lateral (select %s) as w
       cross join lateral (values %s) as r (field, reason, ord, ok)
       where r.ok is false$q$,
    p.columns,
    (select string_agg(format('(%L, %L, %s, %s)', r.field, r.reason, r.ord, r.ok), ', ') from rules r where r.table_name = p.table_name)),
    ' union all ') || ') broken order by 1, 2, ord, reason'
  from per_table p
  where exists (select from rules r where r.table_name = p.table_name)
$function$;

CREATE OR REPLACE FUNCTION private.ingest_staging_tables()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  perform 'PRAGMA:TABLE: _offers_to_apply (like private.staged_offer_to_apply)';
  if private.staging_table_outdated('_offers', 'private.staged_offer') then
    drop table pg_temp._offers;
  end if;
  if private.staging_table_outdated('_rejects', 'private.staged_reject') then
    drop table pg_temp._rejects;
  end if;
  if private.staging_table_outdated('_offers_to_apply', 'private.staged_offer_to_apply') then
    drop table pg_temp._offers_to_apply;
  end if;
  if to_regclass('pg_temp._offers') is null then
    create temporary table _offers (like private.staged_offer) on commit delete rows;
  end if;
  if to_regclass('pg_temp._rejects') is null then
    create temporary table _rejects (like private.staged_reject) on commit delete rows;
  end if;
  if to_regclass('pg_temp._offers_to_apply') is null then
    create temporary table _offers_to_apply (like private.staged_offer_to_apply) on commit delete rows;
  end if;
  delete from _offers;
  delete from _rejects;
  delete from _offers_to_apply;
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_write_listings (
  retailer uuid
)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
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
      (id, retailer_id, retailer_sku, title, url, gtin, first_seen_at, variant_id, match_method, match_confidence, status)
    select distinct on (o.sku) m.listing_id, retailer, o.sku, o.title, o.url, o.gtin, min(o.observed_at) over (partition by o.sku),
           case when m.status = 'matched' then m.variant_id end, case when m.status = 'matched' then m.method end,
           case when m.status = 'matched' then m.confidence end, coalesce(m.status, 'unmatched')
    from _offers o join _to_match m on m.sku = o.sku
    where o.listing_id is null
    order by o.sku, o.observed_at desc, o."row" desc
    on conflict (retailer_id, retailer_sku) do update
      set title = excluded.title, url = excluded.url, gtin = coalesce(excluded.gtin, l.gtin),
          first_seen_at = least(l.first_seen_at, excluded.first_seen_at)
    returning l.id, l.retailer_sku
  ),
  raced as (
    update _to_match m set listing_id = c.id
    from created c where m.sku = c.retailer_sku and m.listing_id <> c.id
  )
  update _offers o set listing_id = c.id from created c where o.listing_id is null and o.sku = c.retailer_sku;
  perform private.match_record();
  -- The offers of listings matched now: their variant, and their price per 100 ml (which must fit).
  update _offers o
  set variant_id = l.variant_id, per_100ml = round(o.price * o.rate / l.volume_ml * 100, 2)
  from _to_match m join public.retailer_listings l on l.id = m.listing_id
  where m.sku = o.sku and l.variant_id is not null;
  if found then
    perform private.ingest_reject_unstorable(array['per_100ml']::name[]);
  end if;
end;
$function$;

CREATE OR REPLACE FUNCTION private.match_decide()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  SET jit TO 'off'
  AS $function$
declare
  auto_threshold numeric := private.setting('match_auto_threshold')::numeric;
  review_threshold numeric := private.setting('match_review_threshold')::numeric;
  min_margin numeric := private.setting('match_min_margin')::numeric;
  -- the vocabulary's gender words, longest first: a name without them is its core ("Light Blue" of "Light Blue Pour Homme")
  gender_words text := private.gender_words_pattern();
begin
  -- Temp tables declared for plpgsql_check (`supabase db lint`); a no-op at run time.
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform 'PRAGMA:TABLE: _candidates (listing_id uuid, variant_id uuid, score numeric, rank bigint)';
  perform 'PRAGMA:TABLE: _named (brand_ids uuid[], name text, gender text, fragrance_id uuid, concentration public.concentration, fragrance_gender public.gender, sim numeric)';
  perform set_config('pg_trgm.similarity_threshold', '0.3', true);

  update _to_match t
  set name = public.normalize_name(t.parsed ->> 'name'), brand_given = t.parsed ->> 'brand' is not null,
      concentration = t.parsed ->> 'concentration', size_ml = (t.parsed ->> 'size_ml')::numeric,
      packaging = coalesce(t.parsed ->> 'packaging', 'retail'), quantity = coalesce((t.parsed ->> 'quantity')::int, 1),
      gender = t.parsed ->> 'gender', status = 'unmatched';
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
  -- (a temp table has no statistics: each step below is planned for this batch)
  analyze _to_match (gtin);

  -- 1. GTIN: exact, confidence 1.
  update _to_match t
  set status = 'matched', variant_id = v.id, method = 'gtin', confidence = 1
  from public.variants v
  where t.gtin is not null and v.gtin = t.gtin;
  analyze _to_match (status, name, brand_ids, gender);

  -- 2. Attributes: score every plausible variant, keep the best two per listing. Candidates come from
  --    the brand's fragrances when the title names a known brand, else from the trigram index; they
  --    are found once per distinct (brands, name, gender) of the batch (a feed lists a fragrance in
  --    several sizes), each with its name similarity: trigram similarity, and when the title states
  --    the fragrance's gender also that of both names without their gender words, 0.02 below an exact
  --    match ("Light Blue … for Men" is Light Blue Pour Homme). (Written out, not a function: a
  --    function with a SET clause is a call per candidate, half the time of this step.)
  create temporary table if not exists _named (
    brand_ids uuid[], name text, gender text, fragrance_id uuid, concentration public.concentration,
    fragrance_gender public.gender, sim numeric
  ) on commit drop;
  truncate _named;
  -- 2a. A title that names one of its brand's catalog names exactly (one of the title's gender, when it
  --     states one) has that name's fragrances as its candidates, similarity 1, found by the identity
  --     index; near names are not looked for ("Spicebomb" is not sent to review for Spicebomb Extreme).
  --     The search below reads ~40 index pages a name, most of this step's time.
  insert into _named
  select e.brand_ids, e.name, e.gender, e.id, e.concentration, e.fragrance_gender, 1
  from (
    select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender as fragrance_gender,
           bool_or(k.gender is null or f.gender::text = k.gender) over (partition by k.brand_ids, k.name, k.gender) as named_exactly
    from (select distinct t.brand_ids, t.name, t.gender from _to_match t where t.status = 'unmatched' and t.name <> '' and t.brand_ids is not null) k
    join public.fragrances f on f.brand_id = any (k.brand_ids) and f.name_normalized = k.name and f.deleted_at is null
    where k.gender is null or k.gender = 'unisex' or f.gender in ('unisex', k.gender::public.gender)
  ) e
  where e.named_exactly;
  analyze _named;
  -- 2b. Every other name: the nearest names of the brand (or the trigram-similar names, with no brand).
  insert into _named
  select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender, f.sim
  from (
    select distinct t.brand_ids, t.name, t.gender,
           btrim(regexp_replace(regexp_replace(t.name, gender_words, ' ', 'g'), '\s+', ' ', 'g')) as core
    from _to_match t
    where t.status = 'unmatched' and t.name <> '' and (not t.brand_given or t.brand_ids is not null)
      and not exists (select from _named n where n.brand_ids = t.brand_ids and n.name = t.name and n.gender is not distinct from t.gender)
  ) k
  cross join lateral (
    select g.id, g.concentration, g.gender, g.sim from (
      select g.id, g.concentration, g.gender, greatest(extensions.similarity(g.name_normalized, k.name),
               case when k.gender = g.gender::text then extensions.similarity(
                 btrim(regexp_replace(regexp_replace(g.name_normalized, gender_words, ' ', 'g'), '\s+', ' ', 'g')), k.core) - 0.02 end
             )::numeric as sim
      from (
        -- the brand's 20 nearest names, by KNN on fragrances_brand_name_trgm_idx
        select f.id, f.concentration, f.gender, f.name_normalized
        from unnest(coalesce(k.brand_ids, '{}')) as b (id)
        cross join lateral (
          select f.id, f.concentration, f.gender, f.name_normalized
          from public.fragrances f
          where f.brand_id = b.id and f.deleted_at is null
          order by f.name_normalized operator(extensions.<->) k.name
          limit 20
        ) f
        union all
        select f.id, f.concentration, f.gender, f.name_normalized
        from public.fragrances f
        where k.brand_ids is null and f.deleted_at is null and f.name_normalized operator(extensions.%) k.name
      ) g
    ) g
    where g.sim >= 0.3
    order by g.sim desc
    limit 20
  ) f
  -- a title "for Men" is never the women's version (and vice versa): opposite genders are no candidates
  where k.gender is null or k.gender = 'unisex' or f.gender in ('unisex', k.gender::public.gender);

  create temporary table if not exists _candidates (listing_id uuid, variant_id uuid, score numeric, rank bigint) on commit drop;
  truncate _candidates;
  insert into _candidates
  select listing_id, variant_id, score, rank from (
    select c.listing_id, c.variant_id, c.score,
           row_number() over (partition by c.listing_id order by c.score desc, c.variant_id) as rank
    from (
      select t.listing_id, v.id as variant_id, round(
          0.15 * case when t.brand_ids is null then 0.5 else 1 end
        + 0.45 * n.sim
        + 0.15 * case when t.concentration is null then 0.5 when n.concentration::text = t.concentration then 1 else 0 end
        + 0.10 * case when t.size_ml is null then 0.5 else 1 end
        + 0.10 * case when v.packaging::text = t.packaging then 1 else 0 end
        + 0.025 * case when v.quantity = t.quantity then 1 else 0 end
        + 0.025 * case when t.gender is null or n.fragrance_gender::text = t.gender then 1 else 0 end, 3) as score
      from _to_match t
      join _named n on coalesce(n.brand_ids, '{}') = coalesce(t.brand_ids, '{}') and n.name = t.name
                   and coalesce(n.gender, '') = coalesce(t.gender, '')
      join public.variants v on v.fragrance_id = n.fragrance_id and (t.size_ml is null or v.size_ml = t.size_ml)
    ) c
  ) ranked
  where rank <= 2;
  analyze _candidates;

  update _to_match t
  set status = case when b.score >= auto_threshold and (r.score is null or b.score - r.score >= min_margin) then 'matched'
                    when b.score >= review_threshold then 'review' else 'unmatched' end::public.listing_status,
      variant_id = b.variant_id, method = 'attributes', confidence = b.score, runner_up = r.score
  from _candidates b left join _candidates r on r.listing_id = b.listing_id and r.rank = 2
  where b.rank = 1 and t.listing_id = b.listing_id and t.status = 'unmatched';
  analyze _to_match;  -- (for the writes of the decisions)
end;
$function$;

CREATE OR REPLACE FUNCTION private.match_staging()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  create temporary table if not exists _to_match (like private.listing_to_match, primary key (listing_id)) on commit drop;
  truncate _to_match;
end;
$function$;

COMMENT ON FUNCTION "private"."match_staging"() IS 'Matching: creates (once per transaction) and empties the temporary table _to_match of the listings to decide on.';
