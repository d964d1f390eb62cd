-- Rollback of 20261122130200_embedding_unit_length.sql.
alter table public.fragrance_embeddings drop constraint fragrance_embeddings_unit_length;
