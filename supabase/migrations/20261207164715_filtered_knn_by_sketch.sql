-- Filtered kNN by sketch: a filter naming a brand or a family ranks its embeddings by the Hamming
-- distance of a 64-byte binary sketch read from a covering index per filter (no 2 kB table row per
-- match), and re-ranks the 4 x depth nearest exactly. At 1M fragrances a brand's exact sort read
-- 32k table pages (145 ms); see docs/BENCHMARKS.md. Adding the generated column rewrites the table
-- and rebuilds its indexes, HNSW included: on a large catalog, raise maintenance_work_mem first
-- (docs/SEARCH.md, "Building the HNSW index over many vectors").

set local check_function_bodies = off;

ALTER TABLE "public"."fragrance_embeddings"
  ADD COLUMN "sketch" bit(512) GENERATED ALWAYS AS ((extensions.binary_quantize(embedding))::bit(512)) STORED;

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

create or replace function private.search_sketch_sql(t private.search_terms, predicate text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  -- the index's keys: the brand; or the family, and the gender when the filter names one
  keys text[] := array(
    select k from unnest(case when private.facet_of(t.facets, 'brand') is not null then array['brand']
                              else array['family', 'gender'] end) as k
    where private.facet_of(t.facets, k) is not null);
  rest private.search_terms := t;
begin
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
          order by x.sketch operator(extensions.<~>) extensions.binary_quantize(($1).query_embedding)::bit(512), x.fragrance_id
          limit 4 * ($1).depth) c
    join public.fragrance_embeddings e on e.fragrance_id = c.fragrance_id
    order by 2 limit ($1).depth $q$,
    (select string_agg(format('private.facet_of(x.facets, %1$L) = private.facet_of(($1).facets, %1$L)', k), ' and ') from unnest(keys) as k),
    predicate);
end;
$$;

CREATE OR REPLACE FUNCTION private.search_vector_sql (
  t         private.search_terms,
  predicate text
)
  RETURNS text
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
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
    case when estimate <= 50000 and (private.facet_of(t.facets, 'brand') is not null or private.facet_of(t.facets, 'family') is not null)
         then private.search_sketch_sql(t, predicate)
         else private.search_knn_sql(coalesce(estimate <= 10000, false), predicate) end);
end;
$function$;

COMMENT ON COLUMN "public"."fragrance_embeddings"."sketch" IS 'Binary quantization of the embedding (generated): a filtered kNN ranks by its Hamming distance, then re-ranks the nearest exactly.';

COMMENT ON FUNCTION "private"."facet_of"(text[], text) IS 'The facet of one kind (gender, family, brand, concentration) in a facets array, or null.';

COMMENT ON FUNCTION "private"."search_sketch_sql"(private.search_terms, text) IS 'The kNN query of a search''s vector list for a brand or family filter: binary sketches from a covering index, the nearest re-ranked exactly.';

COMMENT ON FUNCTION "private"."search_vector_sql"(private.search_terms, text) IS 'The vector kNN list of a search (sketches for a brand or family filter, exact for another selective one, HNSW otherwise), or null when it takes no part.';

REVOKE ALL ON FUNCTION "private"."facet_of"(text[], text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."facet_of"(text[], text) TO "anon", "authenticated", "service_role";

REVOKE ALL ON FUNCTION "private"."search_sketch_sql"(private.search_terms, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "private"."search_sketch_sql"(private.search_terms, text) TO "anon", "authenticated", "service_role";

CREATE INDEX fragrance_embeddings_brand_sketch_idx ON public.fragrance_embeddings USING btree (model, private.facet_of(facets, 'brand'::text))
  INCLUDE (fragrance_id, facets, sketch);

COMMENT ON INDEX "public"."fragrance_embeddings_brand_sketch_idx" IS 'Filtered kNN by brand: its embeddings'' sketches, read by index-only scan.';

CREATE INDEX fragrance_embeddings_family_sketch_idx ON public.fragrance_embeddings
  USING btree (model, private.facet_of(facets, 'family'::text), private.facet_of(facets, 'gender'::text)) INCLUDE (fragrance_id, facets, sketch);

COMMENT ON INDEX "public"."fragrance_embeddings_family_sketch_idx" IS 'Filtered kNN by family (and gender): its embeddings'' sketches, read by index-only scan.';
