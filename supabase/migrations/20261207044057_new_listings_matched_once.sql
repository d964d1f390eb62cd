-- New listings matched faster, and written once.
-- 1. A title that names one of its brand's catalog names exactly (of the title's gender, when it
--    states one) takes that name's fragrances as its candidates, found by the identity index,
--    instead of the brand's 20 nearest names by trigram KNN (~40 index pages a name, two thirds
--    of matching's time: 10,000 new listings 6.2 -> 1.5-2.1 s). It also ends a tie trigram
--    similarity cannot break: names of the same words in another order ("Royal Nuit", "Nuit
--    Royal") are alike at 1.0, so such a title went to review; it is now matched to the name it says.
-- 2. A batch inserted each new listing unmatched, then matched it and wrote it again (a second row
--    version, five index entries and three triggers per listing), then checked every rule of every
--    row a second time for the new prices per 100 ml. Matching now decides first
--    (private.match_decide, into _to_match, a temporary table of type private.listing_to_match; a
--    new listing's id is chosen before it is written), the listing is inserted with its match,
--    private.match_record writes the other decisions and the review queue, and the second check
--    covers the prices per 100 ml only (ingest_rules_sql and ingest_reject_unstorable take the
--    _offers columns to check). private.match_listings(jsonb) stays, for listings already written.

set local check_function_bodies = off;

DROP FUNCTION "private"."ingest_reject_unstorable"();

DROP FUNCTION "private"."ingest_rules_sql"();

CREATE TYPE "private"."listing_to_match" AS (
  "listing_id"    uuid,
  "sku"           text,
  "gtin"          text,
  "parsed"        jsonb,
  "name"          text,
  "brand_given"   boolean,
  "brand_ids"     uuid[],
  "concentration" text,
  "size_ml"       numeric,
  "packaging"     text,
  "quantity"      integer,
  "gender"        text,
  "status"        public.listing_status,
  "variant_id"    uuid,
  "method"        public.match_method,
  "confidence"    numeric,
  "runner_up"     numeric
);

CREATE OR REPLACE FUNCTION private.ingest_match_listings()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform private.match_staging();
  insert into _to_match (listing_id, sku, gtin, parsed)
  select distinct on (o.sku) coalesce(o.listing_id, gen_random_uuid()), o.sku, coalesce(o.gtin, o.known_gtin), o.parsed
  from _offers o
  where o.known_title is distinct from o.title
    and (o.listing_id is null
         or exists (select from public.retailer_listings l where l.id = o.listing_id and l.status in ('unmatched', 'review')))
  order by o.sku, o.observed_at desc, o."row" desc;
  if found then
    perform private.match_decide();
  end if;
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_price_batch (
  retailer        uuid,
  idempotency_key text,
  payload_hash    text,
  content_type    text,
  offers          jsonb,
  rejects         jsonb  DEFAULT '[]'::jsonb,
  complete_skus   text[] DEFAULT NULL::text[]
)
  RETURNS jsonb
  LANGUAGE plpgsql
  SET search_path TO ''
  SET jit TO 'off'
  AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.ingest_reject_unstorable (
  staged name[] DEFAULT NULL::name[]
)
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  moved integer;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  execute 'insert into _rejects ("row", field, reason) ' || private.ingest_rules_sql(staged);
  delete from _offers o where exists (select from _rejects r where r."row" = o."row");
  get diagnostics moved = row_count;
  return moved;
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

CREATE OR REPLACE FUNCTION private.match_listings (
  listings jsonb
)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform private.match_staging();
  insert into _to_match (listing_id, sku, gtin, parsed)
  select l.id, l.retailer_sku, l.gtin, x.parsed
  from jsonb_to_recordset(listings) as x (listing_id uuid, parsed jsonb)
  join public.retailer_listings l on l.id = x.listing_id
  where l.status in ('unmatched', 'review');
  perform private.match_decide();
  perform private.match_record();
end;
$function$;

CREATE OR REPLACE FUNCTION private.match_record()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
begin
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  update public.retailer_listings l
  set variant_id = t.variant_id, match_method = t.method, match_confidence = t.confidence, status = 'matched'
  from _to_match t
  where t.status = 'matched' and l.id = t.listing_id and l.status in ('unmatched', 'review');
  with queued as (
    insert into private.listing_match_candidates (listing_id, variant_id, confidence, runner_up_confidence, parsed)
    select t.listing_id, t.variant_id, t.confidence, t.runner_up, t.parsed
    from _to_match t join public.retailer_listings l on l.id = t.listing_id
    where t.status = 'review' and l.status in ('unmatched', 'review')
    on conflict (listing_id) do update
      set variant_id = excluded.variant_id, confidence = excluded.confidence,
          runner_up_confidence = excluded.runner_up_confidence, parsed = excluded.parsed
    returning listing_id
  )
  update public.retailer_listings l set status = 'review'
  from queued q where l.id = q.listing_id and l.status <> 'review';
  delete from private.listing_match_candidates c
  using _to_match t where c.listing_id = t.listing_id and t.status <> 'review';
  -- Listings with no candidate at all stay (or become again) unmatched.
  update public.retailer_listings l set status = 'unmatched'
  from _to_match t
  where l.id = t.listing_id and t.status = 'unmatched' and l.status = 'review';
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

COMMENT ON FUNCTION "private"."ingest_match_listings"() IS 'Ingest step 3: decides the matches of new and retitled listings (private.match_decide) before any is written.';

COMMENT ON FUNCTION "private"."ingest_reject_unstorable"(name[]) IS 'Rejects (moves from _offers to _rejects) every staged offer that would break a constraint or column type of the tables a batch writes.';

COMMENT ON FUNCTION "private"."ingest_rules_sql"(name[]) IS 'The SQL that finds, in _offers, every row breaking a constraint, NOT NULL or numeric bound of the tables a batch writes, with the feed field and the rule''s reason.';

COMMENT ON FUNCTION "private"."ingest_write_listings"(uuid) IS 'Ingest step 4: updates the listings whose title, URL, GTIN or first sighting the batch changes, creates the new ones with their match, records the other matches, and prices newly matched offers per 100 ml.';

COMMENT ON FUNCTION "private"."match_decide"() IS 'Matching: decides each listing of _to_match (matched by GTIN or attributes, review with its best candidate, or unmatched); see private.settings match_*.';

COMMENT ON FUNCTION "private"."match_listings"(jsonb) IS 'Matches listings [{listing_id, parsed}] that are unmatched or in review: GTIN, then attribute similarity (see private.settings match_*).';

COMMENT ON FUNCTION "private"."match_record"() IS 'Matching: writes the decisions of _to_match to listings already written (matched, review with the queue row, unmatched); never touches manual or existing matches.';

COMMENT ON FUNCTION "private"."match_staging"() IS 'Matching: creates (once per transaction) and empties the temporary table _to_match of the listings to decide on.';

COMMENT ON TYPE "private"."listing_to_match" IS 'Shape of the temporary _to_match table: one listing one matching decides on, its parse and the decision.';

REVOKE ALL ON FUNCTION "private"."ingest_reject_unstorable"(name[]) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."ingest_reject_unstorable"(name[]) TO "service_role";

REVOKE ALL ON FUNCTION "private"."ingest_rules_sql"(name[]) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."ingest_rules_sql"(name[]) TO "service_role";

REVOKE ALL ON FUNCTION "private"."match_decide"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."match_decide"() TO "service_role";

REVOKE ALL ON FUNCTION "private"."match_record"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."match_record"() TO "service_role";

REVOKE ALL ON FUNCTION "private"."match_staging"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."match_staging"() TO "service_role";
