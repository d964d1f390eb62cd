-- Three lookups a search makes keep one plan: the plan cache judged a fresh plan per call cheaper
-- and planned them on every search (name phrases 0.27 ms, scent carriers 0.15, the typo lexicon
-- 0.1, of a search's ~9 ms), though each is the same index probes whatever the words. The phrase
-- lookup's generic estimate passes jit_above_cost, so JIT is off in it (270 ms called outside search).

set local check_function_bodies = off;

-- Load pg_trgm first, so the SET clause below names a known setting
-- (a placeholder setting can only be set by a superuser).
select extensions.similarity('a', 'a');

CREATE OR REPLACE FUNCTION private.name_matches (
  words text[]
)
  RETURNS private.name_match[]
  LANGUAGE plpgsql
  STABLE
  SECURITY DEFINER
  SET search_path TO ''
  SET plan_cache_mode TO 'force_generic_plan'
  SET jit TO 'off'
  AS $function$
begin
  return (with phrases as (
    select i, len, array_to_string(words[i:i + len - 1], ' ') as phrase, array_to_string(words[i:i + len - 1], '') as compact
    from generate_series(1, least(cardinality(words), 40)) as i, generate_series(1, 8) as len
    where i + len - 1 <= least(cardinality(words), 40)
  )
  select coalesce(array_agg(row(m.kind, p.i, p.len, m.brand_id, m.name, m.word_kind, m.concentration, m.packaging, m.gender)::private.name_match
                            order by p.len desc, p.i, m.kind, m.name, m.brand_id), '{}')
  from phrases p
  cross join lateral (
    select 'brand' as kind, b.id as brand_id, null::text as name,
           null::public.name_word_kind as word_kind, null::public.concentration as concentration,
           null::public.packaging as packaging, null::public.gender as gender
    from public.brands b where b.name_normalized = p.phrase
    union all
    select 'brand', a.brand_id, null, null, null, null, null
    from public.brand_aliases a where a.alias_normalized = p.phrase
    union all
    select 'name', f.brand_id, f.name_normalized, null, null, null, null
    from public.fragrances f where replace(f.name_normalized, ' ', '') = p.compact and f.deleted_at is null
    union
    select 'name', a.brand_id, public.normalize_name(a.name), null, null, null, null
    from public.fragrance_name_aliases a where replace(a.alias_normalized, ' ', '') = p.compact
    union all
    select 'word', null, null, v.kind, v.concentration, v.packaging, v.gender
    from public.name_vocabulary v where v.phrase_normalized = p.phrase and v.kind <> 'number'
  ) m);
end;
$function$;

CREATE OR REPLACE FUNCTION private.scent_carriers (
  accords      uuid[],
  accord_terms text[],
  notes        uuid[],
  note_terms   text[],
  per_term     integer
)
  RETURNS TABLE (
    fragrance_id uuid,
    term         text,
    weight       numeric,
    place        bigint
  )
  LANGUAGE plpgsql
  STABLE
  SECURITY DEFINER
  SET search_path TO ''
  SET plan_cache_mode TO 'force_generic_plan'
  AS $function$
begin
  return query
  select fa.fragrance_id, a.term, fa.strength / 100.0, fa.place
  from unnest(accords, accord_terms) as a (id, term)
  cross join lateral (select s.*, rank() over (order by s.strength desc) as place
                      from (select fa.fragrance_id, fa.strength from public.fragrance_accords fa where fa.accord_id = a.id
                            order by fa.strength desc, fa.fragrance_id limit per_term) s) fa
  union all
  select fn.fragrance_id, n.term, case fn.tier when 'base' then 1.0 when 'heart' then 0.85 else 0.7 end * (0.5 + 0.5 / fn.position), fn.place
  from unnest(notes, note_terms) as n (id, term)
  cross join lateral (select s.*, rank() over (order by s.tier desc, s.position) as place
                      from (select fn.fragrance_id, fn.tier, fn.position from public.fragrance_notes fn where fn.note_id = n.id
                            order by fn.tier desc, fn.position, fn.fragrance_id limit per_term) s) fn;
end;
$function$;

CREATE OR REPLACE FUNCTION private.search_trigram_sql (
  t         private.search_terms,
  predicate text
)
  RETURNS text
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  SET "pg_trgm.word_similarity_threshold" TO '0.5'
  SET plan_cache_mode TO 'force_generic_plan'
  AS $function$
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
$function$;
