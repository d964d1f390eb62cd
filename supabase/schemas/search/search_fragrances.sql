-- Hybrid search: search_fragrances fuses full text, typo-corrected name words
-- and vector kNN by weighted Reciprocal Rank Fusion. Filters read the facets
-- of documents and embeddings; a selective filter sorts its few vectors
-- exactly instead of walking HNSW. See docs/SEARCH.md.

-- Load pgvector and pg_trgm first, so the SET clauses below name known settings
-- (a placeholder setting can only be set by a superuser).
select '[1]'::extensions.vector, extensions.similarity('a', 'a');

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
revoke execute on function private.estimated_embeddings(text[]) from public;
grant execute on function private.estimated_embeddings(text[]) to anon, authenticated, service_role;

/**
 * Hybrid search. q is matched three ways, each giving a ranked list: full
 * text (websearch syntax; any word may match, documents with all words rank
 * first; "-word", "without word" and "no word" exclude), names holding the
 * query's words after typo correction (trigrams against the name lexicon),
 * and cosine kNN of query_embedding among vectors of embedding_model. The lists are fused by sum(weight / (rrf_k + rank)).
 * The default weights and rrf_k were chosen on the labeled queries of
 * supabase/functions/search/eval (docs/SEARCH.md): the local model's vectors
 * are weaker than the full text, so they break ties rather than lead.
 * The query is dynamic SQL on purpose: each call is planned for its own
 * filters and words, so no generic plan is reused across very different ones.
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
set pg_trgm.word_similarity_threshold = 0.5
as $$
declare
  query_text text := btrim(coalesce(search_fragrances.q, ''));
  rate numeric := public.fx_rate(upper(search_fragrances.currency));
  negated text;
  positive text;
  tsq_all tsquery;
  tsq_any tsquery;
  tsq_not tsquery;
  name_query text;
  brand_uuid uuid;
  -- How deep each list goes: the same for every page within a block of 100
  -- results, so consecutive pages neither overlap nor skip.
  depth integer := least(5000, ceil(search_fragrances.page * search_fragrances.page_size / 100.0)::int * 100);
  f_gender public.gender;
  f_family text;
  f_brand text;
  f_concentration public.concentration;
  f_min_price numeric;
  f_max_price numeric;
  f_in_stock boolean;
  unknown text;
  facet_list text[];
  predicate text;
  tier text;
  every_word text;
  some_word text;
  exact_knn boolean;
  keyword_sql text := 'select null::uuid, null::int where false';
  trigram_sql text := keyword_sql;
  vector_sql text := keyword_sql;
begin
  if length(query_text) > 500 then
    raise exception 'q is too long: % characters (at most 500)', length(query_text) using errcode = '22023';
  end if;
  if query_text = '' and search_fragrances.query_embedding is null then
    raise exception 'q must not be empty' using errcode = '22023';
  end if;
  if search_fragrances.page is null or search_fragrances.page not between 1 and 50 then
    raise exception 'page must be between 1 and 50, got %', search_fragrances.page using errcode = '22023';
  end if;
  if search_fragrances.page_size is null or search_fragrances.page_size not between 1 and 100 then
    raise exception 'page_size must be between 1 and 100, got %', search_fragrances.page_size using errcode = '22023';
  end if;
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
    f_gender := filters ->> 'gender';
    f_family := filters ->> 'family';
    f_brand := filters ->> 'brand';
    f_concentration := filters ->> 'concentration';
    f_min_price := filters ->> 'min_price';
    f_max_price := filters ->> 'max_price';
    f_in_stock := filters ->> 'in_stock';
  exception when invalid_text_representation or data_exception then
    raise exception 'bad filter value: %', sqlerrm using errcode = '22023';
  end;
  if rate is null then
    raise exception 'unknown currency "%"', search_fragrances.currency using errcode = '22023', hint = 'use an ISO-4217 code listed in public.currencies';
  end if;
  if least(keyword_weight, trigram_weight, vector_weight) < 0 or greatest(keyword_weight, trigram_weight, vector_weight) <= 0 then
    raise exception 'weights must be non-negative and not all zero' using errcode = '22023';
  end if;
  if rrf_k is null or rrf_k not between 1 and 1000 then
    raise exception 'rrf_k must be between 1 and 1000, got %', rrf_k using errcode = '22023';
  end if;
  if f_min_price > f_max_price then
    raise exception 'min_price % is above max_price %', f_min_price, f_max_price using errcode = '22023';
  end if;
  if f_brand is not null then
    select b.id into brand_uuid from public.brands b where b.slug = f_brand;
    if brand_uuid is null then
      return;  -- an unknown brand matches nothing
    end if;
  end if;

  -- "-smoke", "without smoke", "no smoke" exclude; the rest is matched.
  select string_agg(m[1], ' ') into negated
  from regexp_matches(query_text, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', 'gi') as m;
  positive := extensions.unaccent('extensions.unaccent'::regdictionary,
    regexp_replace(query_text, '(?:^|\s)(?:-|without\s+|no\s+)([[:alnum:]]+)', ' ', 'gi'));
  if positive ~ '[[:alnum:]]' then  -- (to_tsquery of nothing raises a NOTICE)
    tsq_all := websearch_to_tsquery('english', positive);
    tsq_any := replace(plainto_tsquery('english', positive)::text, ' & ', ' | ')::tsquery;
  else
    tsq_all := null;
    tsq_any := null;
  end if;
  tsq_not := case when negated is not null then replace(plainto_tsquery('english', extensions.unaccent('extensions.unaccent'::regdictionary, negated))::text, ' & ', ' | ')::tsquery end;
  name_query := public.normalize_name(positive);

  -- Each list's rows are aliased x: documents and embeddings carry the facets
  -- filtered on (private.fragrance_facets), so no list joins fragrances.
  facet_list := private.fragrance_facets(f_gender, f_family, brand_uuid, f_concentration);
  predicate := concat_ws(' and ', 'true',
    case when cardinality(facet_list) > 0 then 'x.facets @> $23' end,
    case when tsq_not is not null then
      'not exists (select 1 from public.fragrance_documents nd where nd.fragrance_id = x.fragrance_id and nd.search_vector @@ $10)' end,
    case when f_min_price is not null or f_max_price is not null or f_in_stock is true then
      'exists (select 1 from public.variants v
                 join public.current_offers o on o.variant_id = v.id and not o.stale
                 join public.retailers r on r.id = o.retailer_id and r.active
               where v.fragrance_id = x.fragrance_id and ($7 is not true or o.in_stock)
                 and ($5::numeric is null or o.price_base >= $5 * $18) and ($6::numeric is null or o.price_base <= $6 * $18))' end);

  if keyword_weight > 0 and tsq_any is not null then
    -- Documents with every word first, then those with some; each tier ranks
    -- at most 2 x depth matches, so a common word ("fresh") costs the same on
    -- 100k documents as on 1k (the vector list finds what the cap leaves out).
    -- One tier: the matches of a condition, at most 2 x depth of them, ranked.
    tier := $t$select x.fragrance_id, x.search_name, %s as tier, ts_rank_cd(x.search_vector, $9) as rank
                from public.fragrance_documents x where %s and %s limit 2 * $14$t$;
    keyword_sql := format($q$
      with every_word as materialized (%s)
      select c.fragrance_id, (row_number() over (order by c.tier, c.rank desc, c.search_name, c.fragrance_id))::int
      from (select * from every_word %s) c
      order by c.tier, c.rank desc, c.search_name, c.fragrance_id
      limit $14 $q$,
      format(tier, 1, 'x.search_vector @@ $8', predicate),
      -- The some-words tier only when it differs from the every-word one (not for
      -- one word: finding no row would mean reading every match), and only read
      -- when the first tier leaves room in the list.
      case when tsq_all::text <> tsq_any::text
        then format('union all (%s)', format(tier, 2,
               '(select count(*) from every_word) < $14 and x.search_vector @@ $9 and not (x.search_vector @@ $8)', predicate))
        else '' end);
  end if;
  if trigram_weight > 0 and length(name_query) between 3 and 64 then
    -- Typos: each word of the query (at most 8) is corrected to its 3 nearest
    -- name words (word similarity >= 0.5, public.fragrance_name_words). Names
    -- with a correction of every word come first; when they are fewer than the
    -- list is deep, names with a correction of some word follow if the whole
    -- query is within word similarity 0.5 of them. Among equals the closest
    -- whole name wins ("Sauvage" before "Sauvage Elixir"). The first tier reads
    -- at most 2 x depth names and each word of the second at most depth, so a
    -- common word costs the same at any catalog size.
    select string_agg(format('x.name_words && %L::text[]', c.words), ' and '),
           case when count(*) > 1 then string_agg(format(
             '(select x.fragrance_id, x.search_name, 2 from public.fragrance_documents x
               where (select count(*) from every_word) < $14 and x.name_words && %L::text[] and %s limit $14)', c.words, predicate), ' union all ') end
    into every_word, some_word
    from (
      select array(select w.word from public.fragrance_name_words w
                   where t.token operator(extensions.<%) w.word
                   order by t.token operator(extensions.<<->) w.word, w.word limit 3) as words
      from (select distinct token from unnest(string_to_array(name_query, ' ')) as token where length(token) >= 2 limit 8) t
    ) c
    where cardinality(c.words) > 0;
  end if;
  if every_word is not null then
    trigram_sql := format($q$
      with every_word as materialized (
        select x.fragrance_id, x.search_name, 1 as tier from public.fragrance_documents x where %s and %s limit 2 * $14
      )
      select n.fragrance_id, (row_number() over (order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id))::int
      from (
        select c.fragrance_id, c.search_name, min(c.tier) as tier,
               $11 operator(extensions.<<->) c.search_name as distance, $11 operator(extensions.<->) c.search_name as whole_distance
        from (select * from every_word %s) c
        group by c.fragrance_id, c.search_name
      ) n
      where n.tier = 1 or n.distance <= 0.5
      order by n.tier, n.distance, n.whole_distance, n.search_name, n.fragrance_id
      limit $14 $q$, every_word, predicate, 'union all ' || some_word);
  end if;
  if vector_weight > 0 and search_fragrances.query_embedding is not null then
    -- A filter the statistics put at 10,000 embeddings or fewer is searched
    -- exactly: sorting a few thousand vectors beats walking the HNSW graph
    -- past the many it would reject. A broader one uses the index, where
    -- relaxed_order keeps scanning until enough rows pass the filters and
    -- the outer row_number() restores exact distance order.
    exact_knn := cardinality(facet_list) > 0 and private.estimated_embeddings(facet_list) <= 10000;
    vector_sql := format($q$
      select s.fragrance_id, (row_number() over (order by s.distance, s.fragrance_id))::int
      from (
        select x.fragrance_id, %s as distance
        from public.fragrance_embeddings x
        where x.model = $13 and %s
        order by 2
        limit $14
      ) s $q$,
      -- cosine_distance() is <=> that no index answers: an exact sort of the filtered rows
      case when exact_knn then 'extensions.cosine_distance(x.embedding, $12)' else 'x.embedding operator(extensions.<=>) $12' end,
      predicate);
  end if;

  return query execute format($q$
    with keyword(fragrance_id, rnk) as materialized (%s),
    trigram(fragrance_id, rnk) as materialized (%s),
    vector(fragrance_id, rnk) as materialized (%s),
    fused as (
      select l.fragrance_id,
             sum(l.weight / ($22 + l.rnk)) as score,
             min(l.rnk) filter (where l.list = 'k') as k_rank,
             min(l.rnk) filter (where l.list = 't') as t_rank,
             min(l.rnk) filter (where l.list = 'v') as v_rank
      from (
        select k.fragrance_id, k.rnk, $15 as weight, 'k' as list from keyword k
        union all select t.fragrance_id, t.rnk, $16, 't' from trigram t
        union all select v.fragrance_id, v.rnk, $17, 'v' from vector v
      ) l
      group by l.fragrance_id
    ), page as (
      -- ties are broken by name, not by the random uuid, so every database ranks alike
      select fu.*, row_number() over (order by fu.score desc, d.search_name, fu.fragrance_id) as pos
      from fused fu join public.fragrance_documents d on d.fragrance_id = fu.fragrance_id
      order by pos offset $19 limit $20
    )
    select p.fragrance_id, f.slug, f.name, b.name, b.slug, f.concentration, f.gender, fam.name,
           array(select n.name from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
                 where fn.fragrance_id = f.id and fn.tier = 'top' order by fn.position),
           round(bo.price_base / $18, 2), round(bo.price_per_100ml_base / $18, 2), $21, bo.in_stock,
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
    order by p.pos $q$, keyword_sql, trigram_sql, vector_sql)
  using f_gender, f_family, brand_uuid, f_concentration,
        f_min_price, f_max_price, f_in_stock,
        tsq_all, tsq_any, tsq_not, name_query, search_fragrances.query_embedding, search_fragrances.embedding_model,
        depth, keyword_weight, trigram_weight, vector_weight, rate,
        (search_fragrances.page - 1) * search_fragrances.page_size, search_fragrances.page_size, upper(search_fragrances.currency),
        search_fragrances.rrf_k::double precision, facet_list;
end;
$$;
comment on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) is
  'Hybrid fragrance search: full text, trigram (typos) and vector kNN fused by weighted Reciprocal Rank Fusion (sum of weight / (rrf_k + rank)); filters (a JSON object) by gender, family (slug), brand (slug), concentration, min_price/max_price (in currency) and in_stock; returns one page of result cards with the best current price. Raises 22023 for an empty or over-long q, an unknown or malformed filter, a bad page or an unknown currency.';
revoke execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) from public;
grant execute on function public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer) to anon, authenticated, service_role;
