-- Fragrance images: the public fragrance-images bucket (anyone reads, only service_role writes) and
-- the object path each fragrance holds.
begin;
\ir helpers.sql
select plan(11);

select is((select (public, file_size_limit, allowed_mime_types)::text from storage.buckets where id = 'fragrance-images'),
  '(t,5242880,"{image/jpeg,image/png,image/webp,image/avif}")', 'the fragrance-images bucket is public, images only, at most 5 MiB');

-- An object of this bucket and one of a private bucket.
insert into storage.buckets (id, name) values ('private-test', 'private-test');
insert into storage.objects (bucket_id, name) values ('fragrance-images', 'dior/sauvage-edp.webp'), ('private-test', 'secret.webp');
select is(tests.try_as('service_role', null, $$insert into storage.objects (bucket_id, name) values ('fragrance-images', 'chanel/n-5-edp.webp')$$),
  '1', 'service_role writes images (it bypasses row security)');
select is(tests.try_as('anon', null, $$select * from storage.objects where bucket_id = 'fragrance-images'$$), '1', 'anon reads the bucket''s objects');
select is(tests.try_as('authenticated', gen_random_uuid(), $$select * from storage.objects where bucket_id = 'fragrance-images'$$), '1',
  'a signed-in user reads them too');
select is(tests.try_as('anon', null, $$select * from storage.objects where bucket_id = 'private-test'$$), '0', 'the policy opens this bucket only');
select is(tests.try_as(r, case when r = 'authenticated' then gen_random_uuid() end,
  $$insert into storage.objects (bucket_id, name) values ('fragrance-images', 'evil/x.webp')$$), 'denied', format('%s cannot upload an image', r))
from unnest(array['anon', 'authenticated']) as r;
select is(tests.try_as('authenticated', gen_random_uuid(), $$delete from storage.objects where bucket_id = 'fragrance-images'$$), '0',
  'nor delete one (row security shows it nothing to delete)');

-- The object path a fragrance holds.
update public.fragrances set image_path = 'dior/sauvage-edp.webp' where slug = 'dior-sauvage-edp';
select is((select image_path from public.fragrances where slug = 'dior-sauvage-edp'), 'dior/sauvage-edp.webp', 'a fragrance holds its image''s object path');
select throws_ok($$update public.fragrances set image_path = '../other-bucket/x.webp' where slug = 'dior-sauvage-edp'$$, '23514', null,
  'a path may not leave its folder');
select throws_ok($$update public.fragrances set image_path = 'dior/sauvage.gif' where slug = 'dior-sauvage-edp'$$, '23514', null,
  'an image is jpeg, png, webp or avif');

select * from finish();
rollback;
