-- Each search list goes 60 deep for the first 60 results (three pages of 20), not 100: a search
-- took ~20 % less time (p95 16.7 → 12.9 ms at 100k fragrances, issues 19 and 22) for nDCG@10
-- 0.8721 → 0.8709 on the labelled queries (docs/SEARCH.md). Pages within a block still neither
-- overlap nor skip.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.search_arguments (
  q               text,
  query_embedding extensions.vector,
  embedding_model text,
  filters         jsonb,
  currency        text,
  page            integer,
  page_size       integer,
  keyword_weight  double precision,
  trigram_weight  double precision,
  vector_weight   double precision,
  rrf_k           integer,
  name_weight     double precision,
  scent_weight    double precision
)
  RETURNS private.search_terms
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
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
$function$;
