-- Embeddings are unit vectors, as the column has always said: cosine search
-- and the similar-fragrances re-ranking assume it, and a zero vector has no
-- cosine at all (NaN), which failed the whole similar-cache refresh it met.
-- A provider answering anything else now fails its batch, which is retried.
alter table public.fragrance_embeddings add constraint fragrance_embeddings_unit_length
  check (abs(extensions.vector_norm(embedding) - 1) < 0.001);
