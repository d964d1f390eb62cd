-- Lineage and precedence. Every source row an import has seen is one row of
-- private.catalog_source_rows: its source and key, the fragrance it became or merged into, the
-- runs that brought it (first and last) and a hash of its content, which makes a re-import of an
-- unchanged row a no-op. private.fragrance_field_sources says which source set each imported field
-- of a fragrance.
--
-- Field-level precedence (docs/CATALOG_IMPORT.md): an import writes a field (launch_year, gender,
-- notes, accords, perfumers) only when it is empty, or when the same source set it before (a
-- source's correction updates its own value). A field set any other way — by hand, by the seed, by
-- another source — is curated: no import overwrites it. A write made outside an import removes the
-- field's source row (triggers below), which is what makes a hand edit curated.

create table private.catalog_source_rows (
  source text not null,
  source_key text not null,
  fragrance_id uuid references public.fragrances (id) on delete set null,
  status text not null constraint catalog_source_rows_status_known
    check (status in ('imported', 'review', 'rejected')),
  content_hash text not null,
  source_url text,
  data jsonb not null,
  first_run_id bigint not null references private.catalog_import_runs (id),
  last_run_id bigint not null references private.catalog_import_runs (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (source, source_key)
);
comment on table private.catalog_source_rows is 'Lineage: every source row imported, the fragrance it became or was merged into, the first and last runs that brought it, and its content hash (an unchanged row is skipped).';
comment on column private.catalog_source_rows.source is 'Source name, as in catalog_import_runs.source.';
comment on column private.catalog_source_rows.source_key is 'The row''s id in its source (a URL or number), or, when the source has none, its normalized brand/name/concentration.';
comment on column private.catalog_source_rows.fragrance_id is 'The fragrance it became or merged into; null while in review or when rejected there.';
comment on column private.catalog_source_rows.status is 'imported, review (waiting in private.catalog_import_reviews) or rejected (by a reviewer).';
comment on column private.catalog_source_rows.content_hash is 'MD5 of the row as mapped (without its line): equal means nothing to do.';
comment on column private.catalog_source_rows.source_url is 'The row''s page at its source, when given.';
comment on column private.catalog_source_rows.data is 'The row as mapped, kept whole (ratings included) so a review can apply it later.';
comment on column private.catalog_source_rows.first_run_id is 'The run that first brought it.';
comment on column private.catalog_source_rows.last_run_id is 'The last run that brought it changed (or first).';
create index catalog_source_rows_fragrance_idx on private.catalog_source_rows (fragrance_id);
create index catalog_source_rows_first_run_idx on private.catalog_source_rows (first_run_id);
create index catalog_source_rows_last_run_idx on private.catalog_source_rows (last_run_id);
call private.track_updates('private.catalog_source_rows');

create table private.fragrance_field_sources (
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  field text not null constraint fragrance_field_sources_field_known
    check (field in ('launch_year', 'gender', 'notes', 'accords', 'perfumers')),
  source text not null,
  run_id bigint not null references private.catalog_import_runs (id),
  value_given boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (fragrance_id, field)
);
comment on table private.fragrance_field_sources is 'Which source set an imported field of a fragrance. No row for a non-empty field means it is curated (by hand, seed or another path) and no import overwrites it.';
comment on column private.fragrance_field_sources.fragrance_id is 'The fragrance.';
comment on column private.fragrance_field_sources.field is 'launch_year, gender, notes (the pyramid), accords or perfumers.';
comment on column private.fragrance_field_sources.source is 'The source whose value it holds; only that source may change it.';
comment on column private.fragrance_field_sources.run_id is 'The run that wrote it.';
comment on column private.fragrance_field_sources.value_given is 'False when the source gave no value and the field holds the table''s default (gender unisex): any source may then set it.';
create index fragrance_field_sources_run_idx on private.fragrance_field_sources (run_id);
call private.track_updates('private.fragrance_field_sources');

/** True inside a catalog import's transaction (the importer sets scentmatch.catalog_import). */
create or replace function private.in_catalog_import()
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(current_setting('scentmatch.catalog_import', true), '') = 'on'
$$;

/** A fragrance's launch_year or gender written outside an import becomes curated. */
create or replace function private.curate_fragrance_fields()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.in_catalog_import() then
    return null;
  end if;
  delete from private.fragrance_field_sources s
  using old_rows o join new_rows n on n.id = o.id
  where s.fragrance_id = n.id
    and ((s.field = 'launch_year' and n.launch_year is distinct from o.launch_year)
      or (s.field = 'gender' and n.gender is distinct from o.gender));
  return null;
end;
$$;

/** A pyramid, accord or perfumer row written outside an import makes that list curated (TG_ARGV[0]). */
create or replace function private.curate_fragrance_list()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.in_catalog_import() then
    return null;
  end if;
  delete from private.fragrance_field_sources s
  using changed c
  where s.fragrance_id = c.fragrance_id and s.field = tg_argv[0];
  return null;
end;
$$;

create trigger fragrances_curate_fields after update on public.fragrances
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.curate_fragrance_fields();
create trigger fragrance_notes_curate_insert after insert on public.fragrance_notes
  referencing new table as changed for each statement execute function private.curate_fragrance_list('notes');
create trigger fragrance_notes_curate_update after update on public.fragrance_notes
  referencing new table as changed for each statement execute function private.curate_fragrance_list('notes');
create trigger fragrance_notes_curate_delete after delete on public.fragrance_notes
  referencing old table as changed for each statement execute function private.curate_fragrance_list('notes');
create trigger fragrance_accords_curate_insert after insert on public.fragrance_accords
  referencing new table as changed for each statement execute function private.curate_fragrance_list('accords');
create trigger fragrance_accords_curate_update after update on public.fragrance_accords
  referencing new table as changed for each statement execute function private.curate_fragrance_list('accords');
create trigger fragrance_accords_curate_delete after delete on public.fragrance_accords
  referencing old table as changed for each statement execute function private.curate_fragrance_list('accords');
create trigger fragrance_perfumers_curate_insert after insert on public.fragrance_perfumers
  referencing new table as changed for each statement execute function private.curate_fragrance_list('perfumers');
create trigger fragrance_perfumers_curate_update after update on public.fragrance_perfumers
  referencing new table as changed for each statement execute function private.curate_fragrance_list('perfumers');
create trigger fragrance_perfumers_curate_delete after delete on public.fragrance_perfumers
  referencing old table as changed for each statement execute function private.curate_fragrance_list('perfumers');

/** A fragrance's lineage: each source row it came from, with its source, key, URL and runs. */
create or replace function public.fragrance_lineage(fragrance_id uuid)
returns table (source text, source_key text, source_url text, first_run_id bigint, last_run_id bigint,
               first_imported_at timestamptz, last_imported_at timestamptz, fields text[])
language sql
stable
security definer
set search_path = ''
as $$
  select r.source, r.source_key, r.source_url, r.first_run_id, r.last_run_id, fr.started_at, lr.started_at,
         coalesce((select array_agg(s.field order by s.field) from private.fragrance_field_sources s
                   where s.fragrance_id = r.fragrance_id and s.source = r.source), '{}')
  from private.catalog_source_rows r
  join private.catalog_import_runs fr on fr.id = r.first_run_id
  join private.catalog_import_runs lr on lr.id = r.last_run_id
  where r.fragrance_id = fragrance_lineage.fragrance_id
  order by fr.started_at, r.source, r.source_key
$$;
comment on function public.fragrance_lineage(uuid) is
  'service_role: where a fragrance came from — each source row (source, key, URL), the first and last import runs that brought it, and the fields that source holds.';

revoke execute on function private.in_catalog_import(), private.curate_fragrance_fields(),
  private.curate_fragrance_list() from public;
revoke execute on function public.fragrance_lineage(uuid) from public, anon, authenticated;
grant execute on function public.fragrance_lineage(uuid), private.in_catalog_import() to service_role;
grant select, insert, update, delete on private.catalog_source_rows, private.fragrance_field_sources to service_role;
