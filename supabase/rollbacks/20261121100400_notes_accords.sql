-- Rollback of 20261121100400_notes_accords.sql.
drop table if exists public.fragrance_accords;
drop table if exists public.accords;
drop table if exists public.fragrance_notes;
drop table if exists public.notes;
drop table if exists public.note_families;
