-- Catalog import: the unclassified note family made with every unique key as an arbiter. It was
-- inserted "on conflict (slug) do nothing", so two import workers making it at once could collide
-- on the name's unique index instead, and the import failed (seen once in CI as
-- note_families_name_key). Same function otherwise.

set local check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.catalog_import_write_notes (
  import_source text,
  import_run    bigint
)
  RETURNS integer
  LANGUAGE plpgsql
  SET search_path TO ''
  AS $function$
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
$function$;
