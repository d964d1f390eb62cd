-- Rollback of 20261121100500_variants.sql.
drop table if exists public.variants;
