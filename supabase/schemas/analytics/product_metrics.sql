-- Product metrics: materialized views over user data and prices, refreshed by
-- pg_cron (schedules in analytics/data.sql). Grain and refresh of each view
-- are in its comment and in docs/ANALYTICS.md.

create materialized view analytics.recommendation_daily as
select occurred_at::date as day,
       count(*) filter (where action = 'impression') as impressions,
       count(*) filter (where action = 'click') as clicks,
       count(*) filter (where action = 'accept') as accepts,
       count(*) filter (where action = 'dismiss') as dismisses,
       round(count(*) filter (where action = 'accept')::numeric / nullif(count(*) filter (where action = 'impression'), 0), 4) as acceptance_rate,
       count(distinct user_id) as users
from public.recommendation_events
group by 1;
comment on materialized view analytics.recommendation_daily is 'Grain: one row per day. Recommendation impressions, clicks, accepts, dismisses, acceptance rate (accepts / impressions), distinct users. Refreshed hourly.';
create unique index recommendation_daily_day_idx on analytics.recommendation_daily (day);
grant select on analytics.recommendation_daily to service_role;

create materialized view analytics.onboarding_funnel as
with steps as (
  select s.step, s.position from unnest(enum_range(null::public.onboarding_step)) with ordinality as s(step, position)
),
counts as (
  select st.step, st.position,
         count(a.user_id) as started,
         count(a.user_id) filter (where a.completed_at is not null) as completed
  from steps st left join public.onboarding_answers a on a.step = st.step
  group by st.step, st.position
)
select step, position, started, completed,
       round(completed::numeric / nullif(started, 0), 4) as completion_rate,
       round(completed::numeric / nullif(lag(completed) over (order by position), 0), 4) as conversion_from_previous
from counts;
comment on materialized view analytics.onboarding_funnel is 'Grain: one row per quiz step. Users who started and completed it, completion rate, and step-to-step conversion (completed / completed of the previous step). Refreshed hourly.';
create unique index onboarding_funnel_step_idx on analytics.onboarding_funnel (step);
grant select on analytics.onboarding_funnel to service_role;

create materialized view analytics.collection_pairs as
select a.fragrance_id as fragrance_a, b.fragrance_id as fragrance_b, count(*) as owners
from public.collection_entries a
join public.collection_entries b on b.user_id = a.user_id and b.fragrance_id > a.fragrance_id and b.status = 'owned'
where a.status = 'owned'
group by 1, 2
having count(*) >= 2;
comment on materialized view analytics.collection_pairs is 'Grain: one row per pair of fragrances (fragrance_a < fragrance_b) owned together by at least two users. Refreshed daily.';
create unique index collection_pairs_key_idx on analytics.collection_pairs (fragrance_a, fragrance_b);
grant select on analytics.collection_pairs to service_role;
create index collection_pairs_owners_idx on analytics.collection_pairs (owners desc);

create materialized view analytics.family_affinity as
with owner_families as (
  select distinct c.user_id, f.family_slug
  from public.collection_entries c join public.fragrances f on f.id = c.fragrance_id
  where c.status = 'owned' and f.family_slug is not null
),
totals as (select count(distinct user_id)::numeric as owners from owner_families),
per_family as (select family_slug, count(*) as users from owner_families group by 1)
select a.family_slug as family_a, b.family_slug as family_b, count(*) as users,
       round(count(*) * t.owners / (pa.users * pb.users), 4) as lift
from owner_families a
join owner_families b on b.user_id = a.user_id and b.family_slug >= a.family_slug
join per_family pa on pa.family_slug = a.family_slug
join per_family pb on pb.family_slug = b.family_slug
cross join totals t
group by a.family_slug, b.family_slug, t.owners, pa.users, pb.users;
comment on materialized view analytics.family_affinity is 'Grain: one row per pair of olfactive families (family_a <= family_b; equal = the family itself). Owners of both, and lift = P(both) / (P(a) P(b)) over users who own anything. Refreshed daily.';
create unique index family_affinity_key_idx on analytics.family_affinity (family_a, family_b);
grant select on analytics.family_affinity to service_role;

-- analytics.price_index_daily is a table the price-facts pipeline keeps (price_facts.sql).
