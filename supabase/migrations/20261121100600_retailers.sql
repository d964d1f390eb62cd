-- Retailers and their listings (the retailer's own SKU and title, matched to a variant).

create table public.retailers (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique constraint retailers_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null constraint retailers_name_not_blank check (btrim(name) <> ''),
  country text not null constraint retailers_country_iso3166 check (country ~ '^[A-Z]{2}$'),
  currency text not null references public.currencies (code),
  affiliate_network public.affiliate_network not null default 'none',
  feed_format public.feed_format not null default 'json',
  update_interval interval not null default '1 day'
    constraint retailers_update_interval_range check (update_interval between '5 minutes' and '30 days'),
  website text not null constraint retailers_website_url check (website ~ '^https://'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.retailers is 'Shops whose offers ScentMatch compares. Webhook secrets are not here: they live outside every API role''s reach.';
comment on column public.retailers.id is 'Public identifier.';
comment on column public.retailers.slug is 'Key used in the X-Retailer webhook header.';
comment on column public.retailers.name is 'Display name.';
comment on column public.retailers.country is 'ISO-3166 alpha-2 country the shop sells in.';
comment on column public.retailers.currency is 'Currency the shop quotes prices in.';
comment on column public.retailers.affiliate_network is 'Network the shop pays commissions through.';
comment on column public.retailers.feed_format is 'Format the shop sends its price feed in.';
comment on column public.retailers.update_interval is 'How often the feed is expected; a retailer silent for longer breaches its freshness SLA.';
comment on column public.retailers.website is 'Shop home page (https).';
comment on column public.retailers.active is 'Inactive retailers are kept for history but not shown.';
create index retailers_currency_idx on public.retailers (currency);
call private.make_catalog_table('public.retailers');

create table public.retailer_listings (
  id uuid primary key default gen_random_uuid(),
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  retailer_sku text not null constraint retailer_listings_sku_not_blank check (btrim(retailer_sku) <> ''),
  title text not null constraint retailer_listings_title_not_blank check (btrim(title) <> ''),
  url text not null constraint retailer_listings_url_format check (url ~ '^https?://'),
  affiliate_url text constraint retailer_listings_affiliate_url_format check (affiliate_url ~ '^https?://'),
  gtin text constraint retailer_listings_gtin_checksum check (public.is_valid_gtin(gtin)),
  variant_id uuid references public.variants (id) on delete set null,
  match_method public.match_method,
  match_confidence numeric(4, 3) constraint retailer_listings_match_confidence_range check (match_confidence between 0 and 1),
  status public.listing_status not null default 'unmatched',
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint retailer_listings_sku_unique unique (retailer_id, retailer_sku),
  constraint retailer_listings_match_consistent check (
    (status = 'matched') = (variant_id is not null and match_method is not null and match_confidence is not null)),
  constraint retailer_listings_seen_order check (last_seen_at >= first_seen_at)
);
comment on table public.retailer_listings is 'A retailer''s product as the retailer names it, and the variant it was matched to.';
comment on column public.retailer_listings.id is 'Public identifier.';
comment on column public.retailer_listings.retailer_id is 'The shop.';
comment on column public.retailer_listings.retailer_sku is 'The shop''s own product id; unique per retailer.';
comment on column public.retailer_listings.title is 'Raw title from the feed ("SAUVAGE EDP SPRAY 3.4 OZ").';
comment on column public.retailer_listings.url is 'Product page.';
comment on column public.retailer_listings.affiliate_url is 'Tracking link to the product page, when the network provides one.';
comment on column public.retailer_listings.gtin is 'GTIN from the feed, when valid.';
comment on column public.retailer_listings.variant_id is 'Matched variant; set exactly when status is matched.';
comment on column public.retailer_listings.match_method is 'How the match was made.';
comment on column public.retailer_listings.match_confidence is 'Confidence of the match, 0..1.';
comment on column public.retailer_listings.status is 'Where the listing is in matching.';
comment on column public.retailer_listings.first_seen_at is 'First time a feed contained it.';
comment on column public.retailer_listings.last_seen_at is 'Latest time a feed contained it.';
create index retailer_listings_variant_id_idx on public.retailer_listings (variant_id);
create index retailer_listings_gtin_idx on public.retailer_listings (gtin) where gtin is not null;
create index retailer_listings_needs_match_idx on public.retailer_listings (retailer_id, status) where status in ('unmatched', 'review');
call private.make_catalog_table('public.retailer_listings');
