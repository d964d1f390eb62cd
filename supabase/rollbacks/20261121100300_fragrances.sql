-- Rollback of 20261121100300_fragrances.sql.
drop table if exists public.fragrance_perfumers;
drop table if exists public.fragrances;
