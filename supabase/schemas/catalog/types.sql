-- Catalog vocabulary: enums for the closed domains (lookup tables hold the
-- editorial ones: lookups.sql).

create type public.concentration as enum
  ('extrait', 'parfum', 'edp', 'edt', 'edc', 'cologne', 'eau_fraiche', 'body_mist', 'perfume_oil', 'hair_mist');
comment on type public.concentration is 'Strength of a juice: extrait > parfum > edp > edt > edc; cologne, eau_fraiche, body_mist are lighter genres.';

create type public.gender as enum ('feminine', 'masculine', 'unisex');
comment on type public.gender is 'How a fragrance is marketed.';

create type public.packaging as enum ('retail', 'tester', 'unboxed', 'refill', 'travel', 'gift_set', 'sample');
comment on type public.packaging is 'How a variant is sold: retail box, tester, unboxed, refill, travel size, gift set, sample/vial.';

create type public.note_tier as enum ('top', 'heart', 'base');
comment on type public.note_tier is 'Level of a note in a fragrance pyramid.';

create type public.affiliate_network as enum ('awin', 'cj', 'rakuten', 'impact', 'none');
comment on type public.affiliate_network is 'Affiliate network a retailer pays through (decides the click-id parameter).';

create type public.feed_format as enum ('json', 'csv');
comment on type public.feed_format is 'Format of a retailer''s price feed.';

create type public.match_method as enum ('gtin', 'attributes', 'manual');
comment on type public.match_method is 'How a listing was matched to a variant: by GTIN, by brand/name/concentration/size/packaging similarity, or by a person.';

create type public.listing_status as enum ('unmatched', 'review', 'matched', 'rejected', 'inactive');
comment on type public.listing_status is 'unmatched: no candidate; review: a candidate below the auto-match threshold; matched; rejected: not a fragrance we carry; inactive: gone from the feed.';
