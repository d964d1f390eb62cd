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

create type private.listing_to_match as (
  -- as the caller gives them: the listing (a new one's id is chosen before it is written), its SKU and GTIN, its title's parse
  listing_id uuid, sku text, gtin text, parsed jsonb,
  -- the parse normalized once (not once per candidate row)
  name text, brand_given boolean, brand_ids uuid[], concentration text, size_ml numeric, packaging text, quantity integer, gender text,
  -- the decision: matched (variant, method, confidence), review (the best candidate and the runner-up) or unmatched
  status public.listing_status, variant_id uuid, method public.match_method, confidence numeric, runner_up numeric,
  -- the matched variant's total volume (size x quantity), read with it: a new listing is written with it
  volume_ml numeric
);
comment on type private.listing_to_match is
  'Shape of the temporary _to_match table: one listing one matching decides on, its parse and the decision.';

create type private.match_named as (
  brand_ids uuid[], name text, gender text, fragrance_id uuid, concentration public.concentration,
  fragrance_gender public.gender, sim numeric
);
comment on type private.match_named is
  'Shape of the temporary _named table: each distinct (brands, name, gender) of a matching with a candidate fragrance and its name similarity.';

/**
 * Makes (once per session) and empties _to_match (the listings one matching decides on: filled by
 * the caller, decided by private.match_decide) and _named, as the ingest's staging
 * tables are (private.session_table): made and dropped in every transaction, they cost a batch of
 * 1,000 listings about a sixth of its time.
 */
create or replace function private.match_staging()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform private.session_table('_to_match', 'private.listing_to_match', 'listing_id');
  perform private.session_table('_named', 'private.match_named');
end;
$$;
comment on function private.match_staging() is
  'Matching: makes (once per session) and empties the temporary tables _to_match (the listings to decide on) and _named.';

/**
 * Decides, for every listing in _to_match, its match: GTIN first, then brand + name + concentration
 * + size + packaging by trigram similarity. Opposite genders never match. Auto-matches only above
 * match_auto_threshold with a lead of match_min_margin; a weaker best candidate goes to review, none
 * leaves the listing unmatched. Writes nothing but _to_match and its working tables (made by
 * private.match_staging); private.match_record writes the decisions.
 */
create or replace function private.match_decide()
returns void
language plpgsql
set search_path = ''
set jit = off  -- compiling the candidate search cost more than running it (~0.7 s per batch of new listings)
as $$
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
$$;
comment on function private.match_decide() is
  'Matching: decides each listing of _to_match (matched by GTIN or attributes, review with its best candidate, or unmatched); see private.settings match_*.';

/**
 * Matching step 2a (private.match_decide): the candidates of each distinct (brands, name, gender) of
 * _to_match that names one of its brand's catalog names exactly, into _named with similarity 1; for
 * a title that names no brand, the fragrances of every brand with that name (fragrances_name_compact_idx).
 * Each is one probe of the identity index (fragrances_identity_unique), so the step costs what the
 * batch holds, not what the catalog holds: joined with `=`, every fragrance was read and hashed
 * (37 ms a batch at 100k fragrances, ten times that at 1M). The comparisons are written `= any` and
 * bitmap scans are off, because the planner rates an equality probe of the trigram indexes as cheap
 * as one of a btree, and one such probe reads every fragrance sharing a trigram (~1.5 ms).
 */
create or replace function private.match_named_exactly()
returns void
language plpgsql
set search_path = ''
set enable_bitmapscan = off
as $$
begin
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  perform 'PRAGMA:TABLE: _named (like private.match_named)';
  insert into _named
  select e.brand_ids, e.name, e.gender, e.id, e.concentration, e.fragrance_gender, 1
  from (
    select k.brand_ids, k.name, k.gender, f.id, f.concentration, f.gender as fragrance_gender,
           bool_or(k.gender is null or f.gender::text = k.gender) over (partition by k.brand_ids, k.name, k.gender) as named_exactly
    from (select distinct t.brand_ids, t.name, t.gender from _to_match t where t.status = 'unmatched' and t.name <> '' and t.brand_ids is not null) k
    join public.fragrances f on f.brand_id = any (k.brand_ids) and f.name_normalized = any (array[k.name]) and f.deleted_at is null
    where k.gender is null or k.gender = 'unisex' or f.gender in ('unisex', k.gender::public.gender)
    union all
    -- a title naming no brand: that name of every brand, by the name-without-spaces index
    select null, k.name, k.gender, f.id, f.concentration, f.gender,
           bool_or(k.gender is null or f.gender::text = k.gender) over (partition by k.name, k.gender)
    from (select distinct t.name, t.gender from _to_match t
          where t.status = 'unmatched' and t.name <> '' and t.brand_ids is null and not t.brand_given) k
    join public.fragrances f on replace(f.name_normalized, ' ', '') = any (array[replace(k.name, ' ', '')])
                            and f.name_normalized = k.name and f.deleted_at is null
    where k.gender is null or k.gender = 'unisex' or f.gender in ('unisex', k.gender::public.gender)
  ) e
  where e.named_exactly;
end;
$$;
comment on function private.match_named_exactly() is
  'Matching step 2a: the catalog fragrances each listing of _to_match names exactly (its brand, or any brand when it names none; its normalized name; its gender), into _named; one index probe a distinct name.';

/**
 * Writes the decisions of _to_match: the matches of listings already written (a new listing is
 * inserted with its match by its caller, so it is matched already), the review queue, and listings
 * left without a candidate. Only listings unmatched or in review change: manual and existing
 * matches are never touched.
 */
create or replace function private.match_record()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _to_match (like private.listing_to_match)';
  -- (The listings by index: joined, the planner read every unmatched listing of every retailer to
  -- find the few a batch had not written with its match already.)
  update public.retailer_listings l
  set variant_id = t.variant_id, match_method = t.method, match_confidence = t.confidence, status = 'matched'
  from _to_match t
  where l.id = any (array(select t.listing_id from _to_match t where t.status = 'matched'))
    and t.status = 'matched' and l.id = t.listing_id and l.status in ('unmatched', 'review');
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
$$;
comment on function private.match_record() is
  'Matching: writes the decisions of _to_match to listings already written (matched, review with the queue row, unmatched); never touches manual or existing matches.';

/** Matches listings already written, given as [{listing_id, parsed}] (those unmatched or in review; the others are left as they are). */
create or replace function private.match_listings(listings jsonb)
returns void
language plpgsql
set search_path = ''
as $$
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
$$;
comment on function private.match_listings(jsonb) is
  'Matches listings [{listing_id, parsed}] that are unmatched or in review: GTIN, then attribute similarity (see private.settings match_*).';
revoke execute on function private.match_staging() from public;
revoke execute on function private.match_decide() from public;
revoke execute on function private.match_named_exactly() from public;
revoke execute on function private.match_record() from public;
revoke execute on function private.match_listings(jsonb) from public;
grant execute on function private.match_staging(), private.match_decide(), private.match_named_exactly(), private.match_record() to service_role;
