-- The cold start reads kept owner counts: a new user's first recommendations (the most-owned
-- fragrances) counted every owned collection entry on each call, 0.36 s with 600k entries at 100k
-- fragrances and growing with the user base. private.fragrance_owners now keeps the count per
-- fragrance (statement triggers on public.collection_entries), filled here from the entries; the
-- cold start reads it most-owned first: the same page in ~1 ms (docs/BENCHMARKS.md).

set local check_function_bodies = off;

CREATE TABLE "private"."fragrance_owners" (
  "fragrance_id" uuid                     NOT NULL,
  "owners"       integer                  NOT NULL,
  "created_at"   timestamp with time zone NOT NULL DEFAULT now(),
  "updated_at"   timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT "fragrance_owners_owners_positive" CHECK ((owners > 0)),
  CONSTRAINT "fragrance_owners_pkey" PRIMARY KEY (fragrance_id)
);

CREATE OR REPLACE FUNCTION private.change_fragrance_owners (
  gained uuid[],
  lost   uuid[]
)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
declare
  change_ids uuid[];
  deltas int[];
begin
  select array_agg(c.fragrance_id order by c.fragrance_id), array_agg(c.delta order by c.fragrance_id)
  into change_ids, deltas
  from (select c.fragrance_id, sum(c.delta)::int as delta
        from (select g, 1 from unnest(gained) g union all select l, -1 from unnest(lost) l) c (fragrance_id, delta)
        where exists (select from public.fragrances f where f.id = c.fragrance_id)
        group by c.fragrance_id
        having sum(c.delta) <> 0) c;
  if change_ids is null then
    return;
  end if;
  perform from private.fragrance_owners o where o.fragrance_id = any (change_ids) order by o.fragrance_id for update;
  insert into private.fragrance_owners as o (fragrance_id, owners)
  select c.id, c.delta from unnest(change_ids, deltas) c (id, delta) where c.delta > 0 order by c.id
  on conflict (fragrance_id) do update set owners = o.owners + excluded.owners;
  delete from private.fragrance_owners o  -- (first: once lowered, the counts the update keeps would look like ones to delete)
  using unnest(change_ids, deltas) c (id, delta)
  where o.fragrance_id = c.id and c.delta < 0 and o.owners + c.delta <= 0;
  update private.fragrance_owners o set owners = o.owners + c.delta
  from unnest(change_ids, deltas) c (id, delta)
  where o.fragrance_id = c.id and c.delta < 0;
end;
$function$;

CREATE OR REPLACE FUNCTION private.collection_owners_changed()
  RETURNS TRIGGER
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path TO ''
  AS $function$
begin
  if tg_op = 'INSERT' then
    perform private.change_fragrance_owners(array(select n.fragrance_id from new_rows n where n.status = 'owned'), '{}');
  elsif tg_op = 'UPDATE' then
    perform private.change_fragrance_owners(array(select n.fragrance_id from new_rows n where n.status = 'owned'),
                                            array(select o.fragrance_id from old_rows o where o.status = 'owned'));
  elsif tg_op = 'DELETE' then
    perform private.change_fragrance_owners('{}', array(select o.fragrance_id from old_rows o where o.status = 'owned'));
  else  -- TRUNCATE
    delete from private.fragrance_owners;
  end if;
  return null;
end;
$function$;

CREATE OR REPLACE FUNCTION private.recommendations_cold_start (
  collection uuid[],
  k          integer
)
  RETURNS TABLE (
    fragrance_id uuid,
    name         text,
    brand        text,
    score        double precision,
    reason       text
  )
  LANGUAGE plpgsql
  STABLE
  SET search_path TO ''
  AS $function$
begin
  return query
  with firsts as (
    (select f.id, f.name, f.brand_id, f.launch_year, o.owners
     from private.fragrance_owners o join public.fragrances f on f.id = o.fragrance_id and f.deleted_at is null
     where f.id <> all (collection)
     order by o.owners desc, f.launch_year nulls last, f.name, f.id
     limit k)
    union all
    (select f.id, f.name, f.brand_id, f.launch_year, 0
     from public.fragrances f
     where f.deleted_at is null and f.id <> all (collection) and not exists (select from private.fragrance_owners o where o.fragrance_id = f.id)
     order by f.launch_year nulls last, f.name, f.id
     limit k)
  )
  select x.id, x.name, b.name, x.owners::double precision,
         case when x.owners = 1 then 'owned by 1 ScentMatch user'
              when x.owners > 1 then format('owned by %s ScentMatch users', x.owners)
              else 'a well-known fragrance to start with' end
  from firsts x
  join public.brands b on b.id = x.brand_id
  order by x.owners desc, x.launch_year nulls last, x.name, x.id
  limit k;
end;
$function$;

ALTER TABLE "private"."fragrance_owners"
  ADD CONSTRAINT "fragrance_owners_fragrance_id_fkey" FOREIGN KEY (fragrance_id) REFERENCES public.fragrances(id) ON DELETE CASCADE;

CREATE INDEX fragrance_owners_most_owned_idx ON private.fragrance_owners USING btree (owners DESC);

-- The counts of the collections there are (the triggers below keep them from here on).
insert into private.fragrance_owners (fragrance_id, owners)
select c.fragrance_id, count(*) from public.collection_entries c where c.status = 'owned' group by c.fragrance_id;
analyze private.fragrance_owners;  -- (read in order from its first call: planned with what it holds)

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON private.fragrance_owners
  FOR EACH ROW
  EXECUTE FUNCTION private.set_updated_at();

CREATE TRIGGER collection_entries_owners_deleted
  AFTER DELETE ON public.collection_entries REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.collection_owners_changed();

CREATE TRIGGER collection_entries_owners_inserted
  AFTER INSERT ON public.collection_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.collection_owners_changed();

CREATE TRIGGER collection_entries_owners_truncated
  AFTER TRUNCATE ON public.collection_entries
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.collection_owners_changed();

CREATE TRIGGER collection_entries_owners_updated
  AFTER UPDATE ON public.collection_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION private.collection_owners_changed();

COMMENT ON COLUMN "private"."fragrance_owners"."created_at" IS 'When the row was created.';

COMMENT ON COLUMN "private"."fragrance_owners"."fragrance_id" IS 'The fragrance.';

COMMENT ON COLUMN "private"."fragrance_owners"."owners" IS 'Users whose collection has it with status owned.';

COMMENT ON COLUMN "private"."fragrance_owners"."updated_at" IS 'When the row was last changed.';

COMMENT ON FUNCTION "private"."change_fragrance_owners"(uuid[], uuid[]) IS 'Keeps private.fragrance_owners: one owner more for each fragrance in gained, one fewer for each in lost; a count of zero is deleted.';

COMMENT ON FUNCTION "private"."collection_owners_changed"() IS 'AFTER ... FOR EACH STATEMENT trigger on public.collection_entries: keeps private.fragrance_owners (private.change_fragrance_owners).';

COMMENT ON INDEX "private"."fragrance_owners_most_owned_idx" IS 'The cold start reads the most-owned first.';

COMMENT ON TABLE "private"."fragrance_owners" IS 'How many collections hold each fragrance as owned (no row: none); kept by triggers on public.collection_entries, read by the cold start.';

REVOKE ALL ON FUNCTION "private"."change_fragrance_owners"(uuid[], uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION "private"."collection_owners_changed"() FROM PUBLIC;
