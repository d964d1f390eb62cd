-- The name a query says counts in the concentration it says (issue 19): "acqua di gio parfum" ranked Acqua di Giò (EDT)
-- first, for being the name said, over Acqua di Giò Profumo (the parfum). search_fragrances gives the exact-name boost
-- only to that name in the query's concentration, when the query names one.

set local check_function_bodies = off;

-- Load pgvector and pg_trgm first, so the SET clause names known settings.
select '[1]'::extensions.vector, extensions.similarity('a', 'a');

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
  -- the concentration the query says: the name it says is that name in it ("acqua di gio parfum" is not the EDT)
  said_concentration text := (select substr(b, length('concentration:') + 1) from unnest(t.boost_facets) as b where b like 'concentration:%');
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
      -- and so is being the name the query says (not a flanker of it; gender words aside; in the
      -- concentration it says, if it says one)
      select fu.fragrance_id, fu.k_rank, fu.t_rank, fu.v_rank, fu.n_rank, fu.s_rank, d.search_name,
             fu.score + 0.5 * ($1).name_weight / (($1).rrf_k + 1)
               * (%s
                  + coalesce(case when fu.n_rank is not null then ($1).exact_core = (
                      select %s from public.fragrances f where f.id = fu.fragrance_id%s) end, false)::int) as score
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
    case when said_concentration is not null then format(' and f.concentration = %L', said_concentration) else '' end)
  using t;
end;
$function$;
