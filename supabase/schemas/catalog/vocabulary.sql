-- The vocabulary of fragrance names: how shops and shoppers write what is not the name itself
-- (concentrations, packaging, gender, genre and edition words, number spellings, words shops add),
-- in several languages, and the short names of fragrances ("BR540"). Brands' other names are
-- public.brand_aliases. One vocabulary read by both sides: the listing-title parser
-- (supabase/functions/_shared/listing-title.ts, a pure module given these rows) and the query
-- reader of search (private.read_name below), so a title and a query cannot be read differently.
-- The rows are in vocabulary_words.sql.

create type public.name_word_kind as enum (
  'concentration',  -- names a concentration: "Eau de Parfum", "EdP", "agua de perfume"
  'packaging',      -- names a packaging: "Tester", "Nachfüllflakon", "sans boîte", "Miniatur"
  'gender',         -- names who it is for: "for Men", "Pour Femme", "Damen", "Unisex"
  'genre',          -- a genre word, not a concentration: "Cologne" of "Cologne for Men", "Perfume"
  'edition',        -- an edition, not a packaging: "Travel Exclusive", "Limited Edition"
  'component',      -- a non-fragrance item of a set: "Body Lotion", "Shower Gel" (its size is not the bottle's)
  'number',         -- a spelling of "number" before a figure: "No 5", "Nr. 5", "Number 5" are all N°5
  'filler'          -- words shops add that say nothing about the bottle: "Spray", "Vaporisateur", "New & Sealed"
);
comment on type public.name_word_kind is 'What a word of public.name_vocabulary says about a title or query.';

create table public.name_vocabulary (
  id bigint generated always as identity primary key,
  kind public.name_word_kind not null,
  phrase text not null constraint name_vocabulary_phrase_not_blank check (btrim(phrase) <> ''),
  phrase_normalized text generated always as (public.normalize_name(phrase)) stored,
  language text constraint name_vocabulary_language_iso639 check (language ~ '^[a-z]{2}$'),
  concentration public.concentration,
  packaging public.packaging,
  gender public.gender,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint name_vocabulary_phrase_unique unique (phrase_normalized),
  constraint name_vocabulary_phrase_has_words check (public.normalize_name(phrase) <> ''),
  -- each kind carries the value it names, and only that
  constraint name_vocabulary_value_fits_kind check (
    (concentration is not null) = (kind = 'concentration' or (kind = 'genre' and concentration is not null))
    and (packaging is not null) = (kind = 'packaging')
    and (gender is not null) = (kind = 'gender'))
);
comment on table public.name_vocabulary is
  'Words of listing titles and search queries that are not a fragrance''s name, with what each says. One meaning per phrase (normalized), in any language; the title parser and the query reader of search both read it.';
comment on column public.name_vocabulary.id is 'Row number.';
comment on column public.name_vocabulary.kind is 'What the phrase says (public.name_word_kind).';
comment on column public.name_vocabulary.phrase is 'The phrase as shops write it, e.g. "Nachfüllflakon".';
comment on column public.name_vocabulary.phrase_normalized is 'Denormalized: normalize_name(phrase), generated; unique, and the form titles and queries are compared in.';
comment on column public.name_vocabulary.language is 'ISO-639-1 language the phrase is from, when it belongs to one (informative).';
comment on column public.name_vocabulary.concentration is 'The concentration a concentration word names; for a genre word, the concentration it names when the title states no gender and no other concentration ("Cologne" alone).';
comment on column public.name_vocabulary.packaging is 'The packaging a packaging word names.';
comment on column public.name_vocabulary.gender is 'The gender a gender word names.';
call private.make_catalog_table('public.name_vocabulary');

create table public.fragrance_name_aliases (
  id uuid primary key default gen_random_uuid(),
  brand_id uuid not null references public.brands (id) on delete cascade,
  alias text not null constraint fragrance_name_aliases_alias_not_blank check (btrim(alias) <> ''),
  alias_normalized text generated always as (public.normalize_name(alias)) stored,
  name text not null constraint fragrance_name_aliases_name_not_blank check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint fragrance_name_aliases_alias_normalized_unique unique (alias_normalized)
);
comment on table public.fragrance_name_aliases is
  'Short names of fragrances, as shops and shoppers write them: "BR540" is Maison Francis Kurkdjian''s "Baccarat Rouge 540". An alias names a fragrance name of one brand (every concentration of it).';
comment on column public.fragrance_name_aliases.id is 'Public identifier.';
comment on column public.fragrance_name_aliases.brand_id is 'The brand whose fragrance the alias names.';
comment on column public.fragrance_name_aliases.alias is 'The alias as written.';
comment on column public.fragrance_name_aliases.alias_normalized is 'Denormalized: normalize_name(alias), generated; unique, so an alias names one fragrance name.';
comment on column public.fragrance_name_aliases.name is 'The fragrance name (public.fragrances.name) the alias stands for.';
create index fragrance_name_aliases_brand_id_idx on public.fragrance_name_aliases (brand_id);
call private.make_catalog_table('public.fragrance_name_aliases');

-- Known names are looked up by their words without spaces ("spice bomb" is "Spicebomb").
create index fragrances_name_compact_idx on public.fragrances (replace(name_normalized, ' ', '') text_pattern_ops) where deleted_at is null;
comment on index public.fragrances_name_compact_idx is 'Known-name lookup of private.read_name, and search''s flankers of a known name: a fragrance name by its words without spaces (equal, or starting with).';

/**
 * The words of a title or query as both readers compare them: normalize_name's words, with the
 * markers "(M)"/"(H)" and "(W)"/"(F)"/"(D)" spelled out as men and women. listing-title.ts
 * nameTokens() does the same; a test holds them equal.
 */
create or replace function private.name_tokens(t text)
returns text[]
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(w order by i), '{}')
  from regexp_split_to_table(
         public.normalize_name(
           regexp_replace(regexp_replace(t, '\(\s*[mMhH]\s*\)', ' men ', 'g'), '\(\s*[wWfFdD]\s*\)', ' women ', 'g')),
         ' ') with ordinality as s (w, i)
  where w <> ''
$$;
comment on function private.name_tokens(text) is 'The normalized words of a title or query, with the gender markers (M) and (W) spelled out.';
revoke execute on function private.name_tokens(text) from public;

/** The words with number spellings (numbers) before a figure as "n": "no 5", "nr. 5", "number 5", "number five", "no5" are N°5's "n 5". */
create or replace function private.number_words(words text[], numbers text[])
returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  out text[] := '{}';
  glued text[];
  spelled text[] := array['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  i integer := 1;
begin
  while i <= coalesce(cardinality(words), 0) loop
    glued := regexp_match(words[i], '^(?:no|nr|n)([0-9]+)$');
    if glued is not null then
      out := out || array['n', glued[1]];
    elsif words[i] = any (numbers) and coalesce(words[i + 1] ~ '^[0-9]', false) then
      out := out || 'n'::text;
    elsif words[i] = any (numbers) and words[i + 1] = any (spelled) then  -- "number five" is N°5
      out := out || array['n', array_position(spelled, words[i + 1])::text];
      i := i + 1;
    else
      out := out || words[i];
    end if;
    i := i + 1;
  end loop;
  return out;
end;
$$;
comment on function private.number_words(text[], text[]) is 'Words with the given number spellings before a figure (or a figure spelled out, one to twelve) written "n" (N°5 normalizes to "n 5"), "no5" as "n 5".';
revoke execute on function private.number_words(text[], text[]) from public;

create type private.name_match as (
  kind text,                           -- brand, name (a catalog name or fragrance alias) or word (vocabulary)
  i integer,                           -- the first word it covers (from 1)
  len integer,                         -- how many words
  brand_id uuid,                       -- a brand's or a name's brand
  name text,                           -- a name (normalized)
  word_kind public.name_word_kind,     -- a vocabulary word's kind and value
  concentration public.concentration,
  packaging public.packaging,
  gender public.gender
);
comment on type private.name_match is 'A phrase of a text that private.read_name found in the vocabulary, brands or catalog names.';

/**
 * Every phrase of up to 8 words (of the first 40) that is a brand's name or alias, a catalog name
 * (compared without spaces: "spice bomb" is "Spicebomb") or fragrance alias, or a vocabulary
 * phrase: one index probe per phrase and table (a join would read whole tables), longest phrases
 * first, then first in the text.
 */
create or replace function private.name_matches(words text[])
returns private.name_match[]
language plpgsql  -- (not sql: PL/pgSQL keeps the query's plan for the session; a SQL function is planned every call)
stable
security definer  -- (the compact-name index is unusable under row security: replace() is not leakproof)
set search_path = ''
-- One plan for every text: the plan cache judged a plan per call cheaper and planned the query each
-- time (0.27 ms of a search's ~9), though every phrase is an index probe whatever the words. The
-- generic plan's estimate (any number of phrases) passes jit_above_cost, so JIT is off here too.
set plan_cache_mode = force_generic_plan
set jit = off
as $$
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
$$;
comment on function private.name_matches(text[]) is 'The brands, catalog names and vocabulary phrases in a text''s words, longest first.';
revoke execute on function private.name_matches(text[]) from public;

create index fragrance_name_aliases_compact_idx on public.fragrance_name_aliases (replace(alias_normalized, ' ', ''));
comment on index public.fragrance_name_aliases_compact_idx is 'Known-name lookup of private.name_matches: an alias by its words without spaces.';

create type private.name_reading as (
  tokens text[],                       -- the words read (private.name_tokens, number spellings as "n")
  brand_id uuid,                       -- the brand named, or implied by the known name (when only one brand has it)
  known_name text,                     -- a catalog name (normalized) found whole, or through an alias
  concentration public.concentration,  -- what the vocabulary's words say
  gender public.gender,
  packaging public.packaging,
  free_words text[],                   -- the words that are none of these, in order
  name_words text[]                    -- the words that are no vocabulary: brand, known name (as the catalog has it) and free words
);
comment on type private.name_reading is 'What private.read_name understood of a title or query.';

/**
 * Reads a title or query with the vocabulary, as listing-title.ts reads a title: the brand (its
 * longest name or alias), then the longest catalog name found whole (of that brand; of any when
 * none is named; one overlapping the brand's first mention only when no other is as long), then the
 * vocabulary's phrases, longest first, in the words left ("by", "de", "di", "par", "von", "van" or
 * "from" before the brand's words go with them). A brand word inside a known name ("Terre
 * d'Hermès", "Bleu de Chanel") is the name's; gender words inside it still count. Of the words'
 * values the first in the text wins, packaging by priority (gift set, sample, refill, tester,
 * unboxed, travel); a genre word names its concentration only when no concentration and no gender
 * word is there ("Cologne" alone, not "Cologne for Men"). Two queries; the rest is array work.
 */
create or replace function private.read_name(t text)
returns private.name_reading
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function private.read_name(text) is
  'Reads a title or query with public.name_vocabulary, brands and their aliases, and catalog names: the brand, a known name, concentration, gender, packaging and the free words.';
revoke execute on function private.read_name(text) from public;

/**
 * The vocabulary's gender words as one pattern, longest first: a name without them is its core
 * ("Light Blue" of "Light Blue Pour Homme"). Whole words of a normalized name, which only spaces
 * separate; the end is a lookahead rather than \M, which PostgreSQL's regex engine runs about 9x
 * slower on this many alternatives (search strips the words from every name it ranks by its core).
 */
create or replace function private.gender_words_pattern()
returns text
language sql
stable
set search_path = ''
as $$
  select '(?:^| )(?:' || string_agg(v.phrase_normalized, '|' order by length(v.phrase_normalized) desc, v.phrase_normalized) || ')(?= |$)'
  from public.name_vocabulary v where v.kind = 'gender'
$$;
comment on function private.gender_words_pattern() is 'The vocabulary''s gender words as one regular expression of whole words (a name without them is its core).';
revoke execute on function private.gender_words_pattern() from public;

-- Search reads queries as its caller (security invoker): API roles may run the reader, which reads
-- only catalog tables they may read.
grant execute on function
  private.name_tokens(text), private.number_words(text[], text[]), private.name_matches(text[]), private.read_name(text),
  private.gender_words_pattern()
  to anon, authenticated, service_role;
