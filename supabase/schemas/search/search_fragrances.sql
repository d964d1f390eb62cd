-- Hybrid search: public.search_fragrances fuses three ranked lists by weighted Reciprocal Rank
-- Fusion: full text, typo-corrected name words, and vector kNN. Its steps:
--   private.search_terms      the rules for every argument (22023), and what the search looks for
--   private.search_filter_sql the filters, as one predicate every list applies
--   private.search_keyword_sql / _trigram_sql / _vector_sql   each list's query
-- then one query fuses the lists and prices the page. Every list reads the facets of documents and
-- embeddings (no join to fragrances); a selective filter sorts its few vectors exactly instead of
-- walking HNSW. The lists are dynamic SQL on purpose: each call is planned for its own filters and
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
  matches_nothing boolean                   -- a filter no fragrance can pass (an unknown brand)
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

/** Every rule a search's arguments must meet (22023), and the terms the search looks for. */
create or replace function private.search_terms(
  q text, query_embedding extensions.vector, embedding_model text, filters jsonb, currency text, page integer,
  page_size integer, keyword_weight double precision, trigram_weight double precision, vector_weight double precision,
  rrf_k integer
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
  negated text;
  positive text;
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
  if least(keyword_weight, trigram_weight, vector_weight) < 0 or greatest(keyword_weight, trigram_weight, vector_weight) <= 0 then
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

  -- "-smoke", "without smoke", "no smoke" exclude; the rest is matched.
  select string_agg(m[1], ' ') into negated
  from regexp_matches(t.q, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', 'gi') as m;
  positive := extensions.unaccent('extensions.unaccent'::regdictionary,
    regexp_replace(t.q, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', ' ', 'gi'));
  if positive ~ '[[:alnum:]]' then  -- (to_tsquery of nothing raises a NOTICE)
    t.tsq_all := websearch_to_tsquery('english', positive);
    t.tsq_any := replace(plainto_tsquery('english', positive)::text, ' & ', ' | ')::tsquery;
  end if;
  t.tsq_not := case when negated is not null
    then replace(plainto_tsquery('english', extensions.unaccent('extensions.unaccent'::regdictionary, negated))::text, ' & ', ' | ')::tsquery end;
  t.name_query := public.normalize_name(positive);

  t.query_embedding := query_embedding;
  t.embedding_model := embedding_model;
  -- How deep each list goes: the same for every page within a block of 100
  -- results, so consecutive pages neither overlap nor skip.
  t.depth := least(5000, ceil(page * page_size / 100.0)::int * 100);
  t.page_offset := (page - 1) * page_size;
  t.page_size := page_size;
  t.keyword_weight := keyword_weight;
  t.trigram_weight := trigram_weight;
  t.vector_weight := vector_weight;
  t.rrf_k := rrf_k;
  return t;
end;
$$;
comment on function private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) is
  'The rules of a search''s arguments (22023 for an empty or over-long q, a bad page, filter, currency, weight or rrf_k) and the terms it looks for; used by public.search_fragrances and, before embedding, by private.prepare_search.';

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
 * Vectors: cosine kNN of the query's embedding among the vectors of its model. A filter the
 * statistics put at 10,000 embeddings or fewer is searched exactly: sorting a few thousand vectors
 * beats walking the HNSW graph past the many it would reject. A broader one uses the index, where
 * relaxed_order keeps scanning until enough rows pass the filters and the outer row_number()
 * restores exact distance order.
 */
create or replace function private.search_vector_sql(t private.search_terms, predicate text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  exact_knn boolean;
begin
  if t.vector_weight = 0 or t.query_embedding is null then
    return null;
  end if;
  exact_knn := cardinality(t.facets) > 0 and private.estimated_embeddings(t.facets) <= 10000;
  return format($q$
    select s.fragrance_id, (row_number() over (order by s.distance, s.fragrance_id))::int
    from (
      select x.fragrance_id, %s as distance
      from public.fragrance_embeddings x
      where x.model = ($1).embedding_model and %s
      order by 2
      limit ($1).depth
    ) s $q$,
    -- cosine_distance() is <=> that no index answers: an exact sort of the filtered rows
    case when exact_knn then 'extensions.cosine_distance(x.embedding, ($1).query_embedding)'
         else 'x.embedding operator(extensions.<=>) ($1).query_embedding' end,
    predicate);
end;
$$;
comment on function private.search_vector_sql(private.search_terms, text) is 'The vector kNN list of a search (exact for a selective filter, HNSW otherwise), or null when it takes no part.';

/**
 * Hybrid search. q is matched three ways, each giving a ranked list: full
 * text (websearch syntax; any word may match, documents with all words rank
 * first; "-word", "without word" and "no word" exclude), names holding the
 * query's words after typo correction (trigrams against the name lexicon),
 * and cosine kNN of query_embedding among vectors of embedding_model. The lists are fused by sum(weight / (rrf_k + rank)).
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
  rrf_k integer default 20
)
returns table (
  fragrance_id uuid, slug text, name text, brand_name text, brand_slug text,
  concentration public.concentration, gender public.gender, family text, top_notes text[],
  best_price numeric, best_price_per_100ml numeric, price_currency text, available boolean,
  score double precision, keyword_rank integer, trigram_rank integer, vector_rank integer
)
language plpgsql
stable
set search_path = ''
set hnsw.ef_search = 100
set hnsw.iterative_scan = relaxed_order
as $$
declare
  t private.search_terms := private.search_terms(q, query_embedding, embedding_model, filters, currency, page, page_size,
                                                 keyword_weight, trigram_weight, vector_weight, rrf_k);
  predicate text := private.search_filter_sql(t);
  none text := 'select null::uuid, null::int where false';
begin
  if t.matches_nothing then
    return;
  end if;
  return query execute format($q$
    with keyword(fragrance_id, rnk) as materialized (%s),
    trigram(fragrance_id, rnk) as materialized (%s),
    vector(fragrance_id, rnk) as materialized (%s),
    fused as (
      select l.fragrance_id,
             sum(l.weight / (($1).rrf_k + l.rnk)) as score,
             min(l.rnk) filter (where l.list = 'k') as k_rank,
             min(l.rnk) filter (where l.list = 't') as t_rank,
             min(l.rnk) filter (where l.list = 'v') as v_rank
      from (
        select k.fragrance_id, k.rnk, ($1).keyword_weight as weight, 'k' as list from keyword k
        union all select t.fragrance_id, t.rnk, ($1).trigram_weight, 't' from trigram t
        union all select v.fragrance_id, v.rnk, ($1).vector_weight, 'v' from vector v
      ) l
      group by l.fragrance_id
    ), page as (
      -- ties are broken by name, not by the random uuid, so every database ranks alike
      select fu.*, row_number() over (order by fu.score desc, d.search_name, fu.fragrance_id) as pos
      from fused fu join public.fragrance_documents d on d.fragrance_id = fu.fragrance_id
      order by pos offset ($1).page_offset limit ($1).page_size
    )
    select p.fragrance_id, f.slug, f.name, b.name, b.slug, f.concentration, f.gender, fam.name,
           array(select n.name from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
                 where fn.fragrance_id = f.id and fn.tier = 'top' order by fn.position),
           round(bo.price_base / ($1).rate, 2), round(bo.price_per_100ml_base / ($1).rate, 2), ($1).currency, bo.in_stock,
           p.score::double precision, p.k_rank, p.t_rank, p.v_rank
    from page p
    join public.fragrances f on f.id = p.fragrance_id and f.deleted_at is null
    join public.brands b on b.id = f.brand_id
    left join public.olfactive_families fam on fam.slug = f.family_slug
    left join lateral (
      select o.price_base, o.price_per_100ml_base, o.in_stock
      from public.variants v
      join public.current_offers o on o.variant_id = v.id and not o.stale
      join public.retailers r on r.id = o.retailer_id and r.active
      where v.fragrance_id = f.id
      order by o.in_stock desc, o.price_base
      limit 1
    ) bo on true
    order by p.pos $q$,
    coalesce(private.search_keyword_sql(t, predicate), none),
    coalesce(private.search_trigram_sql(t, predicate), none),
    coalesce(private.search_vector_sql(t, predicate), none))
  using t;
end;
$$;
comment on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) is
  'Hybrid fragrance search: full text, trigram (typos) and vector kNN fused by weighted Reciprocal Rank Fusion (sum of weight / (rrf_k + rank)); filters (a JSON object) by gender, family (slug), brand (slug), concentration, min_price/max_price (in currency) and in_stock; returns one page of result cards with the best current price. Raises 22023 for an empty or over-long q, an unknown or malformed filter, a bad page or an unknown currency.';

-- The steps run as the caller (security invoker): API roles may execute them, and nothing else in `private`.
revoke execute on function private.search_filters(jsonb) from public;
revoke execute on function private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) from public;
revoke execute on function private.search_filter_sql(private.search_terms) from public;
revoke execute on function private.search_keyword_sql(private.search_terms, text) from public;
revoke execute on function private.search_trigram_sql(private.search_terms, text) from public;
revoke execute on function private.estimated_embeddings(text[]) from public;
revoke execute on function private.search_vector_sql(private.search_terms, text) from public;
revoke execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) from public;
grant execute on function
  private.search_filters(jsonb),
  private.search_terms(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer),
  private.search_filter_sql(private.search_terms),
  private.search_keyword_sql(private.search_terms, text),
  private.search_trigram_sql(private.search_terms, text),
  private.estimated_embeddings(text[]),
  private.search_vector_sql(private.search_terms, text),
  public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer)
  to anon, authenticated, service_role;
