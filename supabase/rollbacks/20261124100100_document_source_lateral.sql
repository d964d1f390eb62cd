-- Rollback of 20261124100100_document_source_lateral.sql: the view as 20261122130000_search_facets.sql defined it.
create or replace view private.fragrance_document_source with (security_invoker = true) as
with parts as (
  select f.id as fragrance_id, f.name, b.name as brand, public.concentration_label(f.concentration) as concentration,
         f.gender::text as gender, fam.name as family, f.description,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'top') as top_notes,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'heart') as heart_notes,
         (select string_agg(n.name, ', ' order by fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           where fn.fragrance_id = f.id and fn.tier = 'base') as base_notes,
         (select string_agg(a.name, ', ' order by fa.strength desc, a.name) from public.fragrance_accords fa join public.accords a on a.id = fa.accord_id
           where fa.fragrance_id = f.id) as accords,
         private.fragrance_facets(f.gender, f.family_slug, f.brand_id, f.concentration) as facets
  from public.fragrances f
  join public.brands b on b.id = f.brand_id
  left join public.olfactive_families fam on fam.slug = f.family_slug
  where f.deleted_at is null
), docs as (
  select p.*,
         -- One flowing sentence of facts, then the description: sentence encoders
         -- embed this better than labelled lines (see docs/SEARCH.md).
         concat_ws(E'\n',
           format('%s by %s, %s: a %s%s fragrance%s%s.',
             p.name, p.brand, p.concentration, lower(p.accords) || ' ', p.gender,
             ' from the ' || lower(p.family) || ' family',
             ', with ' || nullif(concat_ws(', ', 'top notes of ' || lower(p.top_notes), 'heart notes of ' || lower(p.heart_notes),
                                          'base notes of ' || lower(p.base_notes)), '')),
           p.description) as document,
         public.normalize_name(p.brand || ' ' || p.name) as search_name
  from parts p
)
select d.fragrance_id, d.document, md5(d.document) as content_hash,
       setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.name, d.brand, d.concentration))), 'A')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.top_notes, d.heart_notes, d.base_notes, d.accords))), 'B')
       || setweight(to_tsvector('english', private.unaccent_text(concat_ws(' ', d.family, d.gender, d.description))), 'C') as search_vector,
       d.search_name,
       d.facets,
       string_to_array(d.search_name, ' ') as name_words
from docs d;
