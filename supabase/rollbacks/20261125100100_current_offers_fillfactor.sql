-- Rollback of 20261125100100_current_offers_fillfactor.sql: the fillfactor 20261123100000_ingest_fast_path.sql set.
alter table public.current_offers set (fillfactor = 70);
