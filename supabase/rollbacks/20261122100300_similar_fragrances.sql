-- Rollback of 20261122100300_similar_fragrances.sql.
drop trigger if exists invalidate_similar_on_insert on public.fragrance_embeddings;
drop trigger if exists invalidate_similar_on_update on public.fragrance_embeddings;
drop trigger if exists invalidate_similar_on_delete on public.fragrance_embeddings;
drop function if exists private.invalidate_similar_cache();
drop function if exists private.refresh_similar_cache(integer);
drop function if exists public.similar_fragrances(uuid, integer);
drop function if exists public.similar_fragrances_live(uuid, integer);
drop table if exists public.similar_fragrances_cache;
delete from private.settings where key = 'similar_cache_size';
