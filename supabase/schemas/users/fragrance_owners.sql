-- How many users own each fragrance, kept as collections change. A new user's first recommendations
-- are the most-owned fragrances (private.recommendations_cold_start); counting every owned collection
-- entry on each call grew with the user base (0.36 s a call with 600k entries), reading the counts
-- in order takes the page and its ties.

create table private.fragrance_owners (
  fragrance_id uuid primary key references public.fragrances (id) on delete cascade,
  owners integer not null constraint fragrance_owners_owners_positive check (owners > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.fragrance_owners is
  'How many collections hold each fragrance as owned (no row: none); kept by triggers on public.collection_entries, read by the cold start.';
comment on column private.fragrance_owners.fragrance_id is 'The fragrance.';
comment on column private.fragrance_owners.owners is 'Users whose collection has it with status owned.';
comment on column private.fragrance_owners.created_at is 'When it was first counted (since it last had no owner).';
comment on column private.fragrance_owners.updated_at is 'When its count last changed.';
call private.track_updates('private.fragrance_owners');
create index fragrance_owners_most_owned_idx on private.fragrance_owners (owners desc);
comment on index private.fragrance_owners_most_owned_idx is 'The cold start reads the most-owned first.';

/**
 * Adds an owner to the count of each fragrance in `gained` and takes one from each in `lost` (a
 * fragrance once per owner); a count that reaches none is deleted, and a fragrance deleted with its
 * entries keeps no count. The counts it changes are locked in fragrance order first, so collections
 * changed at the same time wait for each other instead of deadlocking.
 */
create or replace function private.change_fragrance_owners(gained uuid[], lost uuid[])
returns void
language plpgsql  -- (not sql: its plans are kept for the session, not made again for every statement that changes a collection)
security definer
set search_path = ''
as $$
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
$$;
comment on function private.change_fragrance_owners(uuid[], uuid[]) is
  'Keeps private.fragrance_owners: one owner more for each fragrance in gained, one fewer for each in lost; a count of zero is deleted.';
revoke execute on function private.change_fragrance_owners(uuid[], uuid[]) from public;

/** Statement trigger on public.collection_entries (transition tables new_rows, old_rows): entries that became or stopped being owned. */
create or replace function private.collection_owners_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function private.collection_owners_changed() is
  'AFTER ... FOR EACH STATEMENT trigger on public.collection_entries: keeps private.fragrance_owners (private.change_fragrance_owners).';
revoke execute on function private.collection_owners_changed() from public;

create trigger collection_entries_owners_inserted after insert on public.collection_entries
  referencing new table as new_rows for each statement execute function private.collection_owners_changed();
create trigger collection_entries_owners_updated after update on public.collection_entries
  referencing new table as new_rows old table as old_rows for each statement execute function private.collection_owners_changed();
create trigger collection_entries_owners_deleted after delete on public.collection_entries
  referencing old table as old_rows for each statement execute function private.collection_owners_changed();
create trigger collection_entries_owners_truncated after truncate on public.collection_entries
  for each statement execute function private.collection_owners_changed();
