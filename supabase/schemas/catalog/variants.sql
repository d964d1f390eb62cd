-- Variants: a fragrance in a size and packaging, with an optional GTIN.

create table public.variants (
  id uuid primary key default gen_random_uuid(),
  fragrance_id uuid not null references public.fragrances (id) on delete cascade,
  size_ml numeric(7, 2) not null constraint variants_size_ml_positive check (size_ml > 0),
  packaging public.packaging not null default 'retail',
  quantity smallint not null default 1 constraint variants_quantity_positive check (quantity >= 1),
  gtin text unique constraint variants_gtin_checksum check (public.is_valid_gtin(gtin)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint variants_identity_unique unique (fragrance_id, size_ml, packaging, quantity)
);
comment on table public.variants is 'A sellable form of a fragrance: size, packaging and pack quantity ("3 x 20 ml refills").';
comment on column public.variants.id is 'Public identifier.';
comment on column public.variants.fragrance_id is 'The juice.';
comment on column public.variants.size_ml is 'Millilitres of one item (> 0).';
comment on column public.variants.packaging is 'retail, tester, unboxed, refill, travel, gift_set or sample.';
comment on column public.variants.quantity is 'Items sold together (3 for "3 x 20 ml").';
comment on column public.variants.gtin is 'GTIN-8/12/13/14 (EAN/UPC) with a valid check digit; unique.';
-- fragrance_id leads variants_identity_unique, which indexes the FK.
call private.make_catalog_table('public.variants',
  'exists (select from public.fragrances f where f.id = fragrance_id)');
