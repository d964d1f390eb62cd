-- Search cards and terms planned once per session: private.search_cards reads each card by index probes with one generic
-- plan (its custom plan hashed every brand and note for 20 cards, and was planned on every call: 1.4 -> 0.5 ms a page), and
-- private.search_terms is PL/pgSQL (a SQL function with a SET clause is parsed and planned again in every transaction).
-- CREATE OR REPLACE keeps their grants and comments.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.search_cards (
  ids uuid[]
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
    price_base           numeric,
    price_per_100ml_base numeric,
    in_stock             boolean
  )
  LANGUAGE plpgsql
  STABLE
  SECURITY DEFINER
  SET search_path TO ''
  SET plan_cache_mode TO 'force_generic_plan'
  AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.search_terms (
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
begin
  return private.search_words(private.search_arguments(q, query_embedding, embedding_model, filters, currency, page, page_size,
                                                       keyword_weight, trigram_weight, vector_weight, rrf_k, name_weight, scent_weight));
end;
$function$;
