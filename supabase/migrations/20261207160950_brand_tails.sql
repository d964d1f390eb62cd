-- Words houses write after their name are the brand's (private.read_name; vocabulary.ts readName does the same; issue
-- 19): "Carolina Herrera New York Good Girl" was read as the name "York Good Girl", "Tom Ford Beauty Noir Extreme" as
-- "Beauty Noir Extreme". Paris, London, New York, Milano, Beauty, Beauté, Parfums, Fragrances, Cosmetics after a brand.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.read_name (
  t text
)
  RETURNS private.name_reading
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
declare
  r private.name_reading;
  n integer;
  matches private.name_match[];
  m private.name_match;
  brand private.name_match;
  known private.name_match;
  taken boolean[];      -- words read as something
  is_name boolean[];    -- words read as the brand or the known name
  overlapping boolean;
  best_overlaps boolean;
  generic boolean;        -- a name said only in its brand's and the vocabulary's words
  known_generic boolean;
  crosses boolean;        -- a name cut through by a vocabulary phrase
  known_crosses boolean;
  concentration_bare boolean;  -- the concentration read is a bare "Parfum"
  tail_at integer;        -- where a brand's tail words would start
  tail integer;
  packaging_rank integer;
  best_packaging_rank integer;
  concentration_at integer;
  gender_at integer;
  genre_at integer;
  genre public.concentration;
begin
  r.tokens := private.number_words(private.name_tokens(t),
    array(select v.phrase_normalized from public.name_vocabulary v where v.kind = 'number'));
  n := least(cardinality(r.tokens), 40);
  taken := array_fill(false, array[n + 1]);
  is_name := taken;
  matches := private.name_matches(r.tokens);

  foreach m in array matches loop  -- (longest first, then first in the text)
    if m.kind = 'brand' then brand := m; exit; end if;
  end loop;
  r.brand_id := brand.brand_id;
  -- the known name: the longest, unless it is said only in its brand's name and the vocabulary's words and
  -- another has words of its own ("Versace Pour Homme Dylan Blue" is Dylan Blue, for men; "For Her" names no brand)
  foreach m in array matches loop
    continue when m.kind <> 'name' or (r.brand_id is not null and m.brand_id <> r.brand_id);
    overlapping := coalesce(m.i < brand.i + brand.len and brand.i < m.i + m.len, false);
    crosses := exists (select from unnest(matches) o  -- cut through by a vocabulary phrase
                       where o.kind = 'word' and o.i < m.i + m.len and m.i < o.i + o.len and not (o.i >= m.i and o.i + o.len <= m.i + m.len));
    generic := exists (select from unnest(matches) o
                       where o.kind = 'brand' and o.brand_id = m.brand_id and o.i >= m.i and o.i + o.len <= m.i + m.len)
      and not exists (
      select from generate_series(m.i, m.i + m.len - 1) as k
      where not exists (select from unnest(matches) o
                        where (o.kind = 'word' or (o.kind = 'brand' and o.brand_id = m.brand_id))
                          and o.i >= m.i and o.i + o.len <= m.i + m.len and k between o.i and o.i + o.len - 1));
    if known.kind is null or (known_generic and not generic)
       or (generic = known_generic and m.len = known.len
           and ((known_crosses and not crosses) or (known_crosses = crosses and best_overlaps and not overlapping))) then
      known := m;
      best_overlaps := overlapping;
      known_generic := generic;
      known_crosses := crosses;
    end if;
  end loop;
  if known.kind is not null then
    r.known_name := known.name;
    if r.brand_id is null and not exists (select from unnest(matches) o
                                          where o.kind = 'name' and o.name = known.name and o.brand_id <> known.brand_id) then
      r.brand_id := known.brand_id;
    end if;
    for i in known.i .. known.i + known.len - 1 loop taken[i] := true; is_name[i] := true; end loop;
  end if;
  -- every mention of the brand, less the words the known name took ("Hugo Boss Bottled" is Hugo Boss's Boss Bottled)
  foreach m in array matches loop
    continue when m.kind <> 'brand' or m.brand_id is distinct from r.brand_id or not (taken[m.i:m.i + m.len - 1] && array[false]);
    for i in m.i .. m.i + m.len - 1 loop taken[i] := true; is_name[i] := true; end loop;
    if m.i > 1 and not taken[m.i - 1] and r.tokens[m.i - 1] in ('by', 'de', 'di', 'par', 'von', 'van', 'from') then taken[m.i - 1] := true; end if;
  end loop;
  -- words houses write after their name ("Carolina Herrera New York", "Tom Ford Beauty") are the brand's
  foreach m in array matches loop
    continue when m.kind <> 'brand' or m.brand_id is distinct from r.brand_id or not taken[m.i + m.len - 1]
               or (known.kind is not null and m.i + m.len - 1 between known.i and known.i + known.len - 1);
    tail_at := m.i + m.len;
    loop
      if tail_at < n and not taken[tail_at] and not taken[tail_at + 1]
         and r.tokens[tail_at] || ' ' || r.tokens[tail_at + 1] in ('new york') then tail := 2;
      elsif tail_at <= n and not taken[tail_at]
         and r.tokens[tail_at] in ('paris', 'london', 'milano', 'beauty', 'beaute', 'parfums', 'fragrances', 'cosmetics') then tail := 1;
      else exit;
      end if;
      for i in tail_at .. tail_at + tail - 1 loop taken[i] := true; is_name[i] := true; end loop;
      tail_at := tail_at + tail;
    end loop;
  end loop;

  foreach m in array matches loop
    continue when m.kind <> 'word';
    if not (taken[m.i:m.i + m.len - 1] && array[true]) then
      for i in m.i .. m.i + m.len - 1 loop taken[i] := true; end loop;
    elsif not coalesce(m.word_kind = 'gender' and m.i >= known.i and m.i + m.len <= known.i + known.len, false) then
      continue;
    end if;
    -- (the first concentration said, but a bare "Parfum", French for any perfume, yields to another)
    if m.word_kind = 'concentration' and (concentration_at is null
         or (concentration_bare and not (m.len = 1 and r.tokens[m.i] = 'parfum'))
         or (concentration_bare = (m.len = 1 and r.tokens[m.i] = 'parfum') and m.i < concentration_at)) then
      r.concentration := m.concentration; concentration_at := m.i; concentration_bare := m.len = 1 and r.tokens[m.i] = 'parfum';
    elsif m.word_kind = 'genre' and m.concentration is not null and m.i < coalesce(genre_at, n + 1) then
      genre := m.concentration; genre_at := m.i;
    elsif m.word_kind = 'gender' and m.i < coalesce(gender_at, n + 1) then
      r.gender := m.gender; gender_at := m.i;
    elsif m.word_kind = 'packaging' then
      packaging_rank := array_position(array['gift_set', 'sample', 'refill', 'tester', 'unboxed', 'travel']::public.packaging[], m.packaging);
      if packaging_rank < coalesce(best_packaging_rank, 99) then r.packaging := m.packaging; best_packaging_rank := packaging_rank; end if;
    end if;
  end loop;
  if r.concentration is null and r.gender is null then
    r.concentration := genre;
  end if;
  r.free_words := array(select w from unnest(r.tokens) with ordinality as u (w, i) where i > n or not taken[i] order by i);
  -- (the known name's words as the catalog spells them: "spice bomb" is read as "spicebomb")
  r.name_words := array(select x.w from unnest(r.tokens) with ordinality as u (w, i)
                        cross join lateral unnest(case when i = known.i then string_to_array(known.name, ' ')
                                                       when i > known.i and i < known.i + known.len then '{}'::text[]
                                                       else array[u.w] end) with ordinality as x (w, j)
                        where i > n or not taken[i] or is_name[i] order by i, j);
  return r;
end;
$function$;
