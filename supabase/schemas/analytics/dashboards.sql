-- Dashboard RPCs: thin readers of the analytics views, for service_role only.

create or replace function public.dashboard_recommendations("from" date, "to" date default current_date)
returns setof analytics.recommendation_daily
language sql stable set search_path = ''
as $$ select * from analytics.recommendation_daily where day between "from" and "to" order by day $$;
comment on function public.dashboard_recommendations(date, date) is 'Daily recommendation acceptance between two days. service_role only.';

create or replace function public.dashboard_affiliate_ctr("from" date, "to" date default current_date, retailer_id uuid default null)
returns table (day date, retailer_id uuid, retailer text, impressions bigint, clicks bigint, clickers bigint, ctr numeric)
language sql stable set search_path = ''
as $$
  select c.day, c.retailer_id, r.slug, c.impressions, c.clicks, c.clickers, c.ctr
  from analytics.affiliate_ctr_daily c left join analytics.dim_retailer r on r.retailer_id = c.retailer_id
  where c.day between "from" and "to" and (dashboard_affiliate_ctr.retailer_id is null or c.retailer_id = dashboard_affiliate_ctr.retailer_id)
  order by c.day, r.slug
$$;
comment on function public.dashboard_affiliate_ctr(date, date, uuid) is 'Affiliate click-through rate by retailer and day. service_role only.';

create or replace function public.dashboard_onboarding_funnel()
returns setof analytics.onboarding_funnel
language sql stable set search_path = ''
as $$ select * from analytics.onboarding_funnel order by position $$;
comment on function public.dashboard_onboarding_funnel() is 'Onboarding funnel: started, completed and conversion per quiz step. service_role only.';

create or replace function public.dashboard_collection_pairs(k integer default 20)
returns table (fragrance_a uuid, name_a text, fragrance_b uuid, name_b text, owners bigint)
language sql stable set search_path = ''
as $$
  select p.fragrance_a, fa.name, p.fragrance_b, fb.name, p.owners
  from (select * from analytics.collection_pairs order by owners desc, fragrance_a, fragrance_b limit least(greatest(k, 1), 1000)) p
  join analytics.dim_fragrance fa on fa.fragrance_id = p.fragrance_a
  join analytics.dim_fragrance fb on fb.fragrance_id = p.fragrance_b
  order by p.owners desc, fa.name, fb.name
$$;
comment on function public.dashboard_collection_pairs(integer) is 'The k (1-1000) fragrance pairs most often owned together. service_role only.';

create or replace function public.dashboard_family_affinity()
returns setof analytics.family_affinity
language sql stable set search_path = ''
as $$ select * from analytics.family_affinity order by lift desc, family_a, family_b $$;
comment on function public.dashboard_family_affinity() is 'Olfactive families owned together, with lift. service_role only.';

create or replace function public.dashboard_price_index(fragrance_id uuid, "from" date, "to" date default current_date)
returns table (day date, fragrance_id uuid, median_per_100ml numeric, observations bigint, retailers bigint)
language sql stable set search_path = ''
as $$
  select p.day, p.fragrance_id, p.median_per_100ml, p.observations, p.retailers from analytics.price_index_daily p
  where p.fragrance_id = dashboard_price_index.fragrance_id and p.day between "from" and "to" order by p.day
$$;
comment on function public.dashboard_price_index(uuid, date, date) is 'Daily median price per 100 ml of a fragrance. service_role only.';

create or replace function public.dashboard_refreshes()
returns table (view text, populated boolean, last_refreshed_at timestamptz, last_status text, last_error text, rows bigint)
language sql stable set search_path = ''
as $$
  select v.view, v.populated, r.finished_at, r.status, r.error, r.rows_out
  from (
    select format('%I.%I', m.schemaname, m.matviewname) as view, m.ispopulated as populated, 'mv-refresh' as pipeline,
           format('%I.%I', m.schemaname, m.matviewname) as subject
    from pg_catalog.pg_matviews m where m.schemaname = 'analytics'
    -- tables kept incrementally by a pipeline of their own
    union all select 'analytics.affiliate_ctr_daily', true, 'affiliate-ctr', null
    union all select 'analytics.fact_price_daily', true, 'price-facts', null
    union all select 'analytics.price_index_daily', true, 'price-facts', null
  ) v
  left join lateral (select * from private.pipeline_runs r where r.pipeline = v.pipeline and r.subject is not distinct from v.subject
                     order by r.started_at desc limit 1) r on true
  order by 1
$$;
comment on function public.dashboard_refreshes() is 'Each analytics view (and table kept by a pipeline) with its latest refresh (time, status, error, rows). service_role only.';

-- service_role only.
revoke execute on function public.dashboard_recommendations(date, date) from public, anon, authenticated;
grant execute on function public.dashboard_recommendations(date, date) to service_role;
revoke execute on function public.dashboard_affiliate_ctr(date, date, uuid) from public, anon, authenticated;
grant execute on function public.dashboard_affiliate_ctr(date, date, uuid) to service_role;
revoke execute on function public.dashboard_onboarding_funnel() from public, anon, authenticated;
grant execute on function public.dashboard_onboarding_funnel() to service_role;
revoke execute on function public.dashboard_collection_pairs(integer) from public, anon, authenticated;
grant execute on function public.dashboard_collection_pairs(integer) to service_role;
revoke execute on function public.dashboard_family_affinity() from public, anon, authenticated;
grant execute on function public.dashboard_family_affinity() to service_role;
revoke execute on function public.dashboard_price_index(uuid, date, date) from public, anon, authenticated;
grant execute on function public.dashboard_price_index(uuid, date, date) to service_role;
revoke execute on function public.dashboard_refreshes() from public, anon, authenticated;
grant execute on function public.dashboard_refreshes() to service_role;
