-- Affiliate clicks: every click on an offer (anon too), and the RPC that records
-- one and answers the retailer URL with the network's click id.

create table public.affiliate_clicks (
  id uuid primary key default gen_random_uuid(),
  listing_id uuid not null references public.retailer_listings (id) on delete cascade,
  retailer_id uuid not null references public.retailers (id) on delete cascade,
  user_id uuid references public.profiles (id) on delete set null,
  session_id text constraint affiliate_clicks_session_id_length check (length(session_id) between 1 and 128),
  referrer text constraint affiliate_clicks_referrer_format check (referrer ~ '^https?://' and length(referrer) <= 2048),
  redirect_url text not null,
  clicked_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.affiliate_clicks is 'One row per click out to a retailer; the id is the click id sent to the affiliate network. Written by track_affiliate_click only.';
comment on column public.affiliate_clicks.id is 'Click id, passed to the network (clickref, sid, u1, subId1).';
comment on column public.affiliate_clicks.listing_id is 'The listing clicked.';
comment on column public.affiliate_clicks.retailer_id is 'Its retailer. Denormalized: from retailer_listings.retailer_id, for per-retailer analytics without a join.';
comment on column public.affiliate_clicks.user_id is 'Signed-in user (null for anonymous clicks and once the account is erased).';
comment on column public.affiliate_clicks.session_id is 'The app''s anonymous session id (nulled when the account is erased).';
comment on column public.affiliate_clicks.referrer is 'Page the click came from.';
comment on column public.affiliate_clicks.redirect_url is 'Where the user was sent, with the click id.';
comment on column public.affiliate_clicks.clicked_at is 'When.';
create index affiliate_clicks_listing_id_idx on public.affiliate_clicks (listing_id);
create index affiliate_clicks_retailer_id_idx on public.affiliate_clicks (retailer_id, clicked_at);
create index affiliate_clicks_user_id_idx on public.affiliate_clicks (user_id);
create index affiliate_clicks_clicked_at_idx on public.affiliate_clicks (clicked_at);
call private.make_user_table('public.affiliate_clicks', 'user_id', array['select']);



/** A URL with one more query parameter (before any #fragment). */
create or replace function private.with_query_param(url text, param text, value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when position('#' in url) > 0
              then private.with_query_param(split_part(url, '#', 1), param, value) || '#' || substr(url, position('#' in url) + 1)
              else url || case when position('?' in url) > 0 then '&' else '?' end || param || '=' || value end
$$;
comment on function private.with_query_param(text, text, text) is 'Appends param=value to a URL''s query string (value must be URL-safe).';
revoke execute on function private.with_query_param(text, text, text) from public;

/** Records a click out to a retailer and returns the redirect URL carrying the click id (security definer: anon may not write clicks directly). */
create or replace function private.track_affiliate_click(listing_id uuid, session_id text, referrer text)
returns table (click_id uuid, redirect_url text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target record;
  click uuid := gen_random_uuid();
  url text;
begin
  if session_id is not null and length(session_id) not between 1 and 128 then
    raise exception 'session_id must be 1 to 128 characters' using errcode = '22023';
  end if;
  if referrer is not null and (referrer !~ '^https?://' or length(referrer) > 2048) then
    raise exception 'referrer must be an http(s) URL of at most 2048 characters' using errcode = '22023';
  end if;
  -- A click is counted against its user's or session's per-minute limit (session-less anonymous
  -- clicks share one); PT429 over it.
  perform private.take_rate_limit(
    case when auth.uid() is not null then 'clicks:user:' || auth.uid()::text
         when session_id is not null then 'clicks:session:' || session_id
         else 'clicks:anon' end,
    'clicks_per_minute');
  select l.id, l.retailer_id, coalesce(l.affiliate_url, l.url) as url, r.affiliate_network into target
  from public.retailer_listings l join public.retailers r on r.id = l.retailer_id
  where l.id = track_affiliate_click.listing_id and r.active and l.status = 'matched';
  if not found then
    raise exception 'no active listing %', listing_id using errcode = 'PT404';  -- HTTP 404 through PostgREST
  end if;
  url := case target.affiliate_network
    when 'awin' then private.with_query_param(target.url, 'clickref', click::text)
    when 'cj' then private.with_query_param(target.url, 'sid', click::text)
    when 'rakuten' then private.with_query_param(target.url, 'u1', click::text)
    when 'impact' then private.with_query_param(target.url, 'subId1', click::text)
    else target.url
  end;
  insert into public.affiliate_clicks (id, listing_id, retailer_id, user_id, session_id, referrer, redirect_url)
  values (click, target.id, target.retailer_id,
          (select p.id from public.profiles p where p.id = auth.uid()), session_id, referrer, url);
  return query select click, url;
end;
$$;
comment on function private.track_affiliate_click(uuid, text, text) is 'Records an affiliate click (see public.track_affiliate_click).';
revoke execute on function private.track_affiliate_click(uuid, text, text) from public;
grant execute on function private.track_affiliate_click(uuid, text, text) to anon, authenticated;

create or replace function public.track_affiliate_click(listing_id uuid, session_id text default null, referrer text default null)
returns table (click_id uuid, redirect_url text)
language sql
set search_path = ''
as $$ select * from private.track_affiliate_click(listing_id, session_id, referrer) $$;
comment on function public.track_affiliate_click(uuid, text, text) is
  'Records a click on a listing (signed in or anonymous, with the app''s session id) and returns the URL to redirect to, carrying the click id in the network''s sub-id parameter: Awin clickref, CJ sid, Rakuten u1, Impact subId1.';
grant execute on function public.track_affiliate_click(uuid, text, text) to anon, authenticated;
