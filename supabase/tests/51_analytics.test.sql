-- Analytics: each materialized view's numbers on a fixture with known answers,
-- refresh jobs and their records, dashboard RPC access, event retention.
begin;
\ir helpers.sql
select plan(51);

-- Fixture: four users, three fragrances (woody, aromatic fougère, floral), two retailers.
insert into auth.users (id, email)
select ('0000000' || i || '-0000-0000-0000-000000000000')::uuid, format('u%s@example.com', i) from generate_series(1, 4) i;
create function pg_temp.u(i bigint) returns uuid language sql as $$ select ('0000000' || i || '-0000-0000-0000-000000000000')::uuid $$;
create function pg_temp.listing(retailer text, fragrance text) returns uuid language sql as $$
  select l.id from public.retailer_listings l join public.variants v on v.id = l.variant_id
  where l.retailer_id = tests.retailer(retailer) and v.fragrance_id = tests.fragrance(fragrance) and l.status = 'matched' order by l.id limit 1 $$;

-- Recommendations on 2026-02-03: 4 impressions, 1 click, 1 accept, 1 dismiss by 2 users.
insert into public.recommendation_events (user_id, fragrance_id, action, occurred_at)
select pg_temp.u(1 + i % 2), tests.fragrance('dior-sauvage-edt'), a::public.recommendation_action, '2026-02-03 12:00+00'
from unnest(array['impression', 'impression', 'impression', 'impression', 'click', 'accept', 'dismiss']) with ordinality as x(a, i);

-- Offers on 2026-02-03: 10 impressions and 2 clicks (a user and a session) at notino-de; 1 click, no impression, at fragrancenet.
insert into public.events (user_id, session_id, name, properties, occurred_at)
select null, 's-' || i, 'offer_impression', jsonb_build_object('retailer_id', tests.retailer('notino-de')), '2026-02-03 10:00+00' from generate_series(1, 10) i;
insert into public.affiliate_clicks (listing_id, retailer_id, user_id, session_id, redirect_url, clicked_at) values
  (pg_temp.listing('notino-de', 'dior-sauvage-edt'), tests.retailer('notino-de'), pg_temp.u(1), null, 'https://x.example/', '2026-02-03 11:00+00'),
  (pg_temp.listing('notino-de', 'dior-sauvage-edt'), tests.retailer('notino-de'), null, 's-7', 'https://x.example/', '2026-02-03 11:05+00'),
  (pg_temp.listing('fragrancenet', 'dior-sauvage-edt'), tests.retailer('fragrancenet'), null, 's-8', 'https://x.example/', '2026-02-03 11:10+00');

-- Onboarding: families 4 started / 4 completed, notes 3 / 2, occasions 2 / 1, budget none.
insert into public.onboarding_answers (user_id, step, answer, completed_at)
select pg_temp.u(i), 'families'::public.onboarding_step, '{"families": []}'::jsonb, now() from generate_series(1, 4) i
union all select pg_temp.u(i), 'notes', '{"notes": []}', case when i <= 2 then now() end from generate_series(1, 3) i
union all select pg_temp.u(i), 'occasions', '{"occasions": []}', case when i = 1 then now() end from generate_series(1, 2) i;

-- Collections: u1 owns all three, u2 Terre + Sauvage, u3 Terre + N°5 (and dislikes Sauvage).
insert into public.collection_entries (user_id, fragrance_id, status) values
  (pg_temp.u(1), tests.fragrance('hermes-terre-d-hermes-edt'), 'owned'), (pg_temp.u(1), tests.fragrance('dior-sauvage-edt'), 'owned'),
  (pg_temp.u(1), tests.fragrance('chanel-n-5-edp'), 'owned'),
  (pg_temp.u(2), tests.fragrance('hermes-terre-d-hermes-edt'), 'owned'), (pg_temp.u(2), tests.fragrance('dior-sauvage-edt'), 'owned'),
  (pg_temp.u(3), tests.fragrance('hermes-terre-d-hermes-edt'), 'owned'), (pg_temp.u(3), tests.fragrance('chanel-n-5-edp'), 'owned'),
  (pg_temp.u(3), tests.fragrance('dior-sauvage-edt'), 'disliked');

-- Prices on 2026-01-15 for Sauvage EDT: 10, 20 and 40 per 100 ml, and a flagged 1000 that must not count.
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count)
values (tests.retailer('notino-de'), repeat('c', 64), 'json', 4);
insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock, anomaly)
select pg_temp.listing(r, 'dior-sauvage-edt'), (select max(id) from private.ingest_batches), n, '2026-01-15 09:00+00', p, 'EUR', p, p, true, a
from (values ('notino-de', 1, 10, null), ('douglas-de', 2, 20, null), ('fragrancenet', 3, 40, null), ('notino-de', 4, 1000, 'jump')) v(r, n, p, a);

select is((select count(*)::int from (select private.refresh_materialized_view(format('%I.%I', schemaname, matviewname)::regclass) ->> 'status' as s
                                     from pg_matviews where schemaname = 'analytics') x where s = 'succeeded'),
          (select count(*)::int from pg_matviews where schemaname = 'analytics'), 'every analytics view refreshes');

select results_eq($$select impressions, clicks, accepts, dismisses, acceptance_rate, users from analytics.recommendation_daily where day = '2026-02-03'$$,
  $$values (4::bigint, 1::bigint, 1::bigint, 1::bigint, 0.2500, 2::bigint)$$, 'recommendation_daily: counts and acceptance rate');
-- affiliate_ctr_daily is a table the affiliate-ctr pipeline keeps: the fixture's day is long past, so its inserts marked it.
select is((select count(*)::int from private.affiliate_ctr_stale_days where day = '2026-02-03'), 1,
  'affiliate_ctr: an impression or click for a day before yesterday marks the day for the next run');
select is((private.run_pipeline('affiliate-ctr', 'private.rollup_affiliate_ctr') ->> 'status'), 'succeeded', 'affiliate_ctr: the pipeline runs');
select is((select count(*)::int from private.affiliate_ctr_stale_days), 0, 'affiliate_ctr: a run takes the marked days');
select results_eq($$select impressions, clicks, clickers, ctr from analytics.affiliate_ctr_daily where day = '2026-02-03' and retailer_id = tests.retailer('notino-de')$$,
  $$values (10::bigint, 2::bigint, 2::bigint, 0.2000)$$, 'affiliate_ctr_daily: clicks over impressions');
select results_eq($$select impressions, clicks, ctr from analytics.affiliate_ctr_daily where day = '2026-02-03' and retailer_id = tests.retailer('fragrancenet')$$,
  $$values (0::bigint, 1::bigint, null::numeric)$$, 'affiliate_ctr_daily: clicks without impressions have no CTR');
-- Only the days that can have changed are recomputed: with today's impressions in, a past day
-- nobody touched keeps what it holds (the value below is planted to show it); a marked day is
-- recomputed whole; `since` recomputes every day from it.
insert into public.events (session_id, name, properties)
values ('s-now', 'offer_impression', jsonb_build_object('retailer_id', tests.retailer('notino-de')));
select private.rollup_affiliate_ctr();
select is((select impressions from analytics.affiliate_ctr_daily where day = current_date and retailer_id = tests.retailer('notino-de')), 1::bigint,
  'affiliate_ctr: today''s impressions are in after a run');
update analytics.affiliate_ctr_daily set impressions = 999 where day = '2026-02-03' and retailer_id = tests.retailer('fragrancenet');
select private.rollup_affiliate_ctr();
select is((select impressions from analytics.affiliate_ctr_daily where day = '2026-02-03' and retailer_id = tests.retailer('fragrancenet')), 999::bigint,
  'affiliate_ctr: a run leaves the past days that no insert marked');
insert into public.events (session_id, name, properties, occurred_at)
values ('s-late', 'offer_impression', jsonb_build_object('retailer_id', tests.retailer('fragrancenet')), '2026-02-03 23:00+00');
select private.rollup_affiliate_ctr();
select results_eq($$select impressions, clicks from analytics.affiliate_ctr_daily where day = '2026-02-03' and retailer_id = tests.retailer('fragrancenet')$$,
  $$values (1::bigint, 1::bigint)$$, 'affiliate_ctr: a late impression marks its day, which is recomputed whole (the planted value is gone)');
update analytics.affiliate_ctr_daily set clicks = 0 where day = '2026-02-03' and retailer_id = tests.retailer('notino-de');
select private.rollup_affiliate_ctr('2026-02-01');
select is((select clicks from analytics.affiliate_ctr_daily where day = '2026-02-03' and retailer_id = tests.retailer('notino-de')), 2::bigint,
  'affiliate_ctr: since recomputes every day from it');
insert into public.events (session_id, name, properties, occurred_at)
values ('s-future', 'offer_impression', jsonb_build_object('retailer_id', tests.retailer('notino-de')), '2099-01-01 00:00+00');
select private.rollup_affiliate_ctr();
insert into public.events (session_id, name, properties)
values ('s-now-2', 'offer_impression', jsonb_build_object('retailer_id', tests.retailer('notino-de')));
select private.rollup_affiliate_ctr();
select is((select impressions from analytics.affiliate_ctr_daily where day = current_date and retailer_id = tests.retailer('notino-de')), 2::bigint,
  'affiliate_ctr: an event dated in the future does not move the window past today');
select results_eq($$select step::text, started, completed, conversion_from_previous from analytics.onboarding_funnel order by position$$,
  $$values ('families', 4::bigint, 4::bigint, null::numeric), ('notes', 3::bigint, 2::bigint, 0.5000), ('occasions', 2::bigint, 1::bigint, 0.5000),
           ('budget', 0::bigint, 0::bigint, 0.0000)$$, 'onboarding_funnel: step-to-step conversion');
select results_eq($$select owners from analytics.collection_pairs
                    where (fragrance_a, fragrance_b) in ((least(tests.fragrance('hermes-terre-d-hermes-edt'), tests.fragrance('dior-sauvage-edt')), greatest(tests.fragrance('hermes-terre-d-hermes-edt'), tests.fragrance('dior-sauvage-edt'))),
                                                         (least(tests.fragrance('hermes-terre-d-hermes-edt'), tests.fragrance('chanel-n-5-edp')), greatest(tests.fragrance('hermes-terre-d-hermes-edt'), tests.fragrance('chanel-n-5-edp'))))$$,
  $$values (2::bigint), (2::bigint)$$, 'collection_pairs: pairs owned together by two users');
select is((select count(*)::int from analytics.collection_pairs), 2, 'collection_pairs: a pair owned by one user only (or disliked) is not listed');
select results_eq($$select family_a, family_b, users, lift from analytics.family_affinity order by family_a, family_b$$,
  $$values ('aromatic-fougere', 'aromatic-fougere', 2::bigint, 1.5000), ('aromatic-fougere', 'floral', 1::bigint, 0.7500),
           ('aromatic-fougere', 'woody', 2::bigint, 1.0000), ('floral', 'floral', 2::bigint, 1.5000), ('floral', 'woody', 2::bigint, 1.0000),
           ('woody', 'woody', 3::bigint, 1.0000)$$, 'family_affinity: co-ownership and lift');
-- price_index_daily and fact_price_daily are tables the price-facts pipeline keeps; the fixture's insert marked its day.
select is((select count(*)::int from private.price_facts_stale where day = '2026-01-15'), 1,
  'price_facts: an insert of observations marks the days they fall on for the next run');
select is((private.run_pipeline('price-facts', 'private.rollup_price_facts') ->> 'status'), 'succeeded', 'price_facts: the pipeline runs');
select is((select count(*)::int from private.price_facts_stale), 0, 'price_facts: a run takes the marks');
select results_eq($$select median_per_100ml, observations, retailers from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt')$$,
  $$values (20.00, 3::bigint, 3::bigint)$$, 'price_index_daily: the median of unflagged prices');
select results_eq($$select sum(clicks), sum(signed_in_clicks) from analytics.fact_click_daily where date_key = 20260203$$,
  $$values (3::numeric, 1::numeric)$$, 'fact_click_daily: clicks by day, retailer and fragrance');
select results_eq($$select min(min_per_100ml_base), sum(observations) from analytics.fact_price_daily where date_key = 20260115 and fragrance_id = tests.fragrance('dior-sauvage-edt')$$,
  $$values (10::numeric, 3::numeric)$$, 'fact_price_daily: lowest unflagged price per listing and day');
select is((select count(*)::int from analytics.dim_date where date between '2020-01-01' and '2040-12-31'), 7671, 'dim_date covers 2020-2040 day by day');
select is((select date_key from analytics.dim_date where date = '2026-11-22'), 20261122, 'dim_date keys are YYYYMMDD');

-- Every view: unique index (so CONCURRENTLY), a cron job, a recorded refresh.
select is((select count(*)::int from pg_matviews m where schemaname = 'analytics'
           and not exists (select from pg_index i where i.indrelid = format('%I.%I', m.schemaname, m.matviewname)::regclass and i.indisunique)), 0,
  'every analytics view has a unique index');
select is((select count(*)::int from pg_matviews m where schemaname = 'analytics'
           and not exists (select from cron.job j where j.command = format($$select private.refresh_materialized_view('analytics.%s')$$, m.matviewname))), 0,
  'every analytics view has a refresh job');
select is((select count(*)::int from public.dashboard_refreshes() where last_status = 'succeeded' and last_refreshed_at is not null),
          (select count(*)::int + 3 from pg_matviews where schemaname = 'analytics'),
  'dashboard_refreshes reports each view''s last refresh, and the runs of the pipelines that keep the three tables');
select ok((select bool_and(details ->> 'concurrently' = 'true') from private.pipeline_runs where pipeline = 'mv-refresh' and subject like 'analytics.%'),
  'analytics views refresh concurrently');

-- Dashboard RPCs: service_role only, and they read the views.
select ok(not has_schema_privilege(r, 'analytics', 'usage'), format('%s cannot use schema analytics', r)) from unnest(array['anon', 'authenticated']) r;
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'public' and p.proname like 'dashboard\_%'
             and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))), 0,
  'no dashboard RPC is callable by anon or authenticated');
select tests.authenticate_as_service_role();
select is((select acceptance_rate from public.dashboard_recommendations('2026-02-01', '2026-02-28')), 0.2500, 'dashboard_recommendations');
select is((select ctr from public.dashboard_affiliate_ctr('2026-02-03', '2026-02-03', tests.retailer('notino-de'))), 0.2000, 'dashboard_affiliate_ctr');
select is((select array_agg(step::text order by position) from public.dashboard_onboarding_funnel()), array['families', 'notes', 'occasions', 'budget'], 'dashboard_onboarding_funnel');
select is((select count(*)::int from public.dashboard_collection_pairs(10)), 2, 'dashboard_collection_pairs');
select is((select lift from public.dashboard_family_affinity() limit 1), 1.5000, 'dashboard_family_affinity, highest lift first');
select is((select median_per_100ml from public.dashboard_price_index(tests.fragrance('dior-sauvage-edt'), '2026-01-01', '2026-01-31')), 20.00, 'dashboard_price_index');
select tests.clear_authentication();

-- price-facts recomputes only what can have changed: a day nobody marked keeps what it holds
-- (planted below to show it); a late observation marks its day, recomputed whole; a listing matched
-- to another fragrance moves, on every day, with both fragrances' index; a deleted one leaves;
-- today's prices are in after a run; `since` recomputes every day from it.
create temporary table moved as select pg_temp.listing('fragrancenet', 'dior-sauvage-edt') as id;
update analytics.price_index_daily set median_per_100ml = 999 where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt');
select private.rollup_price_facts();
select is((select median_per_100ml from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt')), 999::numeric,
  'price_facts: a run leaves the past days that nothing marked');
insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock)
values (pg_temp.listing('douglas-de', 'dior-sauvage-edt'), (select max(id) from private.ingest_batches), 5, '2026-01-15 18:00+00', 30, 'EUR', 30, 30, true);
select private.rollup_price_facts();
select results_eq($$select median_per_100ml, observations, retailers from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt')$$,
  $$values (25.00, 4::bigint, 3::bigint)$$, 'price_facts: a late observation marks its day, which is recomputed whole (the planted value is gone)');
create temporary table kept as select ctid::text as c from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt');
insert into private.price_facts_stale (day) values ('2026-01-15');
select private.rollup_price_facts();
select is((select ctid::text from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt')), (select c from kept),
  'price_facts: a marked day whose figures did not change is not rewritten');
update public.retailer_listings set variant_id = (select v.id from public.variants v where v.fragrance_id = tests.fragrance('chanel-n-5-edp') order by v.id limit 1)
where id = (select id from moved);
select private.rollup_price_facts();
select results_eq($$select median_per_100ml, observations, retailers from analytics.price_index_daily where day = '2026-01-15' and fragrance_id = tests.fragrance('dior-sauvage-edt')$$,
  $$values (20.00, 3::bigint, 2::bigint)$$, 'price_facts: a listing matched elsewhere leaves its old fragrance''s index');
select results_eq($$select p.median_per_100ml, p.observations, f.fragrance_id from analytics.price_index_daily p
                    join analytics.fact_price_daily f on f.date_key = 20260115 and f.listing_id = (select id from moved)
                    where p.day = '2026-01-15' and p.fragrance_id = tests.fragrance('chanel-n-5-edp')$$,
  $$values (40.00, 1::bigint, tests.fragrance('chanel-n-5-edp'))$$, 'price_facts: and joins its new fragrance''s index and facts');
delete from public.retailer_listings where id = (select id from moved);
select private.rollup_price_facts();
select is((select count(*)::int from analytics.price_index_daily where fragrance_id = tests.fragrance('chanel-n-5-edp') and day = '2026-01-15')
          + (select count(*)::int from analytics.fact_price_daily where listing_id = (select id from moved)), 0,
  'price_facts: a deleted listing leaves the facts and the index');
insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, price_per_100ml_base, in_stock)
values (pg_temp.listing('notino-de', 'dior-sauvage-edt'), (select max(id) from private.ingest_batches), 6, now(), 0.50, 'EUR', 0.50, 0.50, true);
select private.rollup_price_facts();
select is((select min_price_base from analytics.fact_price_daily where date_key = to_char(now(), 'YYYYMMDD')::int
           and listing_id = pg_temp.listing('notino-de', 'dior-sauvage-edt')), 0.50,
  'price_facts: today''s prices are in after a run');
update analytics.fact_price_daily set observations = 99 where date_key = 20260115;
select private.rollup_price_facts('2026-01-01');
select is((select sum(observations)::int from analytics.fact_price_daily where date_key = 20260115), 3,
  'price_facts: since recomputes every day from it');
select ok((select array['2026-01-15'::date, date_trunc('month', now())::date, (date_trunc('month', now()) + interval '1 month - 1 day')::date]
                  <@ array_agg(d) from private.price_observation_days('-infinity') d),
  'price_facts: the days from -infinity are those of the default partition''s rows and every day of each monthly partition');
create temporary table facts_right as select * from analytics.fact_price_daily where date_key in (20260115, to_char(now(), 'YYYYMMDD')::int);
update analytics.fact_price_daily set observations = 99 where date_key in (20260115, to_char(now(), 'YYYYMMDD')::int);
select private.rollup_price_facts('-infinity');
select set_eq($$select date_key, listing_id, observations from analytics.fact_price_daily where date_key in (20260115, to_char(now(), 'YYYYMMDD')::int)$$,
  $$select date_key, listing_id, observations from facts_right$$,
  'price_facts: a run from -infinity recomputes every month, one after the other');

-- Event retention: a partition past the horizon becomes daily counts, then goes.
select private.ensure_monthly_partitions('public.events', 2, 0);
insert into public.events (session_id, name, occurred_at)
select 's-' || (i % 3), 'app_opened', date_trunc('month', now() - interval '2 months') + interval '1 day' from generate_series(1, 5) i;
update private.settings set value = '0' where key = 'event_retention_days';
create temporary table rolled as select private.run_pipeline('event-rollup', 'private.rollup_events') as r;
select ok((select (r #>> '{result}')::int >= 1 from rolled), 'the rollup drops partitions past the horizon');
select results_eq($$select events, sessions from analytics.event_daily where name = 'app_opened' and day = (date_trunc('month', now() - interval '2 months') + interval '1 day')::date$$,
  $$values (5::bigint, 3::bigint)$$, 'their events are kept as daily counts');
select ok(to_regclass('private.events_' || to_char(now() - interval '2 months', 'YYYY_MM')) is null, 'the rolled-up partition is dropped');
select is((select status from private.pipeline_runs where pipeline = 'event-rollup' order by id desc limit 1), 'succeeded', 'the rollup is a recorded run');

select * from finish();
rollback;
