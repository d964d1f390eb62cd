-- Rollback of 20261121100200_brands.sql.
drop table if exists public.fragrance_lines;
drop table if exists public.perfumers;
drop table if exists public.brand_aliases;
drop table if exists public.brands;
