-- One batch of a catalog import, set-based, in named steps over the session's _catalog_rows
-- (staging.sql): stage -> validate -> skip_unchanged -> resolve_brands -> find_fragrances ->
-- write_fragrances -> write_fields -> plan_lists -> write_notes / write_accords / write_perfumers ->
-- record. private.import_catalog_batch runs them in one transaction with the run's checkpoint, so
-- a batch is written whole or not at all, and an interrupted import resumes after the last one.
-- A row ends as exactly one of: inserted (a new fragrance), updated (its source row changed since the
-- last import), merged (a new source row for a fragrance the catalog has), review (waiting in
-- private.catalog_import_reviews), unchanged (same content as last time: nothing written) or
-- rejected (private.catalog_import_rejects says which field and why; nothing written).

/** The longest run of a name's leading words whose normalized form is `target`, trailing punctuation trimmed. */
create or replace function private.leading_words(name text, target text)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce((
    select regexp_replace(array_to_string(w[1:k], ' '), '[[:space:][:punct:]]+$', '')
    from (select regexp_split_to_array(btrim(name), '\s+') as w) words, generate_series(cardinality(w) - 1, 1, -1) as k
    where public.normalize_name(array_to_string(w[1:k], ' ')) = target
    order by k desc
    limit 1), target)
$$;

/**
 * Step 1: the batch's rows into _catalog_rows, with their content hash (and any error the reader
 * found: errors). Lists are JSON arrays of names, as the importer's mapping makes them (trimmed,
 * de-duplicated).
 */
create or replace function private.catalog_import_stage(rows jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  if jsonb_typeof(rows) is distinct from 'array' then
    raise exception 'rows must be a JSON array of objects' using errcode = '22023';
  end if;
  if exists (select from jsonb_array_elements(rows) e
             where jsonb_typeof(e) <> 'object' or jsonb_typeof(e -> 'line') is distinct from 'number') then
    raise exception 'every row must be a JSON object with its line number' using errcode = '22023';
  end if;
  insert into _catalog_rows (
    line, source_key, brand, name, concentration_text, gender_text, year_text, url,
    accords, top_notes, heart_notes, base_notes, perfumers, data, content_hash,
    decided_fragrance_id, decided_create, decided_concentration, errors)
  select x.line, nullif(btrim(x.key), ''), nullif(btrim(x.brand), ''), nullif(btrim(x.name), ''),
         nullif(btrim(x.concentration), ''), nullif(btrim(x.gender), ''), nullif(btrim(x.year), ''), nullif(btrim(x.url), ''),
         coalesce(x.accords, '{}'), coalesce(x.top, '{}'), coalesce(x.heart, '{}'), coalesce(x.base, '{}'),
         coalesce(x.perfumers, '{}'), d.data, md5(d.data::text),
         x.decided_fragrance_id, coalesce(x.decided_create, false), x.decided_concentration,
         case when jsonb_typeof(e -> 'errors') = 'array' then e -> 'errors' else '[]' end
  from jsonb_array_elements(rows) e
  cross join lateral jsonb_to_record(e) as x (
    line integer, key text, brand text, name text, concentration text, gender text, year text, url text,
    accords text[], top text[], heart text[], base text[], perfumers text[],
    decided_fragrance_id uuid, decided_create boolean, decided_concentration text)
  cross join lateral (
    select e - 'line' - 'errors' - 'decided_fragrance_id' - 'decided_create' - 'decided_concentration' as data) d;
  analyze _catalog_rows (line, source_key);
end;
$$;

/** Step 2: reads concentration, gender and year; strips concentration words off names; rejects what cannot be read. */
create or replace function private.catalog_import_validate()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  -- A concentration as the name vocabulary writes it ("Eau de Parfum", "EdT", "agua de perfume") or as the enum does.
  update _catalog_rows r
  set concentration = coalesce(
    (select v.concentration from public.name_vocabulary v
     where v.phrase_normalized = public.normalize_name(c.text) and v.concentration is not null limit 1),
    (select x from unnest(enum_range(null::public.concentration)) x where x::text = replace(public.normalize_name(c.text), ' ', '_')))
  from (select r2.line, coalesce(r2.concentration_text, r2.decided_concentration) as text from _catalog_rows r2) c
  where c.line = r.line and c.text is not null;

  update _catalog_rows r
  set brand_norm = public.normalize_name(r.brand),
      name_norm = public.normalize_name(r.name),
      gender = coalesce(
        (select v.gender from public.name_vocabulary v
         where v.kind = 'gender' and v.phrase_normalized = public.normalize_name(r.gender_text)),
        case public.normalize_name(r.gender_text)
          when 'female' then 'feminine' when 'feminine' then 'feminine'
          when 'male' then 'masculine' when 'masculine' then 'masculine' when 'shared' then 'unisex'
        end::public.gender),
      launch_year = case when r.year_text ~ '^\d{4}(\.0+)?$' and left(r.year_text, 4)::integer between 1700 and 2100
                         then left(r.year_text, 4)::smallint end,
      errors = r.errors
        || case when coalesce(public.normalize_name(r.brand), '') = '' then '[{"field": "brand", "reason": "missing"}]'::jsonb
                when length(r.brand) > 200 then '[{"field": "brand", "reason": "longer than 200 characters"}]' else '[]' end
        || case when coalesce(public.normalize_name(r.name), '') = '' then '[{"field": "name", "reason": "missing"}]'::jsonb
                when length(r.name) > 300 then '[{"field": "name", "reason": "longer than 300 characters"}]' else '[]' end
        || case when r.year_text is not null and not (r.year_text ~ '^\d{4}(\.0+)?$' and left(r.year_text, 4)::integer between 1700 and 2100)
                then jsonb_build_array(jsonb_build_object('field', 'year',
                       'reason', format('not a year between 1700 and 2100: %s', left(r.year_text, 40)))) else '[]' end;

  -- "Sauvage Eau de Parfum": the concentration is not part of the name (and gives it when the column is empty).
  update _catalog_rows r
  set name = private.leading_words(r.name, s.rest), name_norm = s.rest, concentration = s.concentration
  from (
    select r2.line, x.concentration, x.rest
    from _catalog_rows r2
    cross join lateral (
      select v.concentration, btrim(left(r2.name_norm, -length(v.phrase_normalized))) as rest
      from public.name_vocabulary v
      where v.kind = 'concentration' and r2.name_norm like '% ' || v.phrase_normalized
      order by length(v.phrase_normalized) desc
      limit 1) x
    where r2.name_norm <> '' and (r2.concentration is null or r2.concentration = x.concentration)
  ) s
  where s.line = r.line;

  update _catalog_rows r
  set errors = r.errors || jsonb_build_array(jsonb_build_object('field', 'gender',
                 'reason', format('not a gender (women, men, unisex, ...): %s', left(r.gender_text, 40))))
  where r.gender_text is not null and r.gender is null;

  -- A source without ids: the row's identity is its key.
  update _catalog_rows r
  set source_key = 'name:' || r.brand_norm || '|' || r.name_norm || '|' || coalesce(r.concentration::text, '?')
  where r.source_key is null and r.errors = '[]';

  -- One key twice in a batch: the later line is the source's last word.
  update _catalog_rows r
  set errors = r.errors || jsonb_build_array(jsonb_build_object('field', 'key',
                 'reason', format('repeated at line %s, which is kept', d.last_line)))
  from (select r2.source_key, max(r2.line) as last_line from _catalog_rows r2
        where r2.source_key is not null group by r2.source_key having count(*) > 1) d
  where r.source_key = d.source_key and r.line < d.last_line;

  update _catalog_rows r set status = 'rejected' where r.errors <> '[]';
end;
$$;

/** Step 3: a row whose source row was imported with the same content is unchanged: nothing to write. */
create or replace function private.catalog_import_skip_unchanged(import_source text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  -- Source rows by one index probe each (a join's plan hinges on the staging table's statistics).
  update _catalog_rows r
  set status = 'unchanged', known = true, fragrance_id = s.fragrance_id
  from _catalog_rows r2
  cross join lateral (
    select s.fragrance_id from private.catalog_source_rows s
    where s.source = import_source and s.source_key = r2.source_key and s.content_hash = r2.content_hash
    limit 1) s
  where r2.line = r.line and r2.status is null and r2.decided_fragrance_id is null and not r2.decided_create
    and r2.decided_concentration is null;
end;
$$;

/** The brand a normalized brand name is: by name, by alias, or by spacing ("viktor&rolf" = "viktor & rolf"); null when none. */
create or replace function private.catalog_import_brand(brand_norm text)
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select b.id from public.brands b where b.name_normalized = brand_norm),
    (select a.brand_id from public.brand_aliases a where a.alias_normalized = brand_norm),
    (select b.id from public.brands b where replace(b.name_normalized, ' ', '') = replace(brand_norm, ' ', '')
     order by b.name_normalized limit 1))
$$;

/** Step 4: each row's brand, by name, alias or spacing ("Viktor&Rolf" = "Viktor & Rolf"); a brand not known is created. Returns how many. */
create or replace function private.catalog_import_resolve_brands()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  created integer;
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  update _catalog_rows r
  set brand_id = m.brand_id
  from (
    select n.brand_norm, private.catalog_import_brand(n.brand_norm) as brand_id
    from (select distinct r2.brand_norm from _catalog_rows r2 where r2.status is null) n
  ) m
  where r.status is null and r.brand_norm = m.brand_norm;

  with new_brands as (
    select distinct on (r.brand_norm) r.brand_norm, r.brand, replace(r.brand_norm, ' ', '-') as slug
    from _catalog_rows r
    where r.status is null and r.brand_id is null
    order by r.brand_norm, r.line
  ),
  inserted as (
    insert into public.brands (slug, name)
    select case when exists (select from public.brands b where b.slug = n.slug)
                then n.slug || '-' || left(md5(n.brand_norm), 6) else n.slug end,
           n.brand
    from new_brands n
    on conflict do nothing
    returning id, name_normalized
  ),
  resolved as (
    update _catalog_rows r set brand_id = i.id from inserted i
    where r.status is null and r.brand_id is null and r.brand_norm = i.name_normalized
    returning 1
  )
  select count(*) into created from inserted;
  -- A brand another import created meanwhile (the insert did nothing): read it.
  update _catalog_rows r set brand_id = b.id from public.brands b
  where r.status is null and r.brand_id is null and b.name_normalized = r.brand_norm;
  return created;
end;
$$;

/**
 * Step 4b: the batch's brands locked (FOR NO KEY UPDATE, in id order, until commit): two batches
 * that share a brand run one after the other, so the later one sees the fragrances the earlier one
 * made. Foreign-key checks (KEY SHARE) are not blocked. Brand-split workers rarely wait here.
 */
create or replace function private.catalog_import_lock_brands()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  perform from public.brands b
  where b.id in (select r.brand_id from _catalog_rows r where r.brand_id is not null)
  order by b.id
  for no key update of b;
end;
$$;

/**
 * How an import with several workers splits a chunk of rows: each brand spelling's key is its
 * brand's compact normalized name (catalog_import_brand, as resolve_brands finds it), or its
 * own when the brand is not known yet — so all rows of one brand go to one worker, in file order.
 */
create or replace function private.catalog_import_brand_keys(brands text[])
returns table (brand text, key text)
language sql
stable
set search_path = ''
as $$
  select n.brand, replace(coalesce(
    (select b.name_normalized from public.brands b where b.id = private.catalog_import_brand(n.norm)), n.norm), ' ', '')
  from (select distinct x.brand, public.normalize_name(x.brand) as norm from unnest(brands) as x (brand)) n
$$;

/** Whether two names of one brand are a fragrance and its flanker, not one fragrance twice: one's words start the other's, or their numbers differ. */
create or replace function private.names_are_siblings(a text, b text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select a like b || ' %' or b like a || ' %'
      or regexp_replace(a, '[^0-9]', '', 'g') <> regexp_replace(b, '[^0-9]', '', 'g')
$$;

/** Whether two names differ by a typo: one letter (names of 5+ letters) or two (12+), spaces aside. */
create or replace function private.names_one_typo_apart(a text, b text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select extensions.levenshtein(left(replace(a, ' ', ''), 255), left(replace(b, ' ', ''), 255))
         <= case when least(length(replace(a, ' ', '')), length(replace(b, ' ', ''))) >= 12 then 2
                 when least(length(replace(a, ' ', '')), length(replace(b, ' ', ''))) >= 5 then 1
                 else 0 end
$$;

/**
 * Rows still without an outcome whose brand, concentration and name (spacing aside) are a fragrance
 * of the catalog: merged into it. One index probe per row (a join hashed the whole catalog).
 */
create or replace function private.catalog_import_merge_same_names()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  update _catalog_rows r set fragrance_id = m.id, status = 'merged'
  from (
    select r2.line, f.id
    from _catalog_rows r2
    cross join lateral (
      select f.id from public.fragrances f
      where f.brand_id = r2.brand_id and f.deleted_at is null and f.concentration = r2.concentration
        and replace(f.name_normalized, ' ', '') = replace(r2.name_norm, ' ', '')
      order by f.created_at, f.id
      limit 1) f
    where r2.status is null
  ) m
  where m.line = r.line;
end;
$$;

/**
 * Step 5: the fragrance each row is. In order: a reviewer's decision; the fragrance its source row
 * became before (updated); no concentration -> review; the same brand, concentration and name
 * (spacing aside) -> merged; a near-duplicate name -> merged when nearly equal (similarity >= 0.85),
 * review when unsure (similarity >= 0.6, or a typo apart); anything else is new (write_fragrances).
 */
create or replace function private.catalog_import_find_fragrances(import_source text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  update _catalog_rows r set fragrance_id = r.decided_fragrance_id, status = 'merged'
  where r.status is null and r.decided_fragrance_id is not null;

  update _catalog_rows r set fragrance_id = s.fragrance_id, known = true, status = 'updated'
  from _catalog_rows r2
  cross join lateral (
    select s.fragrance_id from private.catalog_source_rows s
    join public.fragrances f on f.id = s.fragrance_id and f.deleted_at is null
    where s.source = import_source and s.source_key = r2.source_key and s.status = 'imported'
    limit 1) s
  where r2.line = r.line and r2.status is null;

  update _catalog_rows r
  set status = 'review',
      reason = case when coalesce(r.concentration_text, r.decided_concentration) is null then 'concentration missing'
                    else format('concentration not understood: %s', left(coalesce(r.concentration_text, r.decided_concentration), 60)) end,
      candidate_id = (select f.id from public.fragrances f
                      where f.brand_id = r.brand_id and f.deleted_at is null
                        and replace(f.name_normalized, ' ', '') = replace(r.name_norm, ' ', '')
                      order by f.concentration limit 1)
  where r.status is null and r.concentration is null;

  perform private.catalog_import_merge_same_names();

  -- A near-duplicate name: trigram-similar, or one or two letters off ("Sauvaje"). Siblings (a
  -- flanker, another number) are not duplicates.
  update _catalog_rows r
  set status = case when c.sim >= 0.85 then 'merged' else 'review' end,
      fragrance_id = case when c.sim >= 0.85 then c.id end,
      candidate_id = case when c.sim < 0.85 then c.id end,
      similarity = c.sim,
      reason = case when c.sim < 0.85 then 'near duplicate of a fragrance in the catalog' end
  from (
    select distinct on (r2.line) r2.line, k.id, k.sim
    from _catalog_rows r2
    cross join lateral (
      select f.id, extensions.similarity(f.name_normalized, r2.name_norm) as sim, f.name_normalized
      from public.fragrances f
      where f.brand_id = r2.brand_id and f.deleted_at is null and f.concentration = r2.concentration
      order by f.name_normalized operator(extensions.<->) r2.name_norm
      limit 5) k
    where r2.status is null and not r2.decided_create
      and not private.names_are_siblings(k.name_normalized, r2.name_norm)
      and (k.sim >= 0.6 or private.names_one_typo_apart(k.name_normalized, r2.name_norm))
    order by r2.line, k.sim desc
  ) c
  where c.line = r.line;
end;
$$;

/**
 * Step 6: creates the fragrances no row found, one per brand, name (spacing aside) and
 * concentration; later rows of one are merged into it. A new name that nearly repeats an earlier
 * new row of the batch (a typo, a near-duplicate) goes to review with that row's fragrance as the
 * candidate, as it would had the two come in different batches. Returns how many it created.
 */
create or replace function private.catalog_import_write_fragrances()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  created integer;
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  update _catalog_rows r
  set status = 'review', reason = 'near duplicate of another row of the file', duplicate_of_line = d.line,
      similarity = d.sim
  from (
    select distinct on (a.line) a.line as dup_line, b.line, extensions.similarity(a.name_norm, b.name_norm) as sim
    from _catalog_rows a
    join _catalog_rows b on b.brand_id = a.brand_id and b.concentration = a.concentration and b.line < a.line
      and b.status is null and replace(b.name_norm, ' ', '') <> replace(a.name_norm, ' ', '')
    where a.status is null and not a.decided_create
      and not private.names_are_siblings(a.name_norm, b.name_norm)
      and (extensions.similarity(a.name_norm, b.name_norm) >= 0.6 or private.names_one_typo_apart(a.name_norm, b.name_norm))
    order by a.line, extensions.similarity(a.name_norm, b.name_norm) desc, b.line
  ) d
  where r.line = d.dup_line;

  with firsts as (
    select distinct on (r.brand_id, replace(r.name_norm, ' ', ''), r.concentration)
      r.line, r.brand_id, r.name, r.name_norm, r.concentration, r.gender, r.launch_year, r.source_key,
      b.slug || '-' || replace(r.name_norm, ' ', '-') || '-' || replace(r.concentration::text, '_', '-') as slug
    from _catalog_rows r join public.brands b on b.id = r.brand_id
    where r.status is null
    order by r.brand_id, replace(r.name_norm, ' ', ''), r.concentration, r.line
  ),
  inserted as (
    insert into public.fragrances (brand_id, slug, name, concentration, gender, launch_year)
    select f.brand_id, private.free_slug(f.slug, t.taken, f.source_key),
           f.name, f.concentration, coalesce(f.gender, 'unisex'), f.launch_year
    from firsts f
    -- One index probe per slug (an exists() here hashed every slug of the catalog).
    left join lateral (select true as taken from public.fragrances x where x.slug = f.slug limit 1) t on true
    on conflict (brand_id, name_normalized, concentration) where deleted_at is null do nothing
    returning id, brand_id, name_normalized, concentration
  ),
  made as (
    update _catalog_rows r
    set fragrance_id = i.id, created = true,
        status = case when r.line = f.line then 'inserted' else 'merged' end
    from inserted i
    join firsts f on f.brand_id = i.brand_id and f.concentration = i.concentration and f.name_norm = i.name_normalized
    where r.status is null and r.brand_id = i.brand_id and r.concentration = i.concentration
      and replace(r.name_norm, ' ', '') = replace(i.name_normalized, ' ', '')
    returning 1
  )
  select count(*) into created from inserted;
  -- Made meanwhile by another import (the insert did nothing): merge into it.
  perform private.catalog_import_merge_same_names();
  update _catalog_rows r set candidate_id = o.fragrance_id
  from _catalog_rows o
  where r.duplicate_of_line is not null and o.line = r.duplicate_of_line;
  return created;
end;
$$;

/**
 * Precedence (lineage.sql): may this import's source write a fragrance's field? Yes when this batch
 * made the fragrance, when the source wrote the field before, when an import left it at its default
 * (value_given false), or when it is empty and no source holds it. Never over a curated value.
 */
create or replace function private.catalog_import_may_write(
  fragrance_id uuid, field text, source text, created boolean, field_empty boolean
)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(created, false)
    or exists (select from private.fragrance_field_sources s
               where s.fragrance_id = catalog_import_may_write.fragrance_id and s.field = catalog_import_may_write.field
                 and (s.source = catalog_import_may_write.source or not s.value_given))
    or (field_empty and not exists (select from private.fragrance_field_sources s
                                    where s.fragrance_id = catalog_import_may_write.fragrance_id
                                      and s.field = catalog_import_may_write.field))
$$;

/** Step 7: launch_year and gender, where precedence lets this source write them (the last row of a fragrance wins). */
create or replace function private.catalog_import_write_fields(import_source text, import_run bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  with wanted as (
    select distinct on (r.fragrance_id) r.fragrance_id, r.launch_year
    from _catalog_rows r join public.fragrances f on f.id = r.fragrance_id
    where r.status in ('inserted', 'updated', 'merged') and r.launch_year is not null
      and case when r.created then true
               else private.catalog_import_may_write(r.fragrance_id, 'launch_year', import_source, false, f.launch_year is null) end
    order by r.fragrance_id, r.line desc
  ),
  written as (
    update public.fragrances f set launch_year = w.launch_year
    from wanted w where f.id = w.fragrance_id and f.launch_year is distinct from w.launch_year
    returning f.id
  )
  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id)
  select w.fragrance_id, 'launch_year', import_source, import_run from wanted w
  on conflict (fragrance_id, field) do update set source = excluded.source, run_id = excluded.run_id;

  -- A fragrance made without a gender holds the default (unisex): nobody's value, any source may set it.
  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id, value_given)
  select distinct r.fragrance_id, 'gender', import_source, import_run, false
  from _catalog_rows r where r.status = 'inserted' and r.gender is null
  on conflict (fragrance_id, field) do nothing;

  with wanted as (
    select distinct on (r.fragrance_id) r.fragrance_id, r.gender
    from _catalog_rows r
    where r.status in ('inserted', 'updated', 'merged') and r.gender is not null
      and case when r.created then true
               else private.catalog_import_may_write(r.fragrance_id, 'gender', import_source, false, false) end
    order by r.fragrance_id, r.line desc
  ),
  written as (
    update public.fragrances f set gender = w.gender
    from wanted w where f.id = w.fragrance_id and f.gender is distinct from w.gender
    returning f.id
  )
  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id)
  select w.fragrance_id, 'gender', import_source, import_run from wanted w
  on conflict (fragrance_id, field) do update set source = excluded.source, run_id = excluded.run_id, value_given = true;
end;
$$;

/** Step 8: which rows set their fragrance's pyramid, accords and perfumers: the last row of each fragrance that has the list, where precedence allows. */
create or replace function private.catalog_import_plan_lists(import_source text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  -- A fragrance this batch made takes its lists without asking (case: the lookups are skipped).
  update _catalog_rows r
  set write_notes = p.notes and case when r.created then true else private.catalog_import_may_write(
        r.fragrance_id, 'notes', import_source, false,
        not exists (select from public.fragrance_notes fn where fn.fragrance_id = r.fragrance_id)) end,
      write_accords = p.accords and case when r.created then true else private.catalog_import_may_write(
        r.fragrance_id, 'accords', import_source, false,
        not exists (select from public.fragrance_accords fa where fa.fragrance_id = r.fragrance_id)) end,
      write_perfumers = p.perfumers and case when r.created then true else private.catalog_import_may_write(
        r.fragrance_id, 'perfumers', import_source, false,
        not exists (select from public.fragrance_perfumers fp where fp.fragrance_id = r.fragrance_id)) end
  from (
    select r2.line,
      r2.line = max(r2.line) filter (where cardinality(r2.top_notes) + cardinality(r2.heart_notes) + cardinality(r2.base_notes) > 0)
                  over (partition by r2.fragrance_id) as notes,
      r2.line = max(r2.line) filter (where cardinality(r2.accords) > 0) over (partition by r2.fragrance_id) as accords,
      r2.line = max(r2.line) filter (where cardinality(r2.perfumers) > 0) over (partition by r2.fragrance_id) as perfumers
    from _catalog_rows r2
    where r2.status in ('inserted', 'updated', 'merged')
  ) p
  where p.line = r.line;
end;
$$;

/** A name as a new vocabulary row shows it: as written, or capitalized when written all lower case. */
create or replace function private.display_name(name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when name = lower(name) then initcap(name) else name end
$$;

/** A slug for a new row of a table keyed by slug: the name's words, with a hash suffix when taken. */
create or replace function private.free_slug(base text, taken boolean, salt text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when taken then base || '-' || left(md5(salt), 6) else base end
$$;

/**
 * Step 9: pyramids. Each note name resolves through the note vocabulary (notes.name_key: case,
 * accents and plurals folded); a note not known is created in the unclassified family and linked to
 * its parent (Calabrian Bergamot -> Bergamot). A pyramid that differs from the fragrance's is
 * replaced whole. Returns the notes created.
 */
create or replace function private.catalog_import_write_notes(import_source text, import_run bigint)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  created uuid[];
  changed uuid[];
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  perform 'PRAGMA:TABLE: _catalog_note_names (name text, key text, note_id uuid)';
  perform 'PRAGMA:TABLE: _catalog_pyramid (fragrance_id uuid, tier public.note_tier, note_id uuid, position smallint)';
  -- Each note name written in the batch, with its key (computed once per name) and its note.
  drop table if exists pg_temp._catalog_note_names;
  create temporary table _catalog_note_names on commit drop as
  with names as materialized (
    select distinct m.name from _catalog_rows r cross join lateral unnest(r.top_notes || r.heart_notes || r.base_notes) as m (name)
    where r.write_notes
  ),
  keys as materialized (select n.name, private.note_key(n.name) as key from names n)
  select k.name, k.key, (select x.id from public.notes x where x.name_key = k.key limit 1) as note_id
  from keys k
  where k.key <> '';

  if exists (select from _catalog_note_names where note_id is null) then
    -- The family new notes wait in until they are placed, made on first need (a row with a random
    -- id has no place in a migration). Every unique key is an arbiter: with only the slug, a worker
    -- racing another to make it hit the name's unique index and failed the import.
    insert into public.note_families (slug, name) values ('unclassified', 'Unclassified') on conflict do nothing;
    with wanted as (
      select distinct on (n.key) n.name, n.key from _catalog_note_names n where n.note_id is null order by n.key, n.name
    ),
    inserted as (
      insert into public.notes (family_id, slug, name)
      select (select nf.id from public.note_families nf where nf.slug = 'unclassified'),
             private.free_slug(replace(public.normalize_name(w.name), ' ', '-'),
               exists (select from public.notes x where x.slug = replace(public.normalize_name(w.name), ' ', '-')), w.key),
             private.display_name(w.name)
      from wanted w
      on conflict do nothing
      returning id, name_key
    ),
    resolved as (
      update _catalog_note_names n set note_id = i.id from inserted i where n.key = i.name_key returning 1
    )
    select coalesce(array_agg(id), '{}') into created from inserted;
    perform private.link_note_parents(created);
    -- Made meanwhile by a concurrent batch (the insert did nothing): read them.
    update _catalog_note_names n set note_id = x.id from public.notes x where n.note_id is null and x.name_key = n.key;
  end if;

  drop table if exists pg_temp._catalog_pyramid;
  -- Mentions first, then one hash join with the names (joined inside the lateral, the names were
  -- scanned once per row).
  create temporary table _catalog_pyramid on commit drop as
  with mentions as materialized (
    select r.fragrance_id, t.tier, t.name, t.o
    from _catalog_rows r
    cross join lateral (
      select 'top'::public.note_tier as tier, x.name, x.o from unnest(r.top_notes) with ordinality as x (name, o)
      union all select 'heart', x.name, x.o from unnest(r.heart_notes) with ordinality as x (name, o)
      union all select 'base', x.name, x.o from unnest(r.base_notes) with ordinality as x (name, o)
    ) t
    where r.write_notes
  )
  select p.fragrance_id, p.tier, p.note_id, row_number() over (partition by p.fragrance_id, p.tier order by p.o)::smallint as position
  from (
    select distinct on (m.fragrance_id, m.tier, n.note_id) m.fragrance_id, m.tier, n.note_id, m.o
    from mentions m
    join _catalog_note_names n on n.name = m.name and n.note_id is not null
    order by m.fragrance_id, m.tier, n.note_id, m.o
  ) p;

  select coalesce(array_agg(w.fragrance_id), '{}') into changed
  from (select fragrance_id, array_agg((tier, note_id, position)::text order by tier, position) as rows
        from _catalog_pyramid group by fragrance_id) w
  where w.rows is distinct from (
    select array_agg((fn.tier, fn.note_id, fn.position)::text order by fn.tier, fn.position)
    from public.fragrance_notes fn where fn.fragrance_id = w.fragrance_id);
  delete from public.fragrance_notes fn where fn.fragrance_id = any(changed);
  insert into public.fragrance_notes (fragrance_id, note_id, tier, position)
  select p.fragrance_id, p.note_id, p.tier, p.position from _catalog_pyramid p where p.fragrance_id = any(changed);

  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id)
  select distinct r.fragrance_id, 'notes', import_source, import_run from _catalog_rows r where r.write_notes
  on conflict (fragrance_id, field) do update set source = excluded.source, run_id = excluded.run_id;
  return coalesce(cardinality(created), 0);
end;
$$;

/** Step 10: accords, strongest first (the first 100, then 15 less each, at least 10); unknown accords are created. Returns how many. */
create or replace function private.catalog_import_write_accords(import_source text, import_run bigint)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  created integer;
  changed uuid[];
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  perform 'PRAGMA:TABLE: _catalog_accord_names (name text, norm text)';
  -- Each accord name written in the batch, normalized once.
  drop table if exists pg_temp._catalog_accord_names;
  create temporary table _catalog_accord_names on commit drop as
  select n.name, public.normalize_name(n.name) as norm
  from (select distinct a.name from _catalog_rows r cross join lateral unnest(r.accords) as a (name) where r.write_accords) n;

  with wanted as (
    select distinct on (n.norm) n.name, n.norm from _catalog_accord_names n where n.norm <> '' order by n.norm, n.name
  ),
  inserted as (
    insert into public.accords (slug, name)
    select private.free_slug(replace(w.norm, ' ', '-'),
             exists (select from public.accords x where x.slug = replace(w.norm, ' ', '-')), w.norm),
           private.display_name(w.name)
    from wanted w
    where not exists (select from public.accords a where a.name_normalized = w.norm)
    on conflict do nothing
    returning id
  )
  select count(*) into created from inserted;

  perform 'PRAGMA:TABLE: _catalog_accords (fragrance_id uuid, accord_id uuid, strength smallint)';
  drop table if exists pg_temp._catalog_accords;
  create temporary table _catalog_accords on commit drop as
  with mentions as materialized (
    select r.fragrance_id, x.name, x.o
    from _catalog_rows r cross join lateral unnest(r.accords) with ordinality as x (name, o)
    where r.write_accords
  )
  select distinct on (m.fragrance_id, a.id) m.fragrance_id, a.id as accord_id, greatest(100 - (m.o - 1) * 15, 10)::smallint as strength
  from mentions m
  join _catalog_accord_names n on n.name = m.name
  join public.accords a on a.name_normalized = n.norm
  order by m.fragrance_id, a.id, m.o;

  select coalesce(array_agg(w.fragrance_id), '{}') into changed
  from (select fragrance_id, array_agg((accord_id, strength)::text order by accord_id) as rows
        from _catalog_accords group by fragrance_id) w
  where w.rows is distinct from (
    select array_agg((fa.accord_id, fa.strength)::text order by fa.accord_id)
    from public.fragrance_accords fa where fa.fragrance_id = w.fragrance_id);
  delete from public.fragrance_accords fa where fa.fragrance_id = any(changed);
  insert into public.fragrance_accords (fragrance_id, accord_id, strength)
  select a.fragrance_id, a.accord_id, a.strength from _catalog_accords a where a.fragrance_id = any(changed);

  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id)
  select distinct r.fragrance_id, 'accords', import_source, import_run from _catalog_rows r where r.write_accords
  on conflict (fragrance_id, field) do update set source = excluded.source, run_id = excluded.run_id;
  return created;
end;
$$;

/** Step 11: perfumers, by normalized name; unknown perfumers are created. Returns how many. */
create or replace function private.catalog_import_write_perfumers(import_source text, import_run bigint)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  created integer;
  changed uuid[];
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  with wanted as (
    select distinct on (public.normalize_name(p.name)) p.name, public.normalize_name(p.name) as norm
    from _catalog_rows r cross join lateral unnest(r.perfumers) as p (name)
    where r.write_perfumers and public.normalize_name(p.name) <> ''
    order by public.normalize_name(p.name), p.name
  ),
  inserted as (
    insert into public.perfumers (slug, name)
    select private.free_slug(replace(w.norm, ' ', '-'),
             exists (select from public.perfumers x where x.slug = replace(w.norm, ' ', '-')), w.norm),
           private.display_name(w.name)
    from wanted w
    where not exists (select from public.perfumers p where p.name_normalized = w.norm)
    on conflict do nothing
    returning id
  )
  select count(*) into created from inserted;

  perform 'PRAGMA:TABLE: _catalog_perfumers (fragrance_id uuid, perfumer_id uuid)';
  drop table if exists pg_temp._catalog_perfumers;
  create temporary table _catalog_perfumers on commit drop as
  select distinct r.fragrance_id, p.id as perfumer_id
  from _catalog_rows r
  cross join lateral unnest(r.perfumers) as x (name)
  join public.perfumers p on p.name_normalized = public.normalize_name(x.name)
  where r.write_perfumers;

  select coalesce(array_agg(w.fragrance_id), '{}') into changed
  from (select fragrance_id, array_agg(perfumer_id order by perfumer_id) as ids
        from _catalog_perfumers group by fragrance_id) w
  where w.ids is distinct from (
    select array_agg(fp.perfumer_id order by fp.perfumer_id)
    from public.fragrance_perfumers fp where fp.fragrance_id = w.fragrance_id);
  delete from public.fragrance_perfumers fp where fp.fragrance_id = any(changed);
  insert into public.fragrance_perfumers (fragrance_id, perfumer_id)
  select p.fragrance_id, p.perfumer_id from _catalog_perfumers p where p.fragrance_id = any(changed);

  insert into private.fragrance_field_sources (fragrance_id, field, source, run_id)
  select distinct r.fragrance_id, 'perfumers', import_source, import_run from _catalog_rows r where r.write_perfumers
  on conflict (fragrance_id, field) do update set source = excluded.source, run_id = excluded.run_id;
  return created;
end;
$$;

/** Step 12: lineage of every accepted row, the review queue, and the rejects. */
create or replace function private.catalog_import_record(import_source text, import_run bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  insert into private.catalog_source_rows as s
    (source, source_key, fragrance_id, status, content_hash, source_url, data, first_run_id, last_run_id)
  select import_source, r.source_key, r.fragrance_id, case r.status when 'review' then 'review' else 'imported' end,
         r.content_hash, r.url, r.data, import_run, import_run
  from _catalog_rows r
  where r.status in ('inserted', 'updated', 'merged', 'review')
  order by r.source_key -- one lock order for concurrent batches
  on conflict (source, source_key) do update
  set fragrance_id = excluded.fragrance_id, status = excluded.status, content_hash = excluded.content_hash,
      source_url = excluded.source_url, data = excluded.data, last_run_id = excluded.last_run_id;

  insert into private.catalog_import_reviews as v (source, source_key, run_id, reason, candidate_id, similarity)
  select import_source, r.source_key, import_run, r.reason, r.candidate_id, r.similarity
  from _catalog_rows r where r.status = 'review'
  on conflict (source, source_key) where status = 'pending' do update
  set run_id = excluded.run_id, reason = excluded.reason, candidate_id = excluded.candidate_id,
      similarity = excluded.similarity;
  -- A row that no longer needs a person (its source fixed it) leaves the queue.
  update private.catalog_import_reviews v set status = 'superseded', decided_at = now()
  where v.source = import_source and v.status = 'pending'
    and v.source_key = any (array(select r.source_key from _catalog_rows r where r.status in ('inserted', 'updated', 'merged')));

  insert into private.catalog_import_rejects (run_id, line, source_key, field, reason)
  select import_run, r.line, r.source_key, e ->> 'field', e ->> 'reason'
  from _catalog_rows r cross join lateral jsonb_array_elements(r.errors) e
  where r.status = 'rejected'
  on conflict do nothing;
end;
$$;

/**
 * Imports one batch of a run's rows (JSON objects as the importer maps them: line, key, brand,
 * name, concentration, gender, year, url, accords, top, heart, base, perfumers, and anything else,
 * kept in lineage) in one transaction with its record in private.catalog_import_batches. A batch is
 * part `part` of `parts` of the chunk of file lines ending at rows_done (an import with several
 * workers splits each chunk by brand: catalog_import_brand_keys); the run's checkpoint is the end
 * of the contiguous prefix of whole chunks, so a resume never skips an uncommitted line. Batches
 * that share a brand run one at a time (catalog_import_lock_brands), so each sees the fragrances
 * the other made and merges instead of duplicating. Returns the batch's counts.
 */
create or replace function private.import_catalog_batch(
  run_id bigint, rows jsonb, rows_done integer, part integer default 0, parts integer default 1
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  run private.catalog_import_runs;
  batch_counts jsonb;
  first_line integer;
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  select * into run from private.catalog_import_runs r where r.id = import_catalog_batch.run_id;
  if run.id is null or run.status <> 'running' then
    raise exception 'catalog import run % is not running', run_id using errcode = '22023';
  end if;
  if parts is null or parts < 1 or part is null or part < 0 or part >= parts then
    raise exception 'part must be from 0 to parts - 1 (got part %, parts %)', part, parts using errcode = '22023';
  end if;
  perform set_config('scentmatch.catalog_import', 'on', true);
  -- Compiling the bigger statements (document refresh) cost more than running them.
  perform set_config('jit', 'off', true);
  -- Search documents are refreshed once, at the end, for every fragrance the batch touched (the
  -- triggers would rebuild each one after every statement that changes it).
  perform set_config('scentmatch.documents', 'deferred', true);

  perform private.catalog_import_staging_table();
  perform private.catalog_import_stage(rows);
  select min(r.line) into first_line from _catalog_rows r;
  if rows_done is null or rows_done < coalesce((select max(r.line) from _catalog_rows r), 0) then
    raise exception 'rows_done (%) must be the last line the batch covers', rows_done using errcode = '22023';
  end if;
  perform private.catalog_import_validate();
  analyze _catalog_rows (line, source_key, content_hash, status, brand_norm, name_norm, concentration, decided_fragrance_id, decided_create, decided_concentration);
  perform private.catalog_import_skip_unchanged(run.source);
  batch_counts := jsonb_build_object('brands_created', private.catalog_import_resolve_brands());
  perform private.catalog_import_lock_brands();
  perform private.catalog_import_find_fragrances(run.source);
  analyze _catalog_rows (status, brand_id, fragrance_id, known, similarity, candidate_id); -- the steps below plan on the statuses just set
  perform private.catalog_import_write_fragrances();
  perform private.catalog_import_write_fields(run.source, run.id);
  perform private.catalog_import_plan_lists(run.source);
  batch_counts := batch_counts || jsonb_build_object(
    'notes_created', private.catalog_import_write_notes(run.source, run.id),
    'accords_created', private.catalog_import_write_accords(run.source, run.id),
    'perfumers_created', private.catalog_import_write_perfumers(run.source, run.id));
  perform private.catalog_import_record(run.source, run.id);
  perform set_config('scentmatch.documents', '', true);
  perform private.refresh_fragrance_documents(array(
    select distinct r.fragrance_id from _catalog_rows r
    where r.status in ('inserted', 'updated', 'merged') and r.fragrance_id is not null order by 1));

  select batch_counts || jsonb_build_object('inserted', 0, 'updated', 0, 'merged', 0, 'review', 0, 'unchanged', 0, 'rejected', 0)
         || coalesce(jsonb_object_agg(s.status, s.n), '{}')
  into batch_counts
  from (select r.status, count(*) as n from _catalog_rows r group by r.status) s;

  if first_line is not null then
    insert into private.catalog_import_batches (run_id, first_line, last_line, part, parts, counts)
    values (run.id, first_line, rows_done, part, parts, batch_counts)
    on conflict on constraint catalog_import_batches_pkey do update
    set first_line = excluded.first_line, parts = excluded.parts, counts = excluded.counts;
  end if;
  -- The run's row last (its lock is held only from here to the commit). Locked first, in a statement
  -- of its own: a batch of the same chunk committing meanwhile is waited for, and the update's
  -- checkpoint then sees its record (computed in the update's snapshot, taken before the wait, the
  -- two parts of a chunk could each miss the other and leave the checkpoint a chunk behind). The
  -- lock is the update's own (no key update): the other batches' foreign keys to the run (key share)
  -- go on.
  perform from private.catalog_import_runs r where r.id = run.id for no key update;
  update private.catalog_import_runs r
  set rows_done = private.catalog_import_checkpoint(run.id), counts = private.add_counts(r.counts, batch_counts)
  where r.id = run.id;
  perform set_config('scentmatch.catalog_import', 'off', true);
  return batch_counts;
end;
$$;
comment on function private.import_catalog_batch(bigint, jsonb, integer, integer, integer) is
  'Imports one batch of catalog source rows into a running import (resolve brands, notes, accords, perfumers; merge or create fragrances; review; lineage) and moves its checkpoint, all or nothing; returns the batch''s counts.';

revoke execute on function
  private.leading_words(text, text), private.catalog_import_stage(jsonb),
  private.catalog_import_validate(), private.catalog_import_skip_unchanged(text), private.catalog_import_resolve_brands(),
  private.names_are_siblings(text, text), private.names_one_typo_apart(text, text), private.catalog_import_find_fragrances(text), private.catalog_import_write_fragrances(),
  private.catalog_import_may_write(uuid, text, text, boolean, boolean), private.catalog_import_write_fields(text, bigint),
  private.catalog_import_plan_lists(text), private.display_name(text), private.free_slug(text, boolean, text),
  private.catalog_import_write_notes(text, bigint), private.catalog_import_write_accords(text, bigint),
  private.catalog_import_write_perfumers(text, bigint), private.catalog_import_record(text, bigint),
  private.catalog_import_brand(text), private.catalog_import_lock_brands(), private.catalog_import_brand_keys(text[]),
  private.catalog_import_merge_same_names(),
  private.import_catalog_batch(bigint, jsonb, integer, integer, integer)
from public;
grant execute on function
  private.leading_words(text, text), private.catalog_import_stage(jsonb),
  private.catalog_import_validate(), private.catalog_import_skip_unchanged(text), private.catalog_import_resolve_brands(),
  private.names_are_siblings(text, text), private.names_one_typo_apart(text, text), private.catalog_import_find_fragrances(text), private.catalog_import_write_fragrances(),
  private.catalog_import_may_write(uuid, text, text, boolean, boolean), private.catalog_import_write_fields(text, bigint),
  private.catalog_import_plan_lists(text), private.display_name(text), private.free_slug(text, boolean, text),
  private.catalog_import_write_notes(text, bigint), private.catalog_import_write_accords(text, bigint),
  private.catalog_import_write_perfumers(text, bigint), private.catalog_import_record(text, bigint),
  private.catalog_import_brand(text), private.catalog_import_lock_brands(), private.catalog_import_brand_keys(text[]),
  private.catalog_import_merge_same_names(),
  private.import_catalog_batch(bigint, jsonb, integer, integer, integer)
to service_role;
