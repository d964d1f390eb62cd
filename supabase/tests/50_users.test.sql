-- User data: the RLS matrix of every user table, profiles made by trigger,
-- recommendations, feedback, affiliate clicks, export and erase.
begin;
\ir helpers.sql
select plan(183);

-- Fixture: users A and B (profiles by trigger), D (an auth user whose profile service_role creates).
select tests.create_user('ann@example.com', 'aaaaaaaa-0000-0000-0000-000000000000', '{"name": "Ann"}'),
       tests.create_user('bob@example.com', 'bbbbbbbb-0000-0000-0000-000000000000'),
       tests.create_user('dee@example.com', 'dddddddd-0000-0000-0000-000000000000');
delete from public.profiles where id = 'dddddddd-0000-0000-0000-000000000000';
create function pg_temp.listing(network public.affiliate_network) returns uuid language sql as $$
  select l.id from public.retailer_listings l join public.retailers r on r.id = l.retailer_id
  where r.affiliate_network = network and l.status = 'matched' order by l.id limit 1 $$;
insert into public.collection_entries (user_id, fragrance_id, status, rating) values
  ('aaaaaaaa-0000-0000-0000-000000000000', tests.fragrance('dior-sauvage-edt'), 'owned', 5),
  ('aaaaaaaa-0000-0000-0000-000000000000', tests.fragrance('hermes-terre-d-hermes-edt'), 'owned', 4),
  ('bbbbbbbb-0000-0000-0000-000000000000', tests.fragrance('chanel-n-5-edp'), 'owned', null);
insert into public.onboarding_answers (user_id, step, answer, completed_at) values
  ('aaaaaaaa-0000-0000-0000-000000000000', 'families', '{"families": ["woody"]}', now()),
  ('aaaaaaaa-0000-0000-0000-000000000000', 'notes', '{"notes": ["vetiver"]}', null),
  ('bbbbbbbb-0000-0000-0000-000000000000', 'families', '{"families": ["floral"]}', now());
insert into public.recommendation_events (user_id, fragrance_id, action) values
  ('aaaaaaaa-0000-0000-0000-000000000000', tests.fragrance('chanel-n-5-edp'), 'impression'),
  ('bbbbbbbb-0000-0000-0000-000000000000', tests.fragrance('dior-sauvage-edt'), 'impression');
insert into public.affiliate_clicks (listing_id, retailer_id, user_id, session_id, redirect_url)
select pg_temp.listing('awin'), (select retailer_id from public.retailer_listings where id = pg_temp.listing('awin')), u, 'sess-' || left(u::text, 4), 'https://x.example/'
from unnest(array['aaaaaaaa-0000-0000-0000-000000000000', 'bbbbbbbb-0000-0000-0000-000000000000']::uuid[]) u;
insert into public.events (user_id, session_id, name, properties) values
  ('aaaaaaaa-0000-0000-0000-000000000000', 'sess-aaaa', 'app_opened', '{}'),
  ('bbbbbbbb-0000-0000-0000-000000000000', 'sess-bbbb', 'app_opened', '{}');

-- The RLS matrix: every user table x (anon, owner, another user, service_role) x (select, insert, update, delete).
select is(tests.try_as(who_role, who, format(stmt, tbl)), expected, format('%s: %s %s -> %s', tbl, who_name, action, expected))
from (values ('anon', null::uuid, 'anon'), ('authenticated', 'aaaaaaaa-0000-0000-0000-000000000000'::uuid, 'owner'),
             ('authenticated', 'bbbbbbbb-0000-0000-0000-000000000000'::uuid, 'another user'), ('service_role', null::uuid, 'service_role'))
       as roles(who_role, who, who_name)
join (values
  -- profiles: the owner reads and edits; rows come from the auth trigger (or service_role)
  ('public.profiles', 'select', 'select * from %s', 'denied', '1', '1', '2'),
  ('public.profiles', 'insert', $$insert into %s (id) values ('dddddddd-0000-0000-0000-000000000000')$$, 'denied', 'denied', 'denied', '1'),
  ('public.profiles', 'update', $$update %s set display_name = 'A' where id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', '1', '0', '1'),
  ('public.profiles', 'delete', $$delete from %s where id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  -- collection entries and onboarding answers: the owner does everything with their own rows
  ('public.collection_entries', 'select', 'select * from %s', 'denied', '2', '1', '3'),
  ('public.collection_entries', 'insert', $$insert into %s (user_id, fragrance_id, status) select 'aaaaaaaa-0000-0000-0000-000000000000', id, 'wishlist' from public.fragrances where slug = 'dior-sauvage-edp'$$, 'denied', '1', 'denied', '1'),
  ('public.collection_entries', 'update', $$update %s set rating = 3 where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', '2', '0', '2'),
  ('public.collection_entries', 'delete', $$delete from %s where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', '2', '0', '2'),
  ('public.onboarding_answers', 'select', 'select * from %s', 'denied', '2', '1', '3'),
  ('public.onboarding_answers', 'insert', $$insert into %s (user_id, step, answer) values ('aaaaaaaa-0000-0000-0000-000000000000', 'budget', '{"max_price": 120}')$$, 'denied', '1', 'denied', '1'),
  ('public.onboarding_answers', 'update', $$update %s set completed_at = now() where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', '2', '0', '2'),
  ('public.onboarding_answers', 'delete', $$delete from %s where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', '2', '0', '2'),
  -- recommendation events: the owner reads and appends; history is not edited
  ('public.recommendation_events', 'select', 'select * from %s', 'denied', '1', '1', '2'),
  ('public.recommendation_events', 'insert', $$insert into %s (user_id, fragrance_id, action) select 'aaaaaaaa-0000-0000-0000-000000000000', id, 'click' from public.fragrances where slug = 'chanel-n-5-edp'$$, 'denied', '1', 'denied', '1'),
  ('public.recommendation_events', 'update', $$update %s set action = 'accept' where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  ('public.recommendation_events', 'delete', $$delete from %s where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  -- affiliate clicks: written only by track_affiliate_click; the owner reads theirs
  ('public.affiliate_clicks', 'select', 'select * from %s', 'denied', '1', '1', '2'),
  ('public.affiliate_clicks', 'insert', $$insert into %s (listing_id, retailer_id, user_id, redirect_url) select id, retailer_id, 'aaaaaaaa-0000-0000-0000-000000000000', url from public.retailer_listings limit 1$$, 'denied', 'denied', 'denied', '1'),
  ('public.affiliate_clicks', 'update', $$update %s set redirect_url = 'https://evil.example/' where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  ('public.affiliate_clicks', 'delete', $$delete from %s where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  -- events: the owner reads and appends theirs; anon appends anonymous ones
  ('public.events', 'select', 'select * from %s', 'denied', '1', '1', '2'),
  ('public.events', 'insert', $$insert into %s (user_id, name) values ('aaaaaaaa-0000-0000-0000-000000000000', 'app_opened')$$, 'denied', '1', 'denied', '1'),
  ('public.events', 'update', $$update %s set name = 'x' where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1'),
  ('public.events', 'delete', $$delete from %s where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'$$, 'denied', 'denied', 'denied', '1')
) as m(tbl, action, stmt, e_anon, e_owner, e_other, e_service) on true
cross join lateral (select case who_name when 'anon' then e_anon when 'owner' then e_owner when 'another user' then e_other else e_service end as expected) x
order by tbl, action, who_name;

select is(tests.try_as('anon', null, $$insert into public.events (session_id, name) values ('s-1', 'offer_impression')$$), '1', 'anon may log an anonymous event');
select is(tests.try_as('anon', null, $$insert into public.events (user_id, name) values ('aaaaaaaa-0000-0000-0000-000000000000', 'x')$$), 'denied', 'anon may not log an event as a user');
select is(tests.try_as('anon', null, $$insert into public.events (name) values ('offer_impression')$$), 'denied', 'anon may not log an event without its session id');

-- Anonymous writes are bounded: in size, and per session, user and minute (PT429 over the limit).
select throws_ok($$insert into public.events (session_id, name, properties) values ('s-big', 'x', jsonb_build_object('blob', repeat('x', 5000)))$$,
  '23514', null, 'event properties over 4 KiB are refused');
update private.settings set value = '3' where key = 'events_per_minute_per_session';
update private.settings set value = '5' where key = 'events_per_minute_per_user';
select tests.authenticate_as_anon();
select lives_ok($$insert into public.events (session_id, name) select 's-rate', 'offer_impression' from generate_series(1, 3)$$,
  'a session may log up to its limit in a minute');
select throws_ok($$insert into public.events (session_id, name) values ('s-rate', 'offer_impression')$$, 'PT429', null,
  'one more event in that minute is refused with PT429 (HTTP 429)');
select lives_ok($$insert into public.events (session_id, name) values ('s-other', 'offer_impression')$$, 'another session has its own limit');
select throws_ok($$insert into public.events (session_id, name) select 's-bulk', 'x' from generate_series(1, 50)$$, 'PT429', null,
  'a bulk insert counts every row');
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select throws_ok($$insert into public.events (name) select 'app_opened' from generate_series(1, 6)$$, 'PT429', null, 'a signed-in user has a limit too');
select tests.authenticate_as_service_role();
select lives_ok($$insert into public.events (session_id, name) select 's-rate', 'import' from generate_series(1, 10)$$, 'service_role is not limited');
select tests.clear_authentication();
update private.settings set value = '2' where key = 'clicks_per_minute';
select tests.authenticate_as_anon();
select lives_ok(format($$select public.track_affiliate_click(%L, 's-clicks'), public.track_affiliate_click(%L, 's-clicks')$$,
  pg_temp.listing('cj'), pg_temp.listing('cj')), 'a session may click up to its limit');
select throws_ok(format($$select public.track_affiliate_click(%L, 's-clicks')$$, pg_temp.listing('cj')), 'PT429', null,
  'one more click in that minute is refused with PT429');
select tests.clear_authentication();
update private.settings set value = '30' where key = 'clicks_per_minute';
update private.settings set value = '120' where key = 'events_per_minute_per_session';
update private.settings set value = '300' where key = 'events_per_minute_per_user';
select ok(not has_table_privilege('anon', 'extensions.pg_stat_statements', 'select'), 'anon cannot read statement texts (pg_stat_statements)');
select ok(not has_table_privilege('authenticated', 'extensions.pg_stat_statements', 'select'), 'authenticated cannot read statement texts');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relispartition and c.relkind = 'r' and c.relname like 'events\_%' and n.nspname = 'private'),
          (select count(*)::int from pg_inherits where inhparent = 'public.events'::regclass), 'event partitions live in private, out of the API');
select ok(to_regclass('private.events_' || to_char(now() + interval '3 months', 'YYYY_MM')) is not null, 'event partitions exist three months ahead');
select is((select count(*)::int from cron.job where jobname in ('event-partitions', 'event-rollup')), 2, 'event partition and rollup jobs are scheduled');

-- Profiles by trigger; only granted private helpers are reachable.
select is((select display_name from public.profiles where id = 'aaaaaaaa-0000-0000-0000-000000000000'), 'Ann', 'a new auth user gets a profile with their name');
select is((select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'private' and has_function_privilege('anon', p.oid, 'execute')),
  array['deals_in_page_order', 'estimated_embeddings', 'facet_of', 'fragrance_facets', 'fragrances_named', 'gender_words_pattern', 'name_core', 'name_core_sql', 'name_matches', 'name_tokens',
        'number_words', 'read_name', 'scent_carriers', 'scent_words', 'search_arguments', 'search_boosts_sql', 'search_cards', 'search_filter_knn_sql', 'search_filter_sql', 'search_filters', 'search_keyword_sql',
        'search_knn_sql', 'search_name_sql', 'search_scent_sql', 'search_terms', 'search_trigram_sql', 'search_vector_sql', 'search_words',
        'take_rate_limit', 'track_affiliate_click'],
  'anon can execute only the private helpers of its RPCs (search and its name reading, deals, affiliate clicks)');
select throws_ok($$insert into public.onboarding_answers (user_id, step, answer) values ('bbbbbbbb-0000-0000-0000-000000000000', 'budget', '{"max_price": -3}')$$,
  '23514', null, 'a malformed onboarding answer is refused');
select throws_ok($$insert into public.collection_entries (user_id, fragrance_id, status, rating) values ('bbbbbbbb-0000-0000-0000-000000000000', tests.fragrance('dior-sauvage-edt'), 'owned', 6)$$,
  '23514', null, 'a rating outside 1-5 is refused');

-- Recommendations.
select ok(not has_function_privilege('anon', 'public.recommend_for_me(integer)', 'execute'), 'anon cannot ask for recommendations');
insert into public.fragrance_embeddings (fragrance_id, model, content_hash, embedding)
select d.fragrance_id, 'use-lite-512', d.content_hash,
       extensions.l2_normalize((select array_agg(case when i % 7 = abs(hashtext(coalesce(f.family_slug, ''))) % 7 then 0.3 else 0.01 end)::real[]
                                from generate_series(1, 512) i)::extensions.vector)
from public.fragrance_documents d join public.fragrances f on f.id = d.fragrance_id
on conflict (fragrance_id) do nothing;
insert into public.collection_entries (user_id, fragrance_id, status) values
  ('aaaaaaaa-0000-0000-0000-000000000000', tests.fragrance('lancome-la-vie-est-belle-edp'), 'disliked');
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
create temporary table recs as select * from public.recommend_for_me(20);
select is((select count(*)::int from recs), 20, 'recommend_for_me answers k fragrances');
select is((select count(*)::int from recs where fragrance_id in (select fragrance_id from public.collection_entries)), 0,
  'recommendations exclude owned and disliked fragrances');
select ok((select bool_and(reason <> '') from recs), 'every recommendation has a reason');
select ok((select count(*) > 0 from recs where reason ~ '^shares .+ with (Sauvage|Terre d''Hermès)$'), 'reasons name notes shared with a liked fragrance');
select ok((select min(score) = (select score from recs order by score limit 1) and max(score) = (select score from recs order by score desc limit 1) from recs),
  'scores are ordered');
select throws_ok($$select * from public.recommend_for_me(0)$$, '22023', null, 'k outside 1-100 is a clear error');
select is((select array_agg(fragrance_id order by fragrance_id) from public.recommend_for_me(5)),
          (select array_agg(fragrance_id order by fragrance_id) from public.recommend_for_me(5)), 'recommendations are deterministic');
select tests.authenticate_as('dddddddd-0000-0000-0000-000000000000'::uuid);
select is((select count(*)::int from public.recommend_for_me(5)), 5, 'a new user gets a cold-start answer');
select is((select reason from public.recommend_for_me(1)), 'owned by 1 ScentMatch user', 'the cold start favours what users own');
select tests.clear_authentication();  -- (every user's collection counts: read as the owner)
create temporary table whole_catalog_ordered as
select array(select f.id || ' ' || coalesce(o.owners, 0) from public.fragrances f
             left join (select c.fragrance_id, count(*) as owners from public.collection_entries c where c.status = 'owned' group by 1) o
               on o.fragrance_id = f.id
             where f.deleted_at is null
             order by coalesce(o.owners, 0) desc, f.launch_year nulls last, f.name, f.id limit 60) as page;
grant select on whole_catalog_ordered to authenticated;
select tests.authenticate_as('dddddddd-0000-0000-0000-000000000000'::uuid);
select is(array(select r.fragrance_id || ' ' || r.score from public.recommend_for_me(60) r), (select page from whole_catalog_ordered),
  'the cold start is the most-owned fragrances, then the earliest launched, as the whole catalog ordered so');
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);
select ok((select bool_and(reason = 'a floral fragrance, as you asked' or reason ~ '^(shares|has|close)') from public.recommend_for_me(5)),
  'onboarding families give reasons');
-- Picked notes alone: each pick has some, the more (up to three) the higher, and its reason names
-- two of them, most prominent first.
select tests.clear_authentication();
select tests.create_user('nora@example.com', 'eeeeeeee-0000-0000-0000-000000000000');
insert into public.onboarding_answers (user_id, step, answer) values
  ('eeeeeeee-0000-0000-0000-000000000000', 'notes', '{"notes": ["bergamot", "jasmine", "vetiver", "vanilla"]}');
select tests.authenticate_as('eeeeeeee-0000-0000-0000-000000000000'::uuid);
create temporary table note_recs as select * from public.recommend_for_me(10);
select tests.clear_authentication();
select is((select array_agg(r.score || ' ' || r.reason order by r.fragrance_id) from note_recs r),
          (select array_agg(round(0.1 * least(cardinality(p.names), 3), 4)::double precision || ' '
                            || format('has %s, which you picked', array_to_string(p.names[1:2], ' and ')) order by r.fragrance_id)
           from note_recs r cross join lateral (
             select array_agg(n.name order by n.tier, n.position) as names from (
               select distinct on (n.id) n.name, fn.tier, fn.position from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
               where fn.fragrance_id = r.fragrance_id and n.slug in ('bergamot', 'jasmine', 'vetiver', 'vanilla')
               order by n.id, fn.tier, fn.position) n) p),
  'picked notes: a pick scores 0.1 a picked note it has (up to three), and its reason names two of them, most prominent first');
select ok((select min(score) from note_recs) >= (select max(round(0.1 * least(c.n, 3), 4)::double precision) from (
             select count(distinct n.id) as n from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
             where n.slug in ('bergamot', 'jasmine', 'vetiver', 'vanilla') and fn.fragrance_id not in (select fragrance_id from note_recs)
             group by fn.fragrance_id) c),
  '... and no fragrance left out has more of them');
-- A note listed in two tiers (Phantom's and Libre's lavender, top and heart) is one picked note.
select tests.create_user('hal@example.com', 'ffffffff-0000-0000-0000-000000000004');
insert into public.onboarding_answers (user_id, step, answer) values ('ffffffff-0000-0000-0000-000000000004', 'notes', '{"notes": ["lavender"]}');
select tests.authenticate_as('ffffffff-0000-0000-0000-000000000004'::uuid);
select is((select array_agg(r.score || ' ' || r.reason order by r.name) from public.recommend_for_me(100) r
           where r.fragrance_id in (tests.fragrance('paco-rabanne-phantom-edt'), tests.fragrance('yves-saint-laurent-libre-edp'))),
          array['0.1 has Lavender, which you picked', '0.1 has Lavender, which you picked'],
  'a picked note listed in two tiers counts once, and is named once');
select tests.clear_authentication();
-- Equal scores and names go by id: eight "Twin"s, each owned by two users, lead a new user's cold start.
select tests.clear_authentication();
insert into public.brands (slug, name) select 'twin-house-' || i, 'Twin House ' || i from generate_series(1, 8) i;
insert into public.fragrances (brand_id, slug, name, concentration)
select b.id, 'twin-' || b.slug, 'Twin', 'edp' from public.brands b where b.slug like 'twin-house-%';
insert into public.collection_entries (user_id, fragrance_id, status)
select u, f.id, 'owned' from public.fragrances f,
  unnest(array['aaaaaaaa-0000-0000-0000-000000000000', 'bbbbbbbb-0000-0000-0000-000000000000']::uuid[]) u
where f.slug like 'twin-%';
select tests.authenticate_as('dddddddd-0000-0000-0000-000000000000'::uuid);
select is(array(select fragrance_id from public.recommend_for_me(8)),
          array(select id from public.fragrances where slug like 'twin-%' order by id),
          'equal scores and names go by id, so a page is the same on every call');
select tests.clear_authentication();
delete from public.fragrances where slug like 'twin-%';
delete from public.brands where slug like 'twin-house-%';
-- The nearest are 200, not the 40 an HNSW index answers by default: a user who only likes gets a
-- full page of 100 (the index is made to answer, even on this small catalog).
select tests.create_user('lia@example.com', 'ffffffff-0000-0000-0000-000000000001');
insert into public.collection_entries (user_id, fragrance_id, status) values
  ('ffffffff-0000-0000-0000-000000000001', tests.fragrance('dior-sauvage-edt'), 'owned'),
  ('ffffffff-0000-0000-0000-000000000001', tests.fragrance('chanel-n-5-edp'), 'wishlist');
select tests.authenticate_as('ffffffff-0000-0000-0000-000000000001'::uuid);
set local enable_seqscan = off;
set local enable_bitmapscan = off;
set local enable_sort = off;
discard plans;  -- (the earlier calls' plans, made without these settings)
select is((select count(*)::int from public.recommend_for_me(100)), 100, 'a user who only likes gets a full page of 100 from the 200 nearest');
reset enable_seqscan;
reset enable_bitmapscan;
reset enable_sort;
discard plans;
select tests.clear_authentication();
-- Candidates the answers bring are read and scored only when they can make the page: the pages
-- are the ones scoring every candidate gives (this catalog is under 200, so every fragrance is
-- among the nearest of a user who likes something), for users with likes, dislikes (by status
-- and by rating), families and notes in several mixes, at several k.
select tests.create_user('fay@example.com', 'ffffffff-0000-0000-0000-000000000002'),
       tests.create_user('gus@example.com', 'ffffffff-0000-0000-0000-000000000003');
insert into public.collection_entries (user_id, fragrance_id, status, rating) values
  ('ffffffff-0000-0000-0000-000000000002', tests.fragrance('dior-sauvage-edt'), 'disliked', null),
  ('ffffffff-0000-0000-0000-000000000003', tests.fragrance('chanel-n-5-edp'), 'tried', 2);
insert into public.onboarding_answers (user_id, step, answer) values
  ('ffffffff-0000-0000-0000-000000000002', 'families', '{"families": ["woody", "floral"]}'),
  ('ffffffff-0000-0000-0000-000000000003', 'notes', '{"notes": ["bergamot", "vanilla", "rose"]}');
create function pg_temp.every_candidate_scored(me uuid, k integer) returns text[] language sql as $$
  with mine as (
    select c.fragrance_id, (c.status <> 'disliked' and coalesce(c.rating, 3) >= 3) as likes from public.collection_entries c where c.user_id = me
  ), liked as (
    select extensions.avg(e.embedding) as v from mine m join public.fragrance_embeddings e on e.fragrance_id = m.fragrance_id where m.likes
  ), families as (
    select jsonb_array_elements_text(a.answer -> 'families') as slug from public.onboarding_answers a where a.user_id = me and a.step = 'families'
  ), picked as (
    select fn.fragrance_id, count(distinct nt.id)::int as n from public.fragrance_notes fn join public.notes nt on nt.id = fn.note_id
    where nt.slug in (select jsonb_array_elements_text(a.answer -> 'notes') from public.onboarding_answers a where a.user_id = me and a.step = 'notes')
    group by fn.fragrance_id
  ), scored as (
    select f.id, f.name, 1 - (e.embedding operator(extensions.<=>) (select v from liked)) as sim,
           coalesce((select max(1 - (e.embedding operator(extensions.<=>) d.embedding)) from mine m
                     join public.fragrance_embeddings d on d.fragrance_id = m.fragrance_id where not m.likes), 0) as dsim,
           coalesce(p.n, 0) as picked, f.family_slug in (select slug from families) as family_match
    from public.fragrances f
    left join public.fragrance_embeddings e on e.fragrance_id = f.id
    left join picked p on p.fragrance_id = f.id
    where f.deleted_at is null and f.id not in (select fragrance_id from mine)
      and ((select v from liked) is not null or p.n is not null or f.family_slug in (select slug from families))
  )
  select array_agg(s.id || ' ' || s.score order by s.score desc, s.name, s.id) from (
    select id, name, round((coalesce(sim, 0) - 0.5 * greatest(dsim - 0.5, 0) + 0.1 * least(picked, 3)
                            + case when family_match then 0.15 else 0 end)::numeric, 4)::double precision as score
    from scored order by 3 desc, name, id limit k) s
$$;
create temporary table every_candidate as
select u.id as user_id, k.k, pg_temp.every_candidate_scored(u.id, k.k) as page
from (values ('aaaaaaaa-0000-0000-0000-000000000000'::uuid), ('bbbbbbbb-0000-0000-0000-000000000000'),
             ('eeeeeeee-0000-0000-0000-000000000000'), ('ffffffff-0000-0000-0000-000000000002'),
             ('ffffffff-0000-0000-0000-000000000003')) u (id),
     (values (1), (3), (10), (40)) k (k);
grant select on every_candidate to authenticated;
create function pg_temp.recommended(me uuid) returns text[] language plpgsql as $$
declare
  pages text[] := '{}';
  k integer;
begin
  perform tests.authenticate_as(me);
  foreach k in array array[1, 3, 10, 40] loop
    pages := pages || coalesce((select array_agg(r.fragrance_id || ' ' || r.score order by r.score desc, r.name, r.fragrance_id)
                                from public.recommend_for_me(k) r), '{}')::text;
  end loop;
  perform tests.clear_authentication();
  return pages;
end;
$$;
select is(pg_temp.recommended(u.id), (select array_agg(coalesce(c.page, '{}')::text order by c.k) from every_candidate c where c.user_id = u.id), u.label)
from (values ('aaaaaaaa-0000-0000-0000-000000000000'::uuid, 'the same pages as scoring every candidate: likes, a dislike, a family and a note'),
             ('bbbbbbbb-0000-0000-0000-000000000000', '... a like and a family'),
             ('eeeeeeee-0000-0000-0000-000000000000', '... four notes'),
             ('ffffffff-0000-0000-0000-000000000002', '... a dislike and two families'),
             ('ffffffff-0000-0000-0000-000000000003', '... a dislike by rating and three notes')) u (id, label);
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);

-- Feedback.
select ok(public.record_recommendation_feedback(tests.fragrance('dior-sauvage-edp'), 'accept', '{"surface": "home"}') > 0, 'feedback is recorded');
select is((select user_id from public.recommendation_events where action = 'accept'), 'bbbbbbbb-0000-0000-0000-000000000000'::uuid, 'feedback belongs to the caller');
select tests.clear_authentication();
select tests.authenticate_as_anon();
select throws_ok($$select public.record_recommendation_feedback(tests.fragrance('dior-sauvage-edp'), 'accept')$$, '42501', null, 'anon cannot record feedback');

-- The collection RPCs: the caller's own entries, written through RLS and the table's checks.
select tests.clear_authentication();
select ok(not has_function_privilege('anon', 'public.my_collection()', 'execute'), 'anon cannot read a collection');
select ok(not has_function_privilege('anon', 'public.save_to_collection(uuid, public.collection_status, smallint, text)', 'execute'),
  'anon cannot save to a collection');
select tests.authenticate_as('bob@example.com');
select is((select (status, rating)::text from public.save_to_collection(tests.fragrance('dior-sauvage-edp'), 'wishlist')), '(wishlist,)',
  'save_to_collection adds an entry');
select is((select (status, rating)::text from public.save_to_collection(tests.fragrance('dior-sauvage-edp'), 'owned', 4::smallint)), '(owned,4)',
  'saving it again updates the entry');
select is((select array_agg(slug || ':' || status order by slug) from public.my_collection()),
  array['chanel-n-5-edp:owned', 'dior-sauvage-edp:owned'], 'my_collection lists the caller''s entries with their fragrances');
select throws_ok($$select public.save_to_collection(tests.fragrance('dior-sauvage-edp'), 'owned', 6::smallint)$$, '23514', null,
  'a rating outside 1-5 is refused');
select tests.authenticate_as('ann@example.com');
select ok(not exists (select from public.my_collection() where slug = 'dior-sauvage-edp' and status = 'owned' and rating = 4),
  'another user does not see the entry');
select tests.clear_authentication();

-- Affiliate clicks, anonymous and signed in; one sub-id parameter per network.
select is((select split_part(redirect_url, 'clickref=', 2) = click_id::text from public.track_affiliate_click(pg_temp.listing('awin'), 'sess-anon')), true,
  'Awin: clickref carries the click id');
select ok((select redirect_url ~ ('[?&]sid=' || click_id || '$') from public.track_affiliate_click(pg_temp.listing('cj'))), 'CJ: sid carries the click id');
select ok((select redirect_url ~ ('[?&]u1=' || click_id || '$') from public.track_affiliate_click(pg_temp.listing('rakuten'))), 'Rakuten: u1 carries the click id');
select ok((select redirect_url ~ ('[?&]subId1=' || click_id || '$') from public.track_affiliate_click(pg_temp.listing('impact'))), 'Impact: subId1 carries the click id');
select throws_ok(format($$select * from public.track_affiliate_click(%L)$$, gen_random_uuid()), 'PT404', null, 'an unknown listing is not found');
select throws_ok(format($$select * from public.track_affiliate_click(%L, %L)$$, pg_temp.listing('awin'), repeat('s', 200)), '22023', null, 'an overlong session id is a clear error');
select throws_ok(format($$select * from public.track_affiliate_click(%L, null, 'javascript:alert(1)')$$, pg_temp.listing('awin')), '22023', null, 'a non-http referrer is a clear error');
select tests.clear_authentication();
select is((select count(*)::int from public.affiliate_clicks where session_id = 'sess-anon' and user_id is null), 1, 'the anonymous click is recorded with its session');
select is(private.with_query_param('https://s.example/p?a=1#top', 'u1', 'X'), 'https://s.example/p?a=1&u1=X#top', 'the sub-id goes into the query, before the fragment');

-- Export.
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select * from public.track_affiliate_click(pg_temp.listing('awin'), 'sess-aaaa');
create temporary table export as select public.export_my_data() as doc;
select is((select doc #>> '{user,email}' from export), 'ann@example.com', 'export has the account');
select is((select jsonb_array_length(doc -> 'collection') from export), 3, 'export has every collection entry');
select is((select jsonb_array_length(doc -> 'onboarding') from export), 2, 'export has every onboarding answer');
select is((select jsonb_array_length(doc -> 'recommendation_events') from export), 1, 'export has the recommendation events');
select is((select jsonb_array_length(doc -> 'affiliate_clicks') from export), 2, 'export has the clicks');
select is((select jsonb_array_length(doc -> 'events') from export), 1, 'export has the events');
select ok((select not (doc::text like '%bbbbbbbb-0000%') from export), 'export holds nothing of another user');
select tests.clear_authentication();
select is((select count(*)::int from private.audit_log where action = 'account.export' and actor = 'aaaaaaaa-0000-0000-0000-000000000000'), 1, 'the export is audited');

-- Erase: no row anywhere names A afterwards; aggregates keep their counts.
create temporary table counts_before as
select (select count(*) from public.recommendation_events) as rec, (select count(*) from public.affiliate_clicks) as clicks, (select count(*) from public.events) as ev;
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select is((public.erase_my_account() ->> 'collection_entries')::int, 3, 'erase reports what it removed');
select tests.clear_authentication();
create function pg_temp.rows_naming(needle text) returns table (tbl text, n bigint) language plpgsql as $$
declare t record;
begin
  for t in select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p') and not c.relispartition and n.nspname in ('public', 'private', 'auth', 'analytics') loop
    tbl := t.name;
    execute format('select count(*) from %s x where x::text ilike %L', t.name, '%' || needle || '%') into n;
    if n > 0 then return next; end if;
  end loop;
end $$;
select is((select count(*)::int from pg_temp.rows_naming('aaaaaaaa-0000')), 0, 'after erase, no row holds the user''s id');
select is((select count(*)::int from pg_temp.rows_naming('ann@example.com')), 0, '... nor their email');
select is((select count(*)::int from pg_temp.rows_naming('sess-aaaa')), 0, '... nor their session ids');
select ok((select rec = (select count(*) from public.recommendation_events) and clicks = (select count(*) from public.affiliate_clicks)
                  and ev = (select count(*) from public.events) from counts_before), 'events, clicks and feedback stay, anonymized');
select is((select count(*)::int from private.audit_log where action = 'account.erase' and actor is null), 1, 'the erasure is audited without naming the user');
select is((select count(*)::int from public.profiles where id = 'bbbbbbbb-0000-0000-0000-000000000000'), 1, 'another user is untouched');
select tests.authenticate_as_anon();
select throws_ok($$select public.erase_my_account()$$, '42501', null, 'anon cannot erase');
select tests.clear_authentication();

-- The owner counts the cold start reads are kept as collections change (private.fragrance_owners).
create function pg_temp.counted_owners() returns text[] language sql as $$
  select array(select o.fragrance_id || ' ' || o.owners from private.fragrance_owners o order by 1) $$;
create function pg_temp.owned_entries() returns text[] language sql as $$
  select array(select c.fragrance_id || ' ' || count(*) from public.collection_entries c where c.status = 'owned' group by c.fragrance_id order by 1) $$;
create function pg_temp.owners_of(slug text) returns int language sql as $$
  select coalesce((select o.owners from private.fragrance_owners o where o.fragrance_id = tests.fragrance(slug)), 0) $$;
select is(pg_temp.counted_owners(), pg_temp.owned_entries(), 'the kept owner counts are the owned collection entries (seed, tests above, an erasure)');
create temporary table libre_owners as select pg_temp.owners_of('yves-saint-laurent-libre-edp') as n;
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);
select public.save_to_collection(tests.fragrance('yves-saint-laurent-libre-edp'), 'owned');
select tests.authenticate_as('ffffffff-0000-0000-0000-000000000002'::uuid);
select public.save_to_collection(tests.fragrance('yves-saint-laurent-libre-edp'), 'owned');
select tests.clear_authentication();
select is(pg_temp.owners_of('yves-saint-laurent-libre-edp'), (select n + 2 from libre_owners), 'saving a fragrance as owned adds an owner to its count');
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);
select public.save_to_collection(tests.fragrance('yves-saint-laurent-libre-edp'), 'tried');
select tests.authenticate_as('ffffffff-0000-0000-0000-000000000002'::uuid);
delete from public.collection_entries where fragrance_id = tests.fragrance('yves-saint-laurent-libre-edp');
select tests.clear_authentication();
select is(pg_temp.owners_of('yves-saint-laurent-libre-edp'), (select n from libre_owners),
  'an entry no longer owned, or deleted, takes its owner away (a count of none is no row: owners > 0)');
insert into public.brands (slug, name) values ('counted-house', 'Counted House');
insert into public.fragrances (brand_id, slug, name, concentration)
select b.id, 'counted-' || i, 'Counted ' || i, 'edp' from public.brands b, generate_series(1, 2) i where b.slug = 'counted-house';
insert into public.collection_entries (user_id, fragrance_id, status)
select u, f.id, 'owned' from public.fragrances f,
  unnest(array['bbbbbbbb-0000-0000-0000-000000000000', 'ffffffff-0000-0000-0000-000000000002', 'ffffffff-0000-0000-0000-000000000001']::uuid[]) u
where f.slug = 'counted-1' or f.slug = 'counted-2' and u <> 'ffffffff-0000-0000-0000-000000000001';
update public.collection_entries set status = 'wishlist'
where fragrance_id = tests.fragrance('counted-1') and user_id <> 'bbbbbbbb-0000-0000-0000-000000000000';
update public.collection_entries set fragrance_id = tests.fragrance('counted-2'), status = 'owned'
where fragrance_id = tests.fragrance('counted-1') and user_id = 'ffffffff-0000-0000-0000-000000000001';
select ok(pg_temp.counted_owners() = pg_temp.owned_entries()
          and pg_temp.owners_of('counted-1') = 1 and pg_temp.owners_of('counted-2') = 3,
  'statements of many entries keep the counts (status and fragrance changed)');
delete from public.fragrances where slug like 'counted-%';
delete from public.brands where slug = 'counted-house';
select is(pg_temp.counted_owners(), pg_temp.owned_entries(), 'a fragrance deleted with its owned entries leaves no count');

-- Audit of sensitive changes.
update private.settings set value = '0.6' where key = 'anomaly_jump_share';
select is((select count(*)::int from private.audit_log where action = 'setting.changed' and details ->> 'key' = 'anomaly_jump_share'), 1,
  'a settings change is audited');
update private.retailer_webhooks set previous_secret = secret, previous_valid_until = now() + interval '1 day', secret = 'whsec_rotated_for_test'
where retailer_id = (select id from public.retailers where slug = 'notino-de');
select is((select count(*)::int from private.audit_log where action = 'webhook.secret_rotated'), 1, 'a secret rotation is audited');
select ok((select bool_and(details::text not like '%whsec%') from private.audit_log), 'the audit log holds no secret');

truncate public.collection_entries;
select is(pg_temp.counted_owners(), '{}', 'emptying the collections (truncate) empties the counts');

select * from finish();
rollback;
