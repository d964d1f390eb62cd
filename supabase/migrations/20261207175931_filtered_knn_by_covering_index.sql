-- Filtered kNN by covering index: a filter naming a brand or a family ranks its embeddings by their
-- half-precision copy (a generated column) read from a covering index per filter, not from a 2 kB
-- table row per match, and re-ranks the 2 x depth nearest exactly. At 1M fragrances a brand's exact
-- sort read 32k table pages; see docs/BENCHMARKS.md. Adding the generated column rewrites the table
-- and rebuilds its indexes, HNSW included: on a large catalog, raise maintenance_work_mem first
-- (docs/SEARCH.md, "Building the HNSW index over many vectors").

set local check_function_bodies = off;

ALTER TABLE "public"."fragrance_embeddings"
  ADD COLUMN "embedding_half" extensions.halfvec(512) GENERATED ALWAYS AS ((embedding)::extensions.halfvec(512)) STORED;

CREATE OR REPLACE FUNCTION private.facet_of (
  facets text[],
  kind   text
)
  RETURNS text
  LANGUAGE plpgsql
  IMMUTABLE
  PARALLEL SAFE
  SET search_path TO ''
  AS $function$
declare
  facet text;
begin
  foreach facet in array facets loop
    if starts_with(facet, kind || ':') then
      return facet;
    end if;
  end loop;
  return null;
end;
$function$;

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

COMMENT ON COLUMN "public"."fragrance_embeddings"."embedding_half" IS 'The embedding in half precision (generated): a filtered kNN ranks by it from a covering index, then re-ranks the nearest exactly.';

COMMENT ON FUNCTION "private"."facet_of"(text[], text) IS 'The facet of one kind (gender, family, brand, concentration) in a facets array, or null.';

COMMENT ON FUNCTION "private"."search_filter_knn_sql"(private.search_terms, text) IS 'The kNN query of a search''s vector list for a brand or family filter: half-precision vectors from a covering index, the nearest re-ranked exactly; null for another filter.';

COMMENT ON FUNCTION "private"."search_vector_sql"(private.search_terms, text) IS 'The vector kNN list of a search (a covering index for a brand or family filter, exact for another selective one, HNSW otherwise), or null when it takes no part.';

REVOKE ALL ON FUNCTION "private"."facet_of"(text[], text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."facet_of"(text[], text) TO "anon", "authenticated", "service_role";

REVOKE ALL ON FUNCTION "private"."search_filter_knn_sql"(private.search_terms, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."search_filter_knn_sql"(private.search_terms, text) TO "anon", "authenticated", "service_role";

CREATE INDEX fragrance_embeddings_brand_knn_idx ON public.fragrance_embeddings USING btree (model, private.facet_of(facets, 'brand'::text))
  INCLUDE (fragrance_id, facets, embedding_half);

COMMENT ON INDEX "public"."fragrance_embeddings_brand_knn_idx" IS 'Filtered kNN by brand: its embeddings in half precision, read by index-only scan.';

CREATE INDEX fragrance_embeddings_family_knn_idx ON public.fragrance_embeddings
  USING btree (model, private.facet_of(facets, 'family'::text), private.facet_of(facets, 'gender'::text)) INCLUDE (fragrance_id, facets, embedding_half);

COMMENT ON INDEX "public"."fragrance_embeddings_family_knn_idx" IS 'Filtered kNN by family (and gender): its embeddings in half precision, read by index-only scan.';
