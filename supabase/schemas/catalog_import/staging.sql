-- The staging table of a catalog import batch, its shape declared once (the pattern of
-- prices/ingest_staging.sql): a session-local temporary table _catalog_rows LIKE the type below,
-- made on a session's first batch, emptied at every commit. Each step of import_batch.sql reads and
-- fills its columns; the comment on each column says which step.

create type private.staged_catalog_row as (
  line integer,                          -- stage: the file's data row number (1 = first)
  source_key text,                       -- stage: the source's id, or the row's identity when it has none
  brand text,                            -- stage: as written
  name text,                             -- stage: as written; validate: without concentration words
  concentration_text text,               -- stage: as written
  gender_text text,                      -- stage
  year_text text,                        -- stage
  url text,                              -- stage
  accords text[],                        -- stage: in the source's order (strongest first)
  top_notes text[],                      -- stage
  heart_notes text[],                    -- stage
  base_notes text[],                     -- stage
  perfumers text[],                      -- stage
  data jsonb,                            -- stage: the row as sent (lineage keeps it)
  content_hash text,                     -- stage: md5 of data without its line
  decided_fragrance_id uuid,             -- stage: a reviewer's merge target (resolve_catalog_review)
  decided_create boolean,                -- stage: a reviewer said "a new fragrance"
  decided_concentration text,            -- stage: the concentration a reviewer gave a row without one
  brand_norm text,                       -- validate
  name_norm text,                        -- validate
  concentration public.concentration,   -- validate
  gender public.gender,                  -- validate
  launch_year smallint,                  -- validate
  errors jsonb,                          -- validate: [{field, reason}], a row with any is rejected
  status text,                           -- inserted | updated | merged | review | unchanged | rejected
  reason text,                           -- why a row is in review
  brand_id uuid,                         -- resolve_brands
  known boolean,                         -- find_fragrances: the source row was imported before
  fragrance_id uuid,                     -- find_fragrances / write_fragrances: its fragrance
  candidate_id uuid,                     -- find_fragrances: the fragrance a review proposes
  similarity real,                       -- find_fragrances: the candidate's name similarity
  duplicate_of_line integer,             -- write_fragrances: the earlier row of this batch it nearly repeats
  created boolean,                       -- write_fragrances: this batch made the fragrance
  write_notes boolean,                   -- plan_lists: this row sets its fragrance's pyramid
  write_accords boolean,                 -- plan_lists: ... its accords
  write_perfumers boolean                -- plan_lists: ... its perfumers
);
comment on type private.staged_catalog_row is 'Shape of _catalog_rows, the session''s staging table of catalog import batches (catalog_import/import_batch.sql).';

/** Creates the session's _catalog_rows on its first batch (again when the template changed) and empties it. */
create or replace function private.catalog_import_staging_table()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform 'PRAGMA:TABLE: _catalog_rows (like private.staged_catalog_row)';
  if private.staging_table_outdated('_catalog_rows', 'private.staged_catalog_row') then
    drop table pg_temp._catalog_rows;
  end if;
  if to_regclass('pg_temp._catalog_rows') is null then
    create temporary table _catalog_rows (like private.staged_catalog_row) on commit delete rows;
  end if;
  delete from _catalog_rows;
end;
$$;
comment on function private.catalog_import_staging_table() is 'Creates (once per session) and empties _catalog_rows, the staging table of a catalog import batch.';
revoke execute on function private.catalog_import_staging_table() from public;
grant execute on function private.catalog_import_staging_table() to service_role;
