-- A search ranks the few hundred rows its lists found by search_name and boost facets, one probe of
-- the documents per row: a covering index answers those probes by index-only scan instead of from
-- the wide document rows (100k: p50/p95 ~8.9/11.3 -> ~8.3/10.5 ms on a kept bench cluster).

set local check_function_bodies = off;

CREATE INDEX fragrance_documents_rank_idx ON public.fragrance_documents USING btree (fragrance_id) INCLUDE (search_name, facets);

COMMENT ON INDEX "public"."fragrance_documents_rank_idx" IS 'search_fragrances: each found fragrance''s search_name and facets by index-only scan.';
