-- A query's packaging word is a boost (issue 19): "terre d hermes refill" ranked the parfum over the EDT, whose refill
-- it is. private.search_words adds the packaging the query says to its boost facets, and search_fragrances adds half a
-- first place to fragrances with a variant in it (a variant's, not a document facet, so search_boosts_sql skips it).

set local check_function_bodies = off;

-- Load pgvector and pg_trgm first, so the SET clauses name known settings.
select '[1]'::extensions.vector, extensions.similarity('a', 'a');

CREATE OR REPLACE FUNCTION private.search_boosts_sql (
  t      private.search_terms,
  facets text
)
  RETURNS text
  LANGUAGE sql
  IMMUTABLE
  SET search_path TO ''
  AS $function$
  select coalesce(string_agg(format('(%s @> array[%L])::int', facets, b.facet), ' + ' order by b.facet), '0')
  from (select distinct unnest(t.boost_facets) as facet) b
  where b.facet not like 'packaging:%'  -- (no document has it: a packaging is its variants')
$function$;

CREATE OR REPLACE FUNCTION private.search_words (
  t private.search_terms
)
  RETURNS private.search_terms
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
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
$function$;

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
$function$;
