-- Matching: a title that names one of its brand's catalog names exactly (of the title's gender,
-- when it states one) takes that name's fragrances as its candidates, found by the identity index,
-- instead of searching the brand's 20 nearest names by trigram KNN (~40 index pages a name, two
-- thirds of matching's time: 10,000 new listings 6.2 -> 1.5-2.1 s). It also ends a tie trigram
-- similarity cannot break: names of the same words in another order ("Royal Nuit", "Nuit Royal")
-- are alike at 1.0, so such a title went to review; it is now matched to the name it says.

set local check_function_bodies = off;

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
  -- 2a. A title that names one of its brand's catalog names exactly (one of the title's gender, when it
  --     states one) has that name's fragrances as its candidates, similarity 1, found by the identity
  --     index; near names are not looked for ("Spicebomb" is not sent to review for Spicebomb Extreme).
  --     The search below reads ~40 index pages a name, most of this step's time.
  insert into _named
  select e.brand_ids, e.name, e.gender, e.id, e.concentration, e.fragrance_gender, 1
  from (
    select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender as fragrance_gender,
           bool_or(k.gender is null or f.gender::text = k.gender) over (partition by k.brand_ids, k.name, k.gender) as named_exactly
    from (select distinct t.brand_ids, t.name, t.gender from _to_match t where t.name <> '' and t.brand_ids is not null) k
    cross join lateral unnest(k.brand_ids) as b (id)
    join public.fragrances f on f.brand_id = b.id and f.name_normalized = k.name and f.deleted_at is null
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
    where t.name <> '' and (not t.brand_given or t.brand_ids is not null)
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
