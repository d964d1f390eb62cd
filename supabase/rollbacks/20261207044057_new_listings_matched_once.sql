-- Rollback of 20261207044057_new_listings_matched_once.sql.
-- Restores insert-then-match (match_listings doing the whole match, every name searched among its
-- brand's nearest names, and its writes) and the full second rules check; drops match_staging,
-- match_decide, match_record and the type private.listing_to_match; reviewed.

set local check_function_bodies = off;

DROP FUNCTION "private"."ingest_reject_unstorable"(name[]);

DROP FUNCTION "private"."ingest_rules_sql"(name[]);

DROP FUNCTION "private"."match_decide"();

DROP FUNCTION "private"."match_record"();

DROP FUNCTION "private"."match_staging"();

DROP TYPE "private"."listing_to_match";

CREATE OR REPLACE FUNCTION private.ingest_match_listings()
  RETURNS void
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  to_match jsonb;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
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
    perform private.ingest_reject_unstorable();  -- a price per 100 ml of a newly matched listing may not fit
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
  perform private.ingest_write_listings(retailer);
  perform private.ingest_match_listings();
  perform private.ingest_flag_anomalies();
  perform private.ingest_observe(opened.batch);
  perform private.ingest_make_current(opened.batch, retailer);
  return private.ingest_answer(opened.batch, rejects,
                               case when complete_skus is not null then private.ingest_withdraw_omitted(opened.batch, retailer, complete_skus) end);
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_reject_unstorable()
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
declare
  moved integer;
begin
  perform 'PRAGMA:TABLE: _offers (like private.staged_offer)';
  perform 'PRAGMA:TABLE: _rejects (like private.staged_reject)';
  execute 'insert into _rejects ("row", field, reason) ' || private.ingest_rules_sql();
  delete from _offers o where exists (select from _rejects r where r."row" = o."row");
  get diagnostics moved = row_count;
  return moved;
end;
$function$;

CREATE OR REPLACE FUNCTION private.ingest_rules_sql()
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
end;
$function$;

CREATE OR REPLACE FUNCTION private.match_listings (
  listings jsonb
)
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
  perform 'PRAGMA:TABLE: _to_match (listing_id uuid, gtin text, parsed jsonb, name text, brand_given boolean, brand_ids uuid[], concentration text, size_ml numeric, packaging text, quantity integer, gender text)';
  perform 'PRAGMA:TABLE: _candidates (listing_id uuid, variant_id uuid, score numeric, rank bigint)';
  perform 'PRAGMA:TABLE: _named (brand_ids uuid[], name text, gender text, fragrance_id uuid, concentration public.concentration, fragrance_gender public.gender, sim numeric)';
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
  analyze _to_match (gtin, name, brand_ids, gender);  -- (a temp table has no statistics: the steps below are planned for this batch)

  -- 1. GTIN: exact, confidence 1.
  with by_gtin as (
    update public.retailer_listings l
    set variant_id = v.id, match_method = 'gtin', match_confidence = 1, status = 'matched'
    from _to_match t join public.variants v on v.gtin = t.gtin
    where l.id = t.listing_id and t.gtin is not null
    returning l.id
  )
  delete from _to_match t using by_gtin g where t.listing_id = g.id;

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
  insert into _named
  select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender, f.sim
  from (
    select distinct t.brand_ids, t.name, t.gender,
           btrim(regexp_replace(regexp_replace(t.name, gender_words, ' ', 'g'), '\s+', ' ', 'g')) as core
    from _to_match t
    where t.name <> '' and (not t.brand_given or t.brand_ids is not null)
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
$function$;

COMMENT ON FUNCTION "private"."ingest_match_listings"() IS 'Ingest step 4: matches new and retitled listings (private.match_listings) and prices their offers per 100 ml.';

COMMENT ON FUNCTION "private"."ingest_reject_unstorable"() IS 'Rejects (moves from _offers to _rejects) every staged offer that would break a constraint or column type of the tables a batch writes.';

COMMENT ON FUNCTION "private"."ingest_rules_sql"() IS 'The SQL that finds, in _offers, every row breaking a constraint, NOT NULL or numeric bound of the tables a batch writes, with the feed field and the rule''s reason.';

COMMENT ON FUNCTION "private"."ingest_write_listings"(uuid) IS 'Ingest step 3: updates the listings whose title, URL, GTIN or first sighting the batch changes, and creates the listings seen for the first time.';

COMMENT ON FUNCTION "private"."match_listings"(jsonb) IS 'Matches listings [{listing_id, parsed}] to variants: GTIN, then attribute similarity (see private.settings match_*).';

REVOKE ALL ON FUNCTION "private"."ingest_reject_unstorable"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."ingest_reject_unstorable"() TO "service_role";

REVOKE ALL ON FUNCTION "private"."ingest_rules_sql"() FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."ingest_rules_sql"() TO "service_role";
