-- Rollback of 20261122130100_search_fragrances_facets.sql: the previous search_fragrances (same
-- signature), whose migration only creates or replaces, so it is simply applied again.
\ir ../migrations/20261122100200_search_rpcs.sql
drop function private.estimated_embeddings(text[]);
