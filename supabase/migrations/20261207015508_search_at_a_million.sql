-- Search and "smells like" at 1M fragrances, where three things showed that 100k hides.
-- 1. search_fragrances' query carries an exact-kNN fallback (a sequential scan of every embedding,
--    run only when HNSW comes back short) whose cost estimate grows with the catalog: it passed
--    jit_above_cost, and PostgreSQL compiled every call, which took longer than running it
--    (unfiltered p50 88 ms, 19 ms without). It now sets jit = off, as ingest and matching do.
-- 2. The typo and full-text lists take a common word's first 2 x depth matches; at 1M the planner
--    reads them by a sequential scan, and with synchronize_seqscans on, a scan of a table larger
--    than a quarter of shared_buffers starts where the last one stopped: two identical calls
--    ranked different pages, and a page could repeat rows of the one before. It now sets
--    synchronize_seqscans = off.
-- 3. similar_fragrances_live was a SQL function, planned with k unknown: the planner took its pool
--    of neighbours for a tenth of the table, hashed every fragrance to keep the live ones, and
--    compiled the query (JIT): 1 s a call, and the embed pipeline's cache fill calls it for every
--    new embedding. It is now PL/pgSQL (planned with k: 100 lookups), ~55 ms at 1M.

set local check_function_bodies = off;

-- Load pgvector first, so the functions' SET clauses name a known setting
-- (a placeholder setting can only be set by a superuser).
select '[1]'::extensions.vector;

DROP FUNCTION "public"."similar_fragrances_live"(uuid, integer);

CREATE OR REPLACE FUNCTION public.search_fragrances (
  q               text,
  query_embedding extensions.vector DEFAULT NULL::extensions.vector,
  embedding_model text              DEFAULT NULL::text,
  filters         jsonb             DEFAULT '{}'::jsonb,
  currency        text              DEFAULT 'EUR'::text,
  page            integer           DEFAULT 1,
  page_size       integer           DEFAULT 20,
  keyword_weight  double precision  DEFAULT 1.0,
  trigram_weight  double precision  DEFAULT 1.0,
  vector_weight   double precision  DEFAULT 0.35,
  rrf_k           integer           DEFAULT 20,
  name_weight     double precision  DEFAULT 1.0,
  scent_weight    double precision  DEFAULT 1.0
)
  RETURNS TABLE (
    fragrance_id         uuid,
    slug                 text,
    name                 text,
    brand_name           text,
    brand_slug           text,
    concentration        public.concentration,
    gender               public.gender,
    family               text,
    top_notes            text[],
    best_price           numeric,
    best_price_per_100ml numeric,
    price_currency       text,
    available            boolean,
    score                double precision,
    keyword_rank         integer,
    trigram_rank         integer,
    vector_rank          integer,
    name_rank            integer,
    scent_rank           integer
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  SET "hnsw.ef_search" TO '100'
  SET "hnsw.iterative_scan" TO 'relaxed_order'
  SET jit TO 'off'
  SET synchronize_seqscans TO 'off'
  AS $function$
declare
  t private.search_terms := private.search_terms(q, query_embedding, embedding_model, filters, currency, page, page_size,
                                                 keyword_weight, trigram_weight, vector_weight, rrf_k, name_weight, scent_weight);
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
      -- and so is being the name the query says (not a flanker of it; gender words aside)
      select fu.fragrance_id, fu.k_rank, fu.t_rank, fu.v_rank, fu.n_rank, fu.s_rank, d.search_name,
             fu.score + 0.5 * ($1).name_weight / (($1).rrf_k + 1)
               * (%s
                  + coalesce(case when fu.n_rank is not null then ($1).exact_core = (
                      select %s from public.fragrances f where f.id = fu.fragrance_id) end, false)::int) as score
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
    private.search_boosts_sql(t, 'd.facets'), private.name_core_sql('f.name_normalized'))
  using t;
end;
$function$;

CREATE OR REPLACE FUNCTION public.similar_fragrances_live (
  fragrance_id uuid,
  k            integer DEFAULT 10
)
  RETURNS TABLE (
    similar_fragrance_id uuid,
    similarity           real,
    score                real,
    shared_notes         text[],
    shared_accords       text[]
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  SET "hnsw.ef_search" TO '100'
  AS $function$
#variable_conflict use_column
begin
  return query
  with target as (
    select e.embedding, e.model from public.fragrance_embeddings e where e.fragrance_id = similar_fragrances_live.fragrance_id
  ), neighbours as materialized (
    select e.fragrance_id as id, 1 - (e.embedding operator(extensions.<=>) t.embedding) as similarity
    from target t
    cross join lateral (
      select e.fragrance_id, e.embedding from public.fragrance_embeddings e
      where e.model = t.model and e.fragrance_id <> similar_fragrances_live.fragrance_id
      order by e.embedding operator(extensions.<=>) t.embedding
      limit greatest(100, 2 * k)  -- the same pool for every k up to 50, so cached and live answers agree
    ) e
  ), scored as (
    select nb.id, nb.similarity,
           array(select n.name from public.fragrance_notes a join public.fragrance_notes b on b.note_id = a.note_id
                   join public.notes n on n.id = a.note_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by n.name) as shared_notes,
           (select count(distinct note_id) from public.fragrance_notes
             where fragrance_notes.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)) as union_notes,
           array(select ac.name from public.fragrance_accords a join public.fragrance_accords b on b.accord_id = a.accord_id
                   join public.accords ac on ac.id = a.accord_id
                 where a.fragrance_id = similar_fragrances_live.fragrance_id and b.fragrance_id = nb.id
                 order by least(a.strength, b.strength) desc, ac.name) as shared_accords,
           (select coalesce(sum(least(x.a, x.b))::real / nullif(sum(greatest(x.a, x.b)), 0), 0)
              from (select coalesce(max(fa.strength) filter (where fa.fragrance_id = similar_fragrances_live.fragrance_id), 0) as a,
                           coalesce(max(fa.strength) filter (where fa.fragrance_id = nb.id), 0) as b
                    from public.fragrance_accords fa
                    where fa.fragrance_id in (similar_fragrances_live.fragrance_id, nb.id)
                    group by fa.accord_id) x) as accord_overlap
    from neighbours nb
    join public.fragrances f on f.id = nb.id and f.deleted_at is null
  )
  select s.id, s.similarity::real,
         (0.6 * s.similarity + 0.25 * coalesce(cardinality(s.shared_notes)::real / nullif(s.union_notes, 0), 0)
          + 0.15 * s.accord_overlap)::real as score,
         s.shared_notes, s.shared_accords
  from scored s
  order by 3 desc, s.id
  limit k;
end;
$function$;

COMMENT ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) IS 'Uncached "smells like": the vector neighbours of a fragrance re-ranked by 0.6 cosine similarity + 0.25 note Jaccard + 0.15 accord overlap.';

REVOKE ALL ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) TO "anon", "authenticated";

REVOKE ALL ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) FROM "postgres";

GRANT EXECUTE ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) TO "postgres";

GRANT EXECUTE ON FUNCTION "public"."similar_fragrances_live"(uuid, integer) TO "service_role";
