-- A multipack the catalog lacks is not its single bottle: matching auto-matched "Pack of 2 … 100ml"
-- to the 100 ml bottle (quantity weighs 0.025 of the score), so the offer's price, for both
-- bottles, was priced per 100 ml as one. A best candidate of another quantity now goes to review
-- at most. The dev sets' 29 multipack titles: 26 auto-matched, 20 of them to another quantity ->
-- 6, none; precision on every dev set unchanged, seed titles 99.8 -> 99.5 % auto-matched (docs/BENCHMARKS.md).

set local check_function_bodies = off;

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
  perform set_config('pg_trgm.similarity_threshold', '0.3', true);

  -- The parse normalized, and the brands it names resolved once per brand the batch names (a feed
  -- names a few hundred for thousands of listings): one update, as every update rewrites each row.
  update _to_match t
  set name = public.normalize_name(t.parsed ->> 'name'), brand_given = t.parsed ->> 'brand' is not null,
      brand_ids = ids.brand_ids,
      concentration = t.parsed ->> 'concentration', size_ml = (t.parsed ->> 'size_ml')::numeric,
      packaging = coalesce(t.parsed ->> 'packaging', 'retail'), quantity = coalesce((t.parsed ->> 'quantity')::int, 1),
      gender = t.parsed ->> 'gender', status = 'unmatched'
  from _to_match m
  left join (
    select k.brand, array_agg(distinct coalesce(b.id, a.brand_id)) as brand_ids
    from (select distinct m.parsed ->> 'brand' as brand from _to_match m where m.parsed ->> 'brand' is not null) k
    cross join lateral (select public.normalize_name(k.brand) as key offset 0) n  -- (offset 0: once a brand, not once a join)
    left join public.brands b on b.name_normalized = n.key
    left join public.brand_aliases a on a.alias_normalized = n.key
    where b.id is not null or a.brand_id is not null
    group by k.brand
  ) ids on ids.brand = m.parsed ->> 'brand'
  where m.listing_id = t.listing_id;
  -- (a temp table has no statistics: each step below is planned for this batch)
  analyze _to_match (gtin);

  -- 1. GTIN: exact, confidence 1.
  update _to_match t
  set status = 'matched', variant_id = v.id, method = 'gtin', confidence = 1, volume_ml = v.size_ml * v.quantity
  from public.variants v
  where t.gtin is not null and v.gtin = t.gtin;
  analyze _to_match (status, name, brand_ids, gender);

  -- 2. Attributes: the candidate fragrances of each name, scored in step 3. Candidates come from
  --    the brand's fragrances when the title names a known brand, else from every brand's; they
  --    are found once per distinct (brands, name, gender) of the batch (a feed lists a fragrance in
  --    several sizes), each with its name similarity: trigram similarity, and when the title states
  --    the fragrance's gender also that of both names without their gender words, 0.02 below an exact
  --    match ("Light Blue … for Men" is Light Blue Pour Homme). (Written out, not a function: a
  --    function with a SET clause is a call per candidate, half the time of this step.)
  -- 2a. A title that names one of its brand's catalog names exactly (one of the title's gender, when it
  --     states one) has that name's fragrances as its candidates, similarity 1, found by the identity
  --     index (private.match_named_exactly); near names are not looked for ("Spicebomb" is not sent
  --     to review for Spicebomb Extreme). So has a title that names no brand and a catalog name of
  --     several brands. The search below reads ~40 index pages a name, most of this step's time.
  perform private.match_named_exactly();
  analyze _named;
  -- 2b. Every other name: the 20 nearest names of the brand, or of every brand when the title names none
  --     (by KNN on the trigram GiST index: all names with a trigram in common were ~10,000 rows to
  --     read and score for a name of common words at 100k fragrances, 45 ms a name).
  insert into _named
  select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender, f.sim
  from (
    select distinct t.brand_ids, t.name, t.gender,
           btrim(regexp_replace(regexp_replace(t.name, gender_words, ' ', 'g'), '\s+', ' ', 'g')) as core
    from _to_match t
    where t.status = 'unmatched' and t.name <> '' and (not t.brand_given or t.brand_ids is not null)
      and not exists (select from _named n where n.brand_ids is not distinct from t.brand_ids and n.name = t.name
                                              and n.gender is not distinct from t.gender)
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
        (select f.id, f.concentration, f.gender, f.name_normalized
         from public.fragrances f
         where k.brand_ids is null and f.deleted_at is null
         order by f.name_normalized operator(extensions.<->) k.name
         limit 20)
      ) g
    ) g
    where g.sim >= 0.3
    order by g.sim desc
    limit 20
  ) f
  -- a title "for Men" is never the women's version (and vice versa): opposite genders are no candidates
  where k.gender is null or k.gender = 'unisex' or f.gender in ('unisex', k.gender::public.gender);

  -- 3. Every plausible variant scored; the decision, from each listing's best and the runner-up's score.
  --    A multipack the catalog lacks is not its single bottle ("2 x 50 ml" is no 50 ml variant: its
  --    price is for both): a best candidate of another quantity goes to review at most.
  update _to_match d
  set status = case when c.best >= auto_threshold and (c.runner_up is null or c.best - c.runner_up >= min_margin)
                         and c.same_quantity then 'matched'
                    when c.best >= review_threshold then 'review' else 'unmatched' end::public.listing_status,
      variant_id = c.variant_id, method = 'attributes', confidence = c.best, runner_up = c.runner_up, volume_ml = c.volume_ml
  from (
    select distinct on (s.listing_id) s.listing_id, s.variant_id, s.volume_ml, s.same_quantity, s.score as best,
           lead(s.score) over ranked as runner_up
    from (
      select t.listing_id, v.id as variant_id, v.size_ml * v.quantity as volume_ml, v.quantity = t.quantity as same_quantity, round(
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
      where t.status = 'unmatched'
    ) s
    window ranked as (partition by s.listing_id order by s.score desc, s.variant_id)
    order by s.listing_id, s.score desc, s.variant_id
  ) c
  where d.listing_id = c.listing_id;
  analyze _to_match (listing_id, sku, status);  -- (for the writes of the decisions; not the wide parse)
end;
$function$;
