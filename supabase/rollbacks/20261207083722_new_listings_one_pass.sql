-- Rollback of 20261207083722_new_listings_one_pass.sql.
-- Restores the two-pass matching and listing writes of 20261207070651; reviewed.

set local check_function_bodies = off;

DROP FUNCTION "private"."match_named_exactly"();

CREATE TYPE "private"."match_candidate" AS (
  "listing_id" uuid,
  "variant_id" uuid,
  "score"      numeric,
  "rank"       bigint
);

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
  -- (The listings by index: joined, a batch's few thousand were hashed against every listing.)
  update _offers o
  set variant_id = l.variant_id, per_100ml = round(o.price * o.rate / l.volume_ml * 100, 2)
  from _to_match m join public.retailer_listings l on l.id = m.listing_id
  where m.sku = o.sku and l.variant_id is not null
    and l.id = any (array(select m.listing_id from _to_match m));
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
  perform 'PRAGMA:TABLE: _named (like private.match_named)';
  perform 'PRAGMA:TABLE: _candidates (like private.match_candidate)';
  perform set_config('pg_trgm.similarity_threshold', '0.3', true);

  update _to_match t
  set name = public.normalize_name(t.parsed ->> 'name'), brand_given = t.parsed ->> 'brand' is not null,
      concentration = t.parsed ->> 'concentration', size_ml = (t.parsed ->> 'size_ml')::numeric,
      packaging = coalesce(t.parsed ->> 'packaging', 'retail'), quantity = coalesce((t.parsed ->> 'quantity')::int, 1),
      gender = t.parsed ->> 'gender', status = 'unmatched';
  -- The brands named, resolved once per brand the batch names (a feed names a few hundred for
  -- thousands of listings).
  update _to_match t
  set brand_ids = ids.brand_ids
  from (
    select k.brand, array_agg(distinct coalesce(b.id, a.brand_id)) as brand_ids
    from (select distinct m.parsed ->> 'brand' as brand from _to_match m where m.brand_given) k
    cross join lateral (select public.normalize_name(k.brand) as key) n
    left join public.brands b on b.name_normalized = n.key
    left join public.brand_aliases a on a.alias_normalized = n.key
    where b.id is not null or a.brand_id is not null
    group by k.brand
  ) ids
  where t.brand_given and t.parsed ->> 'brand' = ids.brand;
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
  perform private.session_table('_to_match', 'private.listing_to_match', 'listing_id');
  perform private.session_table('_named', 'private.match_named');
  perform private.session_table('_candidates', 'private.match_candidate');
end;
$function$;

COMMENT ON FUNCTION "private"."match_staging"() IS 'Matching: makes (once per session) and empties the temporary tables _to_match (the listings to decide on), _named and _candidates.';

COMMENT ON TYPE "private"."match_candidate" IS 'Shape of the temporary _candidates table: the best two candidate variants of each listing of a matching, scored.';
