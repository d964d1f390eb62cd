-- Derives the catalog rows from seed_fragrances, failing loudly on any name
-- the reference data does not know.

do $$
declare
  unknown text;
begin
  select string_agg(distinct n, ', ') into unknown
  from seed_fragrances s,
       unnest(string_to_array(concat_ws('|', s.top, s.heart, s.base), '|')) as n
  where not exists (select from public.notes where name = n);
  if unknown is not null then raise exception 'seed: notes without a family in seed_note_families: %', unknown; end if;

  select string_agg(distinct split_part(a, ' ', 1), ', ') into unknown
  from seed_fragrances s, unnest(string_to_array(s.accords, '|')) as a
  where not exists (select from public.accords where slug = split_part(a, ' ', 1));
  if unknown is not null then raise exception 'seed: unknown accords: %', unknown; end if;

  select string_agg(distinct p, ', ') into unknown
  from seed_fragrances s, unnest(string_to_array(nullif(s.perfumers, ''), '|')) as p
  where not exists (select from public.perfumers where slug = p);
  if unknown is not null then raise exception 'seed: unknown perfumers: %', unknown; end if;
end
$$;

create function pg_temp.slugify(t text) returns text language sql immutable
  as $$ select replace(public.normalize_name(t), ' ', '-') $$;

insert into public.fragrance_lines (brand_id, slug, name)
select distinct b.id, pg_temp.slugify(s.line), s.line
from seed_fragrances s join public.brands b on b.slug = s.brand
where s.line is not null;

insert into public.fragrances (brand_id, line_id, slug, name, concentration, gender, family_slug, launch_year, description)
select b.id, l.id,
       b.slug || '-' || pg_temp.slugify(s.name) || '-' || replace(s.conc::text, '_', '-'),
       s.name, s.conc, s.gender, s.family, s.year,
       format('%s %s by %s. %s%s%s',
         fam.name,
         case s.conc when 'edp' then 'eau de parfum' when 'edt' then 'eau de toilette' when 'edc' then 'eau de cologne'
                     when 'extrait' then 'extrait de parfum' else replace(s.conc::text, '_', ' ') end,
         b.name,
         case when s.top is not null then format('Opens with %s. ', lower(replace(s.top, '|', ', '))) else '' end,
         case when s.heart is not null then format('Heart of %s. ', lower(replace(s.heart, '|', ', '))) else '' end,
         format('Dries down to %s.', lower(replace(s.base, '|', ', '))))
from seed_fragrances s
join public.brands b on b.slug = s.brand
join public.olfactive_families fam on fam.slug = s.family
left join public.fragrance_lines l on l.brand_id = b.id and l.name = s.line;

create temporary table seed_fragrance_ids as
select s.*, f.id as fragrance_id, b.name as brand_name
from seed_fragrances s
join public.brands b on b.slug = s.brand
join public.fragrances f on f.brand_id = b.id and f.name = s.name and f.concentration = s.conc;

insert into public.fragrance_notes (fragrance_id, note_id, tier, position)
select s.fragrance_id, n.id, t.tier, t.position
from seed_fragrance_ids s
cross join lateral (
  select 'top'::public.note_tier as tier, name, ordinality::smallint as position
  from unnest(string_to_array(s.top, '|')) with ordinality as name
  union all
  select 'heart', name, ordinality from unnest(string_to_array(s.heart, '|')) with ordinality as name
  union all
  select 'base', name, ordinality from unnest(string_to_array(s.base, '|')) with ordinality as name
) t
join public.notes n on n.name = t.name;

insert into public.fragrance_accords (fragrance_id, accord_id, strength)
select s.fragrance_id, a.id, split_part(x, ' ', 2)::smallint
from seed_fragrance_ids s, unnest(string_to_array(s.accords, '|')) as x
join public.accords a on a.slug = split_part(x, ' ', 1);

insert into public.fragrance_perfumers (fragrance_id, perfumer_id)
select s.fragrance_id, p.id
from seed_fragrance_ids s, unnest(string_to_array(nullif(s.perfumers, ''), '|')) as perfumer_slug
join public.perfumers p on p.slug = perfumer_slug;

-- Variants: every retail size; the listed extras (packaging size[xquantity]);
-- and, as designer houses do, a tester of the 100 ml bottle for fragrances
-- launched in even years. GTINs are EAN-13 with a brand prefix and a correct
-- check digit.
create function pg_temp.ean13(body text) returns text language sql immutable as $$
  select body || ((10 - (select sum(substr(body, i, 1)::int * case when i % 2 = 0 then 3 else 1 end)
                         from generate_series(1, 12) i) % 10) % 10)::text
$$;

create temporary table seed_variants as
select s.fragrance_id, size::numeric as size_ml, 'retail'::public.packaging as packaging, 1 as quantity
from seed_fragrance_ids s, unnest(string_to_array(s.sizes, ' ')) as size
union
select s.fragrance_id, split_part(split_part(x, ' ', 2), 'x', 1)::numeric, split_part(x, ' ', 1)::public.packaging,
       coalesce(nullif(split_part(split_part(x, ' ', 2), 'x', 2), ''), '1')::int
from seed_fragrance_ids s, unnest(string_to_array(nullif(s.extras, ''), '|')) as x
union
select s.fragrance_id, 100, 'tester', 1
from seed_fragrance_ids s
where s.year % 2 = 0 and '100' = any(string_to_array(s.sizes, ' '));

insert into public.variants (fragrance_id, size_ml, packaging, quantity, gtin)
select v.fragrance_id, v.size_ml, v.packaging, v.quantity,
       pg_temp.ean13('3' || lpad((dense_rank() over (order by b.slug))::text, 4, '0')
                         || lpad((row_number() over (partition by b.slug order by f.slug, v.packaging, v.size_ml))::text, 7, '0'))
from seed_variants v
join public.fragrances f on f.id = v.fragrance_id
join public.brands b on b.id = f.brand_id;
