-- Fragrance images: a public Supabase Storage bucket that anyone reads and only service_role (which
-- bypasses row security) writes; each fragrance names its object in public.fragrances.image_path.
-- The bucket row is data (by hand in its migration); the policy is on Storage's own table.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('fragrance-images', 'fragrance-images', true, 5242880, array['image/jpeg', 'image/png', 'image/webp', 'image/avif'])
on conflict (id) do nothing;

-- Reading: anyone. Writing: no policy for anon or authenticated, so row security refuses them.
create policy "fragrance images are readable by everyone" on storage.objects
  for select to anon, authenticated using (bucket_id = 'fragrance-images');
