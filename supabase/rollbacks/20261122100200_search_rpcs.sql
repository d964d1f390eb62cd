-- Rollback of 20261122100200_search_rpcs.sql.
drop function if exists public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer);
