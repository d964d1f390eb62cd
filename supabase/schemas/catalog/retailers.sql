-- Retailers: the shops whose offers are compared (their webhook secrets: prices/retailer_webhooks.sql).

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
