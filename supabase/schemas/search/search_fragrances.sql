-- Hybrid search: public.search_fragrances fuses five ranked lists by weighted Reciprocal Rank
-- Fusion: full text, typo-corrected name words, names (the catalog name or brand the query names),
-- scent (the accords and notes its words name) and vector kNN. The query is read with the name
-- vocabulary first (private.read_name): its brand, concentration and gender words are boosts, not
-- keywords. Its steps:
--   private.search_terms      the rules for every argument (22023, private.search_arguments), and what the search looks for
--   private.search_words      the query's words read: exclusions, keywords, boosts, known name, scent words
--   private.search_filter_sql the filters, as one predicate every list applies
--   private.search_keyword_sql / _trigram_sql / _name_sql / _scent_sql / _vector_sql   each list's query
--   (the vector list's: private.search_filter_knn_sql or private.search_knn_sql)
-- then one query fuses the lists, adds the boosts and prices the page. Every list reads the facets of documents and
-- embeddings (no join to fragrances); a selective filter ranks its few vectors from a covering
-- index (a brand or family) or exactly instead of walking HNSW. The lists are dynamic SQL on purpose: each call is planned for its own filters and
-- words, so no generic plan is reused across very different ones. They read the search's terms by
-- name, as ($1).field of one private.search_terms parameter (the planner folds each to a constant).
-- See docs/SEARCH.md.

-- Load pgvector and pg_trgm first, so the SET clauses below name known settings
-- (a placeholder setting can only be set by a superuser).
select '[1]'::extensions.vector, extensions.similarity('a', 'a');

create type private.search_terms as (
  q text,                                   -- the query, trimmed
  facets text[],                            -- the gender, family, brand and concentration filters (private.fragrance_facets)
  min_price numeric,                        -- price filters, in the caller's currency
  max_price numeric,
  in_stock boolean,
  tsq_all tsquery,                          -- every word of the query (websearch syntax)
  tsq_any tsquery,                          -- any word of it
  tsq_not tsquery,                          -- words excluded with "-word", "without word", "no word"
  name_query text,                          -- the query's words, normalized, for typo search
  query_embedding extensions.vector(512),
  embedding_model text,
  depth integer,                            -- how many rows each list ranks
  page_offset integer,
  page_size integer,
  currency text,                            -- the caller's currency, and its rate to the base currency
  rate numeric,
  keyword_weight double precision,
  trigram_weight double precision,
  vector_weight double precision,
  rrf_k double precision,
  matches_nothing boolean,                  -- a filter no fragrance can pass (an unknown brand)
  brand_id uuid,                            -- what the query's words name (private.read_name): a brand,
  known_name text,                          --   a catalog name (normalized),
  boost_facets text[],                      --   the brand, concentration, gender (and packaging) facets that earn a boost,
  name_text text,                           --   its words that are no vocabulary (brand, name and free words),
  exact_core text,                          --   and the name it says (known name and free words) without gender words
  gender_words text,                        -- a pattern of the vocabulary's gender words (a name without them is its core)
  name_weight double precision,
  scent_accords uuid[],                     -- the accords and notes the query's free words name ("smoky" is Smoky,
  scent_accord_terms text[],                --   "woods" is Woody), each with the word that named it
  scent_notes uuid[],
  scent_note_terms text[],
  scent_weight double precision
);
comment on type private.search_terms is 'What one call of public.search_fragrances looks for, computed once from its arguments by private.search_terms.';

/** The filters object, checked (22023) and typed: gender, family, brand (slug), concentration, min_price, max_price, in_stock. */
create or replace function private.search_filters(
  filters jsonb,
  out gender public.gender, out family text, out brand text, out concentration public.concentration,
  out min_price numeric, out max_price numeric, out in_stock boolean
)
language plpgsql
stable
set search_path = ''
as $$
declare
  unknown text;
begin
  if jsonb_typeof(coalesce(filters, '{}')) <> 'object' then
    raise exception 'filters must be a JSON object' using errcode = '22023';
  end if;
  select string_agg(key, ', ') into unknown from jsonb_object_keys(coalesce(filters, '{}')) as key
  where key not in ('gender', 'family', 'brand', 'concentration', 'min_price', 'max_price', 'in_stock');
  if unknown is not null then
    raise exception 'unknown filter: %', unknown using errcode = '22023',
      hint = 'filters are gender, family, brand, concentration, min_price, max_price, in_stock';
  end if;
  begin
    gender := filters ->> 'gender';
    family := filters ->> 'family';
    brand := filters ->> 'brand';
    concentration := filters ->> 'concentration';
    min_price := filters ->> 'min_price';
    max_price := filters ->> 'max_price';
    in_stock := filters ->> 'in_stock';
  exception when invalid_text_representation or data_exception then
    raise exception 'bad filter value: %', sqlerrm using errcode = '22023';
  end;
  if min_price > max_price then
    raise exception 'min_price % is above max_price %', min_price, max_price using errcode = '22023';
  end if;
end;
$$;
comment on function private.search_filters(jsonb) is
  'The filters of a search, checked (22023 for an unknown key, a bad value, or min_price above max_price) and typed.';

/**
 * What a search's words look for: "-smoke", "without smoke" and "no smoke" exclude; the rest is
 * read with the name vocabulary (private.read_name). The brand, concentration, gender and
 * packaging it names are boosts; the known name's words and the free words are the keywords. A brand named without a
 * name found whole takes its name most like the query's name words, if alike enough, as the known
 * name and the keywords ("blue de chanel" is Bleu de Chanel). The free words also name accords and
 * notes for the scent list.
 */
create or replace function private.search_words(t private.search_terms)
returns private.search_terms
language plpgsql
stable
set search_path = ''
as $$
declare
  negated text;
  positive text;
  reading private.name_reading;
  words text;
begin
  select string_agg(m[1], ' ') into negated
  from regexp_matches(t.q, '(?:^|\s)(?:-|without\s+|no\s+)([[:alpha:]][[:alnum:]]*)', 'gi') as m;
  positive := extensions.unaccent('extensions.unaccent'::regdictionary,
    regexp_replace(t.q, '(?:^|\s)(?:-|without\s+|no\s+)([[:alpha:]][[:alnum:]]*)', ' ', 'gi'));
  reading := private.read_name(positive);
  t.brand_id := reading.brand_id;
  t.known_name := reading.known_name;
  t.name_text := array_to_string(reading.name_words, ' ');
  words := array_to_string(coalesce(string_to_array(reading.known_name, ' '), '{}') || reading.free_words, ' ');
  if t.known_name is null and t.brand_id is not null and reading.free_words <> '{}' then
    select fr.name_normalized into t.known_name
    from public.fragrances fr
    where fr.brand_id = t.brand_id and fr.deleted_at is null and extensions.similarity(fr.name_normalized, t.name_text) >= 0.5
    order by extensions.similarity(fr.name_normalized, t.name_text) desc, fr.name_normalized
    limit 1;
    words := coalesce(t.known_name, words);
  end if;
  if words ~ '[[:alnum:]]' then  -- (to_tsquery of nothing raises a NOTICE)
    t.tsq_all := websearch_to_tsquery('english', words);
    t.tsq_any := replace(plainto_tsquery('english', words)::text, ' & ', ' | ')::tsquery;
  end if;
  t.tsq_not := case when negated is not null
    then replace(plainto_tsquery('english', extensions.unaccent('extensions.unaccent'::regdictionary, negated))::text, ' & ', ' | ')::tsquery end;
  t.name_query := coalesce(words, '');
  t.boost_facets := array_remove(array[
    'brand:' || reading.brand_id, 'concentration:' || reading.concentration, 'gender:' || reading.gender,
    case when reading.gender in ('masculine', 'feminine') then 'gender:unisex' end,
    'packaging:' || reading.packaging], null);  -- (a variant's, not a document facet: search_fragrances boosts it)
  t.gender_words := private.gender_words_pattern();
  t.exact_core := nullif(private.name_core(words, t.gender_words), '');
  select array_agg(m.id order by m.term, m.id) filter (where m.kind = 'accord'), array_agg(m.term order by m.term, m.id) filter (where m.kind = 'accord'),
         array_agg(m.id order by m.term, m.id) filter (where m.kind = 'note'), array_agg(m.term order by m.term, m.id) filter (where m.kind = 'note')
  into t.scent_accords, t.scent_accord_terms, t.scent_notes, t.scent_note_terms
  from private.scent_words(reading.free_words) m;
  return t;
end;
$$;
comment on function private.search_words(private.search_terms) is
  'What a search''s words look for: exclusions, the vocabulary''s reading (brand, known name, boosts), keywords and the scent list''s accords and notes.';

/** Every rule a search's arguments must meet (22023), and the terms they give, before the query's words are read. */
create or replace function private.search_arguments(
  q text, query_embedding extensions.vector, embedding_model text, filters jsonb, currency text, page integer,
  page_size integer, keyword_weight double precision, trigram_weight double precision, vector_weight double precision,
  rrf_k integer, name_weight double precision, scent_weight double precision
)
returns private.search_terms
language plpgsql
stable
set search_path = ''
as $$
declare
  t private.search_terms;
  f record;
  brand_id uuid;
begin
  t.q := btrim(coalesce(q, ''));
  if length(t.q) > 500 then
    raise exception 'q is too long: % characters (at most 500)', length(t.q) using errcode = '22023';
  end if;
  if t.q = '' and query_embedding is null then
    raise exception 'q must not be empty' using errcode = '22023';
  end if;
  if page is null or page not between 1 and 50 then
    raise exception 'page must be between 1 and 50, got %', page using errcode = '22023';
  end if;
  if page_size is null or page_size not between 1 and 100 then
    raise exception 'page_size must be between 1 and 100, got %', page_size using errcode = '22023';
  end if;
  f := private.search_filters(filters);
  t.currency := upper(currency);
  t.rate := public.fx_rate(t.currency);
  if t.rate is null then
    raise exception 'unknown currency "%"', currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  if least(keyword_weight, trigram_weight, vector_weight, name_weight, scent_weight) < 0
     or greatest(keyword_weight, trigram_weight, vector_weight, name_weight, scent_weight) <= 0 then
    raise exception 'weights must be non-negative and not all zero' using errcode = '22023';
  end if;
  if rrf_k is null or rrf_k not between 1 and 1000 then
    raise exception 'rrf_k must be between 1 and 1000, got %', rrf_k using errcode = '22023';
  end if;
  if f.brand is not null then
    select b.id into brand_id from public.brands b where b.slug = f.brand;
  end if;
  t.matches_nothing := f.brand is not null and brand_id is null;  -- an unknown brand matches nothing
  t.facets := private.fragrance_facets(f.gender, f.family, brand_id, f.concentration);
  t.min_price := f.min_price;
  t.max_price := f.max_price;
  t.in_stock := f.in_stock;

  t.name_weight := name_weight;
  t.scent_weight := scent_weight;

  t.query_embedding := query_embedding;
  t.embedding_model := embedding_model;
  -- How deep each list goes: the same for every page within a block of 60
  -- results (three pages of 20), so consecutive pages neither overlap nor skip.
  -- 60, not 100: a search took ~20 % less time (p95 16.7 → 12.9 ms at 100k
  -- fragrances) for nDCG@10 0.8721 → 0.8709 on the labelled queries; with
  -- rrf_k 20, a fragrance below the 60th place of one list rarely reaches a page.
  t.depth := ceil(page * page_size / 60.0)::int * 60;  -- (at most 5,040: page ≤ 50, page_size ≤ 100)
  t.page_offset := (page - 1) * page_size;
  t.page_size := page_size;
  t.keyword_weight := keyword_weight;
  t.trigram_weight := trigram_weight;
  t.vector_weight := vector_weight;
  t.rrf_k := rrf_k;
  return t;
end;
$$;
comment on function private.search_arguments(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) is
  'The rules of a search''s arguments (22023 for an empty or over-long q, a bad page, filter, currency, weight or rrf_k) and the terms they give before the words are read; private.prepare_search checks a request with it before embedding.';

/** The terms a search looks for: its arguments checked (private.search_arguments), then its words read (private.search_words). */
create or replace function private.search_terms(
  q text, query_embedding extensions.vector, embedding_model text, filters jsonb, currency text, page integer,
  page_size integer, keyword_weight double precision, trigram_weight double precision, vector_weight double precision,
  rrf_k integer, name_weight double precision, scent_weight double precision
)
returns private.search_terms
language plpgsql  -- (not sql: a SQL function with a SET clause is parsed and planned again in every transaction)
stable
set search_path = ''
as $$
begin
  return private.search_words(private.search_arguments(q, query_embedding, embedding_model, filters, currency, page, page_size,
                                                       keyword_weight, trigram_weight, vector_weight, rrf_k, name_weight, scent_weight));
end;
$$;
comment on function private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) is
  'The terms one call of public.search_fragrances looks for: the arguments checked (22023, private.search_arguments), then the words read.';

/** The filters as one predicate on a list's rows (aliased x, carrying facets and fragrance_id). */
create or replace function private.search_filter_sql(t private.search_terms)
returns text
language sql
immutable
set search_path = ''
as $$
  select concat_ws(' and ', 'true',
    case when cardinality(t.facets) > 0 then 'x.facets @> ($1).facets' end,
    case when t.tsq_not is not null then
      'not exists (select 1 from public.fragrance_documents nd where nd.fragrance_id = x.fragrance_id and nd.search_vector @@ ($1).tsq_not)' end,
    case when t.min_price is not null or t.max_price is not null or t.in_stock is true then
      'exists (select 1 from public.variants v
                 join public.current_offers o on o.variant_id = v.id and not o.stale
                 join public.retailers r on r.id = o.retailer_id and r.active
               where v.fragrance_id = x.fragrance_id and (($1).in_stock is not true or o.in_stock)
                 and (($1).min_price is null or o.price_base >= ($1).min_price * ($1).rate)
                 and (($1).max_price is null or o.price_base <= ($1).max_price * ($1).rate))' end)
$$;
comment on function private.search_filter_sql(private.search_terms) is 'The search''s filters as one SQL predicate on x, reading ($1), the search''s terms.';

/**
 * Full text: documents with every word first, then those with some; each tier ranks at most
 * 2 x depth matches, so a common word ("fresh") costs the same on 100k documents as on 1k (the
 * vector list finds what the cap leaves out).
 */
create or replace function private.search_keyword_sql(t private.search_terms, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  -- One tier: the matches of a condition, at most 2 x depth of them, ranked.
  tier text := $t$select x.fragrance_id, x.search_name, %s as tier, ts_rank_cd(x.search_vector, ($1).tsq_any) as rank
                 from public.fragrance_documents x where %s and %s limit 2 * ($1).depth$t$;
begin
  if t.keyword_weight = 0 or t.tsq_any is null then
    return null;
  end if;
  return format($q$
    with every_word as materialized (%s)
    select c.fragrance_id, (row_number() over (order by c.tier, c.rank desc, c.search_name, c.fragrance_id))::int
    from (select * from every_word %s) c
    order by c.tier, c.rank desc, c.search_name, c.fragrance_id
    limit ($1).depth $q$,
    format(tier, 1, 'x.search_vector @@ ($1).tsq_all', predicate),
    -- The some-words tier only when it differs from the every-word one (not for one word: finding
    -- no row would mean reading every match), and only read when the first tier leaves room.
    case when t.tsq_all::text <> t.tsq_any::text
      then format('union all (%s)', format(tier, 2,
             '(select count(*) from every_word) < ($1).depth and x.search_vector @@ ($1).tsq_any and not (x.search_vector @@ ($1).tsq_all)', predicate))
      else '' end);
end;
$$;
comment on function private.search_keyword_sql(private.search_terms, text) is 'The full-text list of a search (every word, then some), or null when it takes no part.';

/**
 * Typos: each word of the query (at most 8) is corrected to its 3 nearest name words (word
 * similarity >= 0.5, public.fragrance_name_words). Names with a correction of every word come
 * first; when they are fewer than the list is deep, names with a correction of some word follow if
 * the whole query is within word similarity 0.5 of them. Among equals the closest whole name wins
 * ("Sauvage" before "Sauvage Elixir"). The first tier reads at most 2 x depth names and each word
 * of the second at most depth, so a common word costs the same at any catalog size.
 */
create or replace function private.search_trigram_sql(t private.search_terms, predicate text)
returns text
language plpgsql
stable
set search_path = ''
set pg_trgm.word_similarity_threshold = 0.5
set plan_cache_mode = force_generic_plan  -- (the plan cache re-planned the lexicon lookup every call, 0.1 ms, for the same probes)
as $$
declare
  every_word text;
  some_word text;
begin
  if t.trigram_weight = 0 or length(t.name_query) not between 3 and 64 then
    return null;
  end if;
  select string_agg(format('x.name_words && %L::text[]', c.words), ' and '),
         case when count(*) > 1 then string_agg(format(
           '(select x.fragrance_id, x.search_name, 2 from public.fragrance_documents x
             where (select count(*) from every_word) < ($1).depth and x.name_words && %L::text[] and %s limit ($1).depth)', c.words, predicate), ' union all ') end
  into every_word, some_word
  from (
    select array(select w.word from public.fragrance_name_words w
                 where q.token operator(extensions.<%) w.word
                 order by q.token operator(extensions.<<->) w.word, w.word limit 3) as words
    from (select distinct token from unnest(string_to_array(t.name_query, ' ')) as token where length(token) >= 2 limit 8) q
  ) c
  where cardinality(c.words) > 0;
  if every_word is null then
    return null;
  end if;
  return format($q$
    with every_word as materialized (
      select x.fragrance_id, x.search_name, 1 as tier from public.fragrance_documents x where %s and %s limit 2 * ($1).depth
    )
    select n.fragrance_id, (row_number() over (order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id))::int
    from (
      select c.fragrance_id, c.search_name, min(c.tier) as tier,
             ($1).name_query operator(extensions.<<->) c.search_name as distance,
             ($1).name_query operator(extensions.<->) c.search_name as whole_distance
      from (select * from every_word %s) c
      group by c.fragrance_id, c.search_name
    ) n
    where n.tier = 1 or n.distance <= 0.5
    order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id
    limit ($1).depth $q$, every_word, predicate, 'union all ' || some_word);
end;
$$;
comment on function private.search_trigram_sql(private.search_terms, text) is 'The typo-tolerant name list of a search (corrected words against the name lexicon), or null when it takes no part.';

/** A normalized name without its gender words ("light blue pour homme" → "light blue"), given their pattern. */
create or replace function private.name_core(name text, gender_words text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$ select btrim(regexp_replace(regexp_replace(name, gender_words, ' ', 'g'), '\s+', ' ', 'g')) $$;
comment on function private.name_core(text, text) is 'A normalized name without the words the pattern matches (search passes the vocabulary''s gender words).';

/**
 * private.name_core as SQL text over an expression, with ($1).gender_words as the pattern: the
 * lists call it per row, where a function with a SET clause costs a call each (it is never
 * inlined). A test holds the two equal.
 */
create or replace function private.name_core_sql(expr text)
returns text
language sql
immutable
set search_path = ''
as $$ select format($f$btrim(regexp_replace(regexp_replace(%s, ($1).gender_words, ' ', 'g'), '\s+', ' ', 'g'))$f$, expr) $$;
comment on function private.name_core_sql(text) is 'SQL text of private.name_core(expr, ($1).gender_words), for the dynamic lists of search.';

/**
 * How many of the query's boost facets a row's facets hold, as SQL text over the facets
 * expression: one containment test per facet, summed (no subquery per row).
 */
create or replace function private.search_boosts_sql(t private.search_terms, facets text)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(string_agg(format('(%s @> array[%L])::int', facets, b.facet), ' + ' order by b.facet), '0')
  from (select distinct unnest(t.boost_facets) as facet) b
  where b.facet not like 'packaging:%'  -- (no document has it: a packaging is its variants')
$$;
comment on function private.search_boosts_sql(private.search_terms, text) is 'SQL text: how many of the search''s boost facets the given facets hold.';

/**
 * The live fragrances whose name starts with the given one, compared without spaces (a known name
 * and its flankers), of one brand when given; at most n. Security definer so that it reads the
 * compact-name index: under row security the index is unusable (replace() is not leakproof).
 */
create or replace function private.fragrances_named(known_name text, of_brand uuid, n integer)
returns table (fragrance_id uuid, name_normalized text)
language plpgsql  -- (not sql: PL/pgSQL keeps the plan for the session)
stable
security definer
rows 20
set search_path = ''
as $$
begin
  return query
  select f.id, f.name_normalized from public.fragrances f
  where replace(f.name_normalized, ' ', '') operator(pg_catalog.~>=~) replace(known_name, ' ', '')   -- (a prefix, as a range
    and replace(f.name_normalized, ' ', '') operator(pg_catalog.~<~) (replace(known_name, ' ', '') || chr(1114111))  -- of the index)
    and f.deleted_at is null and (of_brand is null or f.brand_id = of_brand)
  limit n;
end;
$$;
comment on function private.fragrances_named(text, uuid, integer) is 'The live fragrances (of a brand) whose name, without spaces, starts with the given name''s, with their normalized name: a known name and its flankers.';
revoke execute on function private.fragrances_named(text, uuid, integer) from public;

/**
 * Names: what the query names, best first. A known catalog name (of the brand, when one is named)
 * lists its fragrances and its flankers (names that start with it), ordered by how alike their
 * names are to the query's name words without gender words ("Light Blue" for men is Light Blue
 * Pour Homme's core), then by the query's boost facets (its brand, concentration, gender), then by
 * the whole name; a brand without a known name lists the brand's fragrances by how alike their
 * names are to the query's name words ("blue de chanel"); a short query that names neither lists
 * the trigram list's names again, by the similarity of the whole name (at least 0.4: "savage" is
 * Sauvage before Eau Sauvage). Every tier reads at most 4 x depth rows.
 */
create or replace function private.search_name_sql(t private.search_terms, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  boosts text := private.search_boosts_sql(t, 'x.facets');
  core text := format('extensions.similarity(%s, private.name_core(($1).name_text, ($1).gender_words))', private.name_core_sql('f.name_normalized'));
begin
  if t.name_weight = 0 then
    return null;
  elsif t.known_name is not null then
    return format($q$
      select n.fragrance_id, (row_number() over (order by n.core desc, n.boosts desc, n.whole desc, n.search_name, n.fragrance_id))::int
      from (
        select x.fragrance_id, x.search_name, %s as core, %s as boosts, extensions.similarity(f.name_normalized, ($1).name_text) as whole
        from private.fragrances_named(($1).known_name, ($1).brand_id, 4 * ($1).depth) f
        join public.fragrance_documents x on x.fragrance_id = f.fragrance_id
        where %s
      ) n
      order by 2 limit ($1).depth $q$, core, boosts, predicate);
  elsif t.brand_id is not null then
    return format($q$
      select x.fragrance_id, (row_number() over (
               order by extensions.similarity(x.search_name, ($1).name_text) desc, %s desc, x.search_name, x.fragrance_id))::int
      from public.fragrance_documents x
      where x.facets @> array['brand:' || ($1).brand_id] and %s
      order by extensions.similarity(x.search_name, ($1).name_text) desc, %s desc, x.search_name, x.fragrance_id
      limit ($1).depth $q$, boosts, predicate, boosts);
  elsif cardinality(string_to_array(t.name_query, ' ')) between 1 and 3 and length(t.name_query) >= 3 then
    -- the trigram list's names (already read once), by how alike the whole name is
    return format($q$
      select n.fragrance_id, (row_number() over (order by n.sim desc, n.boosts desc, n.search_name, n.fragrance_id))::int
      from (
        select x.fragrance_id, x.search_name, extensions.similarity(f.name_normalized, ($1).name_query) as sim, %s as boosts
        from trigram tr
        join public.fragrances f on f.id = tr.fragrance_id
        join public.fragrance_documents x on x.fragrance_id = f.id
      ) n
      where n.sim >= 0.4 $q$, boosts);
  end if;
  return null;
end;
$$;
comment on function private.search_name_sql(private.search_terms, text) is 'The names list of a search (a known name and its flankers, a brand''s names, or names like a short query), or null when it takes no part.';

/**
 * The accords and notes a query's words name: a word names one when it is a word of its name, or
 * one of the two starts with the other (the shorter of at least 4 letters: "musk" and "musky",
 * "woods" and "woody"), or both are 5 letters or more and share the first 4 ("smoky", "smoke").
 * Stop words name nothing.
 */
create or replace function private.scent_words(words text[])
returns table (kind text, id uuid, term text)
language plpgsql  -- (not sql: PL/pgSQL keeps the plan for the session)
stable
set search_path = ''
as $$
begin
  return query
  with terms as (
    select distinct w as term from unnest(words) as w
    where length(w) >= 3 and w !~ '^[0-9]+$' and to_tsvector('english', w) <> ''::tsvector
  ), heads as (
    select array_agg(left(t.term, 3)) as heads from terms t
  ), named as (  -- (the words of the accords and notes that have a word beginning like a term)
    select 'accord' as kind, a.id, w.word from heads h, public.accords a, unnest(string_to_array(a.name_normalized, ' ')) as w (word)
    where a.name_word_heads && h.heads
    union all
    select 'note', n.id, w.word from heads h, public.notes n, unnest(string_to_array(n.name_normalized, ' ')) as w (word)
    where n.name_word_heads && h.heads
  )
  select distinct n.kind, n.id, t.term
  from terms t join named n
    on left(n.word, 3) = left(t.term, 3)  -- (what every rule below implies: a hash join's key)
   and (n.word = t.term
        or (least(length(n.word), length(t.term)) >= 4 and (starts_with(n.word, t.term) or starts_with(t.term, n.word)))
        or (length(n.word) >= 5 and length(t.term) >= 5 and left(n.word, 4) = left(t.term, 4)));
end;
$$;
comment on function private.scent_words(text[]) is 'The accords and notes a query''s words name, each with the word (the scent list of search).';

/**
 * The fragrances that carry the given accords and notes most strongly: for each, its first
 * per_term fragrances (ties cut by id, which the index orders: any plan reads the same rows, and
 * a common accord whose thousands of carriers tie at full strength still reads per_term), each
 * with the query word it answers, a weight (an accord's strength 0-1; a note's tier, base 1, heart
 * 0.85, top 0.7, times 0.5 + 0.5 / its position) and its place in that list (equals share one).
 * Security definer so that the (accord, strength) and (note, tier, position) indexes are read
 * directly: under the link tables' row security every row would first look up its fragrance.
 * The scent list keeps those with a document (live fragrances), so it shows nothing hidden.
 */
create or replace function private.scent_carriers(
  accords uuid[], accord_terms text[], notes uuid[], note_terms text[], per_term integer
)
returns table (fragrance_id uuid, term text, weight numeric, place bigint)
language plpgsql  -- (not sql: PL/pgSQL keeps the plan for the session)
stable
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan  -- (the plan cache re-planned it every call, 0.15 ms, for the same index probes)
as $$
begin
  return query
  select fa.fragrance_id, a.term, fa.strength / 100.0, fa.place
  from unnest(accords, accord_terms) as a (id, term)
  cross join lateral (select s.*, rank() over (order by s.strength desc) as place
                      from (select fa.fragrance_id, fa.strength from public.fragrance_accords fa where fa.accord_id = a.id
                            order by fa.strength desc, fa.fragrance_id limit per_term) s) fa
  union all
  select fn.fragrance_id, n.term, case fn.tier when 'base' then 1.0 when 'heart' then 0.85 else 0.7 end * (0.5 + 0.5 / fn.position), fn.place
  from unnest(notes, note_terms) as n (id, term)
  cross join lateral (select s.*, rank() over (order by s.tier desc, s.position) as place
                      from (select fn.fragrance_id, fn.tier, fn.position from public.fragrance_notes fn where fn.note_id = n.id
                            order by fn.tier desc, fn.position, fn.fragrance_id limit per_term) s) fn;
end;
$$;
comment on function private.scent_carriers(uuid[], text[], uuid[], text[], integer) is 'The fragrances that carry the given accords and notes most strongly, with a weight and a place (the scent list''s reads).';
revoke execute on function private.scent_carriers(uuid[], text[], uuid[], text[], integer) from public;

/**
 * Scent: fragrances by how much of what the query's words name they carry. Each word counts once,
 * by the best of what it names in a fragrance: an accord's strength (0-1), or a note's weight (base
 * 1, heart 0.85, top 0.7, times 0.5 + 0.5 / its position in the tier); a fragrance's score is the
 * sum over the words; equal scores go by the best place in an accord's or note's list, and
 * share a rank when that is equal too. Each accord and note reads its depth strongest fragrances.
 */
create or replace function private.search_scent_sql(t private.search_terms, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if t.scent_weight = 0 or (t.scent_accords is null and t.scent_notes is null) then
    return null;
  end if;
  -- equal scores go by their best place in a list; still equal, they share a rank (so no tie-break
  -- needs the documents, and no plan decides the order)
  return format($q$
    select s.fragrance_id, s.rnk
    from (
      select c.fragrance_id, (rank() over (order by sum(c.best) desc, min(c.place)))::int as rnk
      from (
        select w.fragrance_id, max(w.weight) as best, min(w.place) as place
        from private.scent_carriers(($1).scent_accords, ($1).scent_accord_terms, ($1).scent_notes, ($1).scent_note_terms,
                                    ($1).depth) w
        group by w.fragrance_id, w.term
      ) c
      %s
      group by c.fragrance_id
    ) s
    order by s.rnk, s.fragrance_id  -- (at most depth rows: many may share a rank)
    limit ($1).depth $q$,
    case when predicate <> 'true' then format(
      'where exists (select from public.fragrance_documents x where x.fragrance_id = c.fragrance_id and %s)', predicate) end);
end;
$$;
comment on function private.search_scent_sql(private.search_terms, text) is 'The scent list of a search (accords and notes the query names, by strength and place), or null when it takes no part.';

/**
 * How many embeddings the planner expects to carry all the given facets: its
 * estimate from the table's statistics, without counting them. Volatile only
 * because EXPLAIN cannot run inside a stable function.
 */
create or replace function private.estimated_embeddings(facets text[])
returns numeric
language plpgsql
volatile
set search_path = ''
as $$
declare
  plan jsonb;
begin
  execute format('explain (format json) select from public.fragrance_embeddings x where x.facets @> %L', facets) into plan;
  return (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
end;
$$;
comment on function private.estimated_embeddings(text[]) is
  'The planner''s estimate of the embeddings carrying all the given facets (search_fragrances picks exact or HNSW kNN by it).';

/**
 * The kNN of ($1).query_embedding among the embeddings of ($1).embedding_model passing the predicate,
 * at most ($1).depth of them, as (fragrance_id, distance). Exact: cosine_distance(), which no index
 * answers, sorts every filtered row. Not exact: the HNSW index, where relaxed_order keeps scanning
 * until enough rows pass the filter, or until hnsw.max_scan_tuples; a filter whose rows lie far from
 * the query can stop that scan short, so a short answer is replaced by the exact sort: the list is
 * never shorter than the rows that match allow.
 */
create or replace function private.search_knn_sql(exact boolean, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  knn constant text := $q$
    select x.fragrance_id, %s as distance from public.fragrance_embeddings x
    where x.model = ($1).embedding_model and %s order by 2 limit ($1).depth $q$;
  exact_sql text := format(knn, 'extensions.cosine_distance(x.embedding, ($1).query_embedding)', predicate);
begin
  if exact then
    return exact_sql;
  end if;
  return format($q$
    with ann as materialized (%s)
    select a.fragrance_id, a.distance from ann a where (select count(*) from ann) >= ($1).depth
    union all
    select e.fragrance_id, e.distance from (%s) e where (select count(*) from ann) < ($1).depth $q$,
    format(knn, 'x.embedding operator(extensions.<=>) ($1).query_embedding', predicate), exact_sql);
end;
$$;
comment on function private.search_knn_sql(boolean, text) is
  'The kNN query of a search''s vector list: exact, or by HNSW completed exactly when the index scan stops short.';

/**
 * The kNN of a filter that names a brand or a family, from that facet's covering index
 * (fragrance_embeddings_brand_knn_idx, _family_knn_idx: keys, facets and the vector in half
 * precision, no table rows): every row passing the filter ranked by its half-precision cosine
 * distance, the 2 x depth nearest re-ranked by exact distance, at most ($1).depth of them, as
 * (fragrance_id, distance). Never shorter than the rows that match allow. Null when the filter
 * names neither (no covering index leads with it).
 */
create or replace function private.search_filter_knn_sql(t private.search_terms, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  -- the index's keys: the brand; or the family, and the gender when the filter names one; or none
  keys text[] := array(
    select k from unnest(case when private.facet_of(t.facets, 'brand') is not null then array['brand']
                              when private.facet_of(t.facets, 'family') is not null then array['family', 'gender'] end) as k
    where private.facet_of(t.facets, k) is not null);
  rest private.search_terms := t;
begin
  if cardinality(keys) = 0 then
    return null;
  end if;
  if cardinality(keys) = cardinality(t.facets) then
    -- the keys are the whole facet filter: the rest of it, without testing each row's facets again
    -- (a third of the time at 32k rows)
    rest.facets := '{}';
    predicate := private.search_filter_sql(rest);
  end if;
  return format($q$
    select c.fragrance_id, extensions.cosine_distance(e.embedding, ($1).query_embedding) as distance
    from (select x.fragrance_id from public.fragrance_embeddings x
          where x.model = ($1).embedding_model and %s and %s
          order by x.embedding_half operator(extensions.<=>) ($1).query_embedding::extensions.halfvec(512), x.fragrance_id
          limit 2 * ($1).depth) c
    join public.fragrance_embeddings e on e.fragrance_id = c.fragrance_id
    order by 2 limit ($1).depth $q$,
    (select string_agg(format('private.facet_of(x.facets, %1$L) = private.facet_of(($1).facets, %1$L)', k), ' and ') from unnest(keys) as k),
    predicate);
end;
$$;
comment on function private.search_filter_knn_sql(private.search_terms, text) is
  'The kNN query of a search''s vector list for a brand or family filter: half-precision vectors from a covering index, the nearest re-ranked exactly; null for another filter.';

/**
 * Vectors: cosine kNN of the query's embedding among the vectors of its model. A filter naming a
 * brand or a family that the statistics put at 50,000 embeddings or fewer reads that facet's
 * covering index (search_filter_knn_sql: an index-only scan, ~0.7 us a row); another filter put
 * at 10,000 or fewer is sorted exactly (a table row, ~2.7 us, each); a broader one, or none, walks
 * HNSW (search_knn_sql). The outer row_number() restores exact distance order.
 */
create or replace function private.search_vector_sql(t private.search_terms, predicate text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  estimate numeric;
begin
  if t.vector_weight = 0 or t.query_embedding is null then
    return null;
  end if;
  if cardinality(t.facets) > 0 then
    estimate := private.estimated_embeddings(t.facets);
  end if;
  return format($q$
    select s.fragrance_id, (row_number() over (order by s.distance, s.fragrance_id))::int
    from (%s) s $q$,
    coalesce(case when estimate <= 50000 then private.search_filter_knn_sql(t, predicate) end,
             private.search_knn_sql(coalesce(estimate <= 10000, false), predicate)));
end;
$$;
comment on function private.search_vector_sql(private.search_terms, text) is 'The vector kNN list of a search (a covering index for a brand or family filter, exact for another selective one, HNSW otherwise), or null when it takes no part.';

/**
 * The result cards of a page of search: name, brand, family, top notes and the best current offer
 * (in stock first, then the lowest price, of active retailers, not stale) of each live fragrance
 * given. Security definer so that it reads the catalog directly: under row security every note,
 * variant and offer row would first look up its fragrance (the given ones are live already). One
 * generic plan of index probes per card (a custom plan hashed all brands and all notes for 20
 * cards, and was planned again on every call): 1.4 -> 0.5 ms for a page of 20.
 */
create or replace function private.search_cards(ids uuid[])
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, brand_slug text, concentration public.concentration,
  gender public.gender, family text, top_notes text[], price_base numeric, price_per_100ml_base numeric, in_stock boolean
)
language plpgsql  -- (not sql: PL/pgSQL keeps the plan for the session)
stable
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
begin
  return query
  with top_notes as (
    select fn.fragrance_id, array_agg(n.name order by fn.position) as names
    from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
    where fn.fragrance_id = any (ids) and fn.tier = 'top'
    group by fn.fragrance_id
  )
  select f.id, f.slug, f.name, b.name, b.slug, f.concentration, f.gender,
         (select fam.name from public.olfactive_families fam where fam.slug = f.family_slug),
         coalesce(tn.names, '{}'), bo.price_base, bo.price_per_100ml_base, bo.in_stock
  from unnest(ids) as i (id)
  join public.fragrances f on f.id = i.id
  cross join lateral (select b.name, b.slug from public.brands b where b.id = f.brand_id) b
  left join top_notes tn on tn.fragrance_id = f.id
  left join lateral (
    select o.price_base, o.price_per_100ml_base, o.in_stock
    from public.variants v
    join public.current_offers o on o.variant_id = v.id and not o.stale
    join public.retailers r on r.id = o.retailer_id and r.active
    where v.fragrance_id = f.id
    order by o.in_stock desc, o.price_base
    limit 1
  ) bo on true
  where f.deleted_at is null;
end;
$$;
comment on function private.search_cards(uuid[]) is 'The result cards (names, family, top notes, best current offer) of the given live fragrances: the page of a search.';
revoke execute on function private.search_cards(uuid[]) from public;

/**
 * Hybrid search. q is first read with the name vocabulary (private.read_name): the brand it names,
 * a catalog name found whole, and its concentration, gender, genre and filler words; those words
 * are not keywords. Then four ranked lists: full text of the remaining words (websearch syntax; any
 * word may match, documents with all words rank first; "-word", "without word" and "no word"
 * exclude), names holding those words after typo correction (trigrams against the name lexicon),
 * names (the known name's fragrances, the brand's, or names like a short query), and cosine kNN of
 * query_embedding among vectors of embedding_model. The lists are fused by
 * sum(weight / (rrf_k + rank)); each of the query's brand, concentration and gender facets a
 * fragrance has adds half a first place (0.5 x name_weight / (rrf_k + 1)), and so do being the name
 * the query says (in the concentration it says) and having a variant in the packaging it says.
 * The default weights and rrf_k were chosen on the labeled queries of
 * supabase/functions/search/eval (docs/SEARCH.md): the local model's vectors
 * are weaker than the full text, so they break ties rather than lead.
 */
create or replace function public.search_fragrances(
  q text,
  query_embedding extensions.vector(512) default null,
  embedding_model text default null,
  filters jsonb default '{}',
  currency text default 'EUR',
  page integer default 1,
  page_size integer default 20,
  keyword_weight double precision default 1.0,
  trigram_weight double precision default 1.0,
  vector_weight double precision default 0.35,
  rrf_k integer default 20,
  name_weight double precision default 1.0,
  scent_weight double precision default 1.0
)
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, brand_slug text,
  concentration public.concentration, gender public.gender, family text, top_notes text[],
  best_price numeric, best_price_per_100ml numeric, price_currency text, available boolean,
  score double precision, keyword_rank integer, trigram_rank integer, vector_rank integer, name_rank integer, scent_rank integer
)
language plpgsql
stable
set search_path = ''
set hnsw.ef_search = 100
set hnsw.iterative_scan = relaxed_order
set jit = off  -- the exact-kNN fallback's cost estimate grows with the catalog: from ~1M fragrances it passed
               -- jit_above_cost, and compiling the query took longer than running it
set synchronize_seqscans = off  -- a list that takes the first matches of a sequential scan takes the same ones every
                                -- call: a synchronized scan of a large table starts where the last one stopped
as $$
declare
  t private.search_terms := private.search_terms(q, query_embedding, embedding_model, filters, currency, page, page_size,
                                                 keyword_weight, trigram_weight, vector_weight, rrf_k, name_weight, scent_weight);
  predicate text := private.search_filter_sql(t);
  none text := 'select null::uuid, null::int where false';
  -- the concentration the query says: the name it says is that name in it ("acqua di gio parfum" is not the EDT)
  said_concentration text := (select substr(b, length('concentration:') + 1) from unnest(t.boost_facets) as b where b like 'concentration:%');
  -- the packaging the query says ("refill", "sample", "tester"): a boost for fragrances sold in it
  said_packaging text := (select substr(b, length('packaging:') + 1) from unnest(t.boost_facets) as b where b like 'packaging:%');
begin
  if t.matches_nothing then
    return;
  end if;
  return query execute format($q$
    with keyword(fragrance_id, rnk) as materialized (%s),
    trigram(fragrance_id, rnk) as materialized (%s),
    vector(fragrance_id, rnk) as materialized (%s),
    names(fragrance_id, rnk) as materialized (%s),
    scent(fragrance_id, rnk) as materialized (%s),
    fused as (
      select l.fragrance_id,
             sum(l.weight / (($1).rrf_k + l.rnk)) as score,
             min(l.rnk) filter (where l.list = 'k') as k_rank,
             min(l.rnk) filter (where l.list = 't') as t_rank,
             min(l.rnk) filter (where l.list = 'v') as v_rank,
             min(l.rnk) filter (where l.list = 'n') as n_rank,
             min(l.rnk) filter (where l.list = 's') as s_rank
      from (
        select k.fragrance_id, k.rnk, ($1).keyword_weight as weight, 'k' as list from keyword k
        union all select t.fragrance_id, t.rnk, ($1).trigram_weight, 't' from trigram t
        union all select v.fragrance_id, v.rnk, ($1).vector_weight, 'v' from vector v
        union all select n.fragrance_id, n.rnk, ($1).name_weight, 'n' from names n
        union all select s.fragrance_id, s.rnk, ($1).scent_weight, 's' from scent s
      ) l
      group by l.fragrance_id
    ), boosted as (
      -- each boost facet the query names (brand, concentration, gender) is worth half a first place,
      -- and so are being the name the query says (not a flanker of it; gender words aside; in the
      -- concentration it says, if it says one) and being sold in the packaging it says
      select fu.fragrance_id, fu.k_rank, fu.t_rank, fu.v_rank, fu.n_rank, fu.s_rank, d.search_name,
             fu.score + 0.5 * ($1).name_weight / (($1).rrf_k + 1)
               * (%s
                  + coalesce(case when fu.n_rank is not null then ($1).exact_core = (
                      select %s from public.fragrances f where f.id = fu.fragrance_id%s) end, false)::int
                  + %s) as score
      from fused fu
      join public.fragrance_documents d on d.fragrance_id = fu.fragrance_id
    ), page as (
      -- ties are broken by name, not by the random uuid, so every database ranks alike
      select b.*, row_number() over (order by b.score desc, b.search_name, b.fragrance_id) as pos
      from boosted b
      order by pos offset ($1).page_offset limit ($1).page_size
    )
    select p.fragrance_id, c.slug, c.name, c.brand_name, c.brand_slug, c.concentration, c.gender, c.family, c.top_notes,
           round(c.price_base / ($1).rate, 2), round(c.price_per_100ml_base / ($1).rate, 2), ($1).currency, c.in_stock,
           p.score::double precision, p.k_rank, p.t_rank, p.v_rank, p.n_rank, p.s_rank
    from page p
    join private.search_cards(array(select fragrance_id from page)) c on c.fragrance_id = p.fragrance_id
    order by p.pos $q$,
    coalesce(private.search_keyword_sql(t, predicate), none),
    coalesce(private.search_trigram_sql(t, predicate), none),
    coalesce(private.search_vector_sql(t, predicate), none),
    coalesce(private.search_name_sql(t, predicate), none),
    coalesce(private.search_scent_sql(t, predicate), none),
    private.search_boosts_sql(t, 'd.facets'), private.name_core_sql('f.name_normalized'),
    case when said_concentration is not null then format(' and f.concentration = %L', said_concentration) else '' end,
    case when said_packaging is not null
      then format('(exists (select from public.variants v where v.fragrance_id = fu.fragrance_id and v.packaging = %L))::int', said_packaging)
      else '0' end)
  using t;
end;
$$;
comment on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) is
  'Hybrid fragrance search: the query read with the name vocabulary (brand, known name, concentration and gender words become boosts), then full text, trigram (typos), names and vector kNN fused by weighted Reciprocal Rank Fusion (sum of weight / (rrf_k + rank)); filters (a JSON object) by gender, family (slug), brand (slug), concentration, min_price/max_price (in currency) and in_stock; returns one page of result cards with the best current price. Raises 22023 for an empty or over-long q, an unknown or malformed filter, a bad page or an unknown currency.';

-- The steps run as the caller (security invoker): API roles may execute them, and nothing else in `private`.
revoke execute on function private.search_filters(jsonb) from public;
revoke execute on function private.search_arguments(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) from public;
revoke execute on function private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) from public;
revoke execute on function private.search_words(private.search_terms) from public;
revoke execute on function private.search_filter_sql(private.search_terms) from public;
revoke execute on function private.search_keyword_sql(private.search_terms, text) from public;
revoke execute on function private.search_trigram_sql(private.search_terms, text) from public;
revoke execute on function private.search_name_sql(private.search_terms, text) from public;
revoke execute on function private.name_core(text, text) from public;
revoke execute on function private.name_core_sql(text) from public;
revoke execute on function private.search_boosts_sql(private.search_terms, text) from public;
revoke execute on function private.scent_words(text[]) from public;
revoke execute on function private.search_scent_sql(private.search_terms, text) from public;
revoke execute on function private.estimated_embeddings(text[]) from public;
revoke execute on function private.search_knn_sql(boolean, text) from public;
revoke execute on function private.search_filter_knn_sql(private.search_terms, text) from public;
revoke execute on function private.search_vector_sql(private.search_terms, text) from public;
revoke execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision) from public;
grant execute on function
  private.search_filters(jsonb),
  private.search_arguments(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision),
  private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision),
  private.search_words(private.search_terms),
  private.search_filter_sql(private.search_terms),
  private.search_keyword_sql(private.search_terms, text),
  private.search_trigram_sql(private.search_terms, text),
  private.search_name_sql(private.search_terms, text),
  private.name_core(text, text),
  private.name_core_sql(text),
  private.search_boosts_sql(private.search_terms, text),
  private.search_cards(uuid[]),
  private.fragrances_named(text, uuid, integer),
  private.scent_words(text[]),
  private.scent_carriers(uuid[], text[], uuid[], text[], integer),
  private.search_scent_sql(private.search_terms, text),
  private.estimated_embeddings(text[]),
  private.search_knn_sql(boolean, text),
  private.search_filter_knn_sql(private.search_terms, text),
  private.search_vector_sql(private.search_terms, text),
  public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision)
  to anon, authenticated, service_role;
