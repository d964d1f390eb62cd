-- Price alerts: owner-only alerts made through RPCs with their rules and limit, fired by the prices
-- that change (and by the sweep), once per price event, with a cool-down unless a new low; the
-- outbox of notifications and its delivery bookkeeping; export and erase.
begin;
\ir helpers.sql
select plan(71);

select tests.create_user('ann@example.com', 'aaaaaaaa-0000-0000-0000-000000000000'),
       tests.create_user('bob@example.com', 'bbbbbbbb-0000-0000-0000-000000000000');

-- A fragrance of its own, in 50 and 100 ml, each listed once at Notino; prices through private.apply_offers.
insert into public.fragrances (id, brand_id, slug, name, concentration)
select '00000000-0000-4000-8000-0000000a1e57', brand_id, 'alert-test-edp', 'Alert Test', 'edp' from public.fragrances where slug = 'dior-sauvage-edp';
create temporary table bottle (size_ml numeric primary key, variant_id uuid, listing_id uuid);
insert into bottle (size_ml) values (50), (100);
with v as (insert into public.variants (fragrance_id, size_ml, packaging)
           select '00000000-0000-4000-8000-0000000a1e57', b.size_ml, 'retail' from bottle b returning id, size_ml)
update bottle b set variant_id = v.id from v where v.size_ml = b.size_ml;
with l as (insert into public.retailer_listings (retailer_id, retailer_sku, title, url, variant_id, match_method, match_confidence, status)
           select tests.retailer('notino-de'), 'ALERT-' || b.size_ml, 'Alert Test EDP ' || b.size_ml || ' ml', 'https://shop.example/a' || b.size_ml,
                  b.variant_id, 'manual', 1, 'matched' from bottle b returning id, retailer_sku)
update bottle b set listing_id = l.id from l where l.retailer_sku = 'ALERT-' || b.size_ml;
grant select on bottle to authenticated, service_role;
insert into private.ingest_batches (retailer_id, payload_hash, content_type, row_count) values (tests.retailer('notino-de'), repeat('a', 64), 'json', 0);

/** A reviewed price of a bottle, minutes_ago minutes ago (EUR): what a price batch makes current. */
create function pg_temp.price(size numeric, price numeric, minutes_ago numeric, in_stock boolean default true) returns void
language sql as $$
  select private.apply_offers((select max(id) from private.ingest_batches), jsonb_build_array(jsonb_build_object(
    'listing_id', b.listing_id, 'variant_id', b.variant_id, 'price', price, 'currency', 'EUR', 'price_base', price,
    'price_per_100ml_base', round(price * 100 / b.size_ml, 2), 'in_stock', in_stock, 'observed_at', now() - minutes_ago * interval '1 minute')))
  from bottle b where b.size_ml = size
$$;
create function pg_temp.told(kind public.price_alert_kind) returns bigint language sql as $$
  select count(*) from public.alert_notifications n join public.price_alerts a on a.id = n.alert_id
  where a.fragrance_id = '00000000-0000-4000-8000-0000000a1e57' and a.kind = told.kind $$;
select pg_temp.price(50, 60, 600), pg_temp.price(100, 100, 600);

-- Creating alerts ---------------------------------------------------------------------------
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below', 90)$$,
  '42501', null, 'anon cannot create an alert');
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
create temporary table made as
select * from public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below', target => 90, variant_id => (select variant_id from bottle where size_ml = 100));
insert into made select * from public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'drop_pct', drop_pct => 20);
insert into made select * from public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'back_in_stock', variant_id => (select variant_id from bottle where size_ml = 100));
insert into made select * from public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'per_100ml_below', target => 80, currency => 'usd');
select is((select count(*)::int from made where user_id = 'aaaaaaaa-0000-0000-0000-000000000000'), 4, 'a signed-in user creates alerts of every kind, as their own');
select is((select reference_price_base from made where kind = 'drop_pct'), 60.00::numeric(12, 2), 'a drop is measured from the best price when the alert was set');
select is((select armed from made where kind = 'back_in_stock'), false, 'a back-in-stock alert set while in stock waits for it to go out first');
select is((select currency from made where kind = 'per_100ml_below'), 'USD', 'the currency is the user''s, upper-cased');
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below', variant_id => (select id from public.variants where fragrance_id <> '00000000-0000-4000-8000-0000000a1e57' limit 1), target => 5)$$,
  '22023', null, 'a variant of another fragrance is refused');
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below', target => 5, currency => 'XYZ')$$,
  '22023', null, 'an unknown currency is refused');
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below')$$,
  '23514', null, 'a price alert without a target is refused');
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'drop_pct', drop_pct => 120)$$,
  '23514', null, 'a drop of 100 % or more is refused');
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'price_below', target => 1, variant_id => gen_random_uuid())$$,
  '22023', null, 'an unknown variant is refused');
select tests.clear_authentication();
update private.settings set value = '4' where key = 'price_alerts_per_user';
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select throws_ok($$select public.create_price_alert('00000000-0000-4000-8000-0000000a1e57', 'back_in_stock')$$,
  'P0001', 'at most 4 price alerts per user', 'a user holds at most price_alerts_per_user alerts');
select is((select count(*)::int from public.my_price_alerts()), 4, 'my_price_alerts lists the caller''s alerts');
select is((select best_price from public.my_price_alerts() where kind = 'drop_pct'), 60.00::numeric, '... each with today''s best price');
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);
select is((select count(*)::int from public.my_price_alerts()), 0, 'another user sees none of them');
select throws_ok(format($$select public.pause_price_alert(%L)$$, (select id from made where kind = 'drop_pct')), 'PT404', null,
  'another user cannot pause them');
select is(public.delete_price_alert((select id from made where kind = 'drop_pct')), false, 'nor delete them');
select tests.clear_authentication();
update private.settings set value = '50' where key = 'price_alerts_per_user';

-- Firing ------------------------------------------------------------------------------------
select pg_temp.price(100, 95, 300);
select is(pg_temp.told('price_below'), 0::bigint, 'a price above the target tells nothing');
select pg_temp.price(100, 88, 200);
select is(pg_temp.told('price_below'), 1::bigint, 'the batch that brings the price to the target fires the alert');
select is((select n.payload - 'alert_id' - 'observed_at' from public.alert_notifications n join made m on m.id = n.alert_id where m.kind = 'price_below'),
  jsonb_build_object('type', 'price_alert', 'kind', 'price_below',
    'fragrance', jsonb_build_object('id', '00000000-0000-4000-8000-0000000a1e57', 'slug', 'alert-test-edp', 'name', 'Alert Test', 'brand', 'Dior'),
    'variant', jsonb_build_object('id', (select variant_id from bottle where size_ml = 100), 'size_ml', 100, 'packaging', 'retail'),
    'retailer', (select name from public.retailers where slug = 'notino-de'), 'url', 'https://shop.example/a100',
    'price', 88.00, 'price_per_100ml', 88.00, 'currency', 'EUR'),
  'the notification names the fragrance, the bottle, the shop and its link, and the price in the alert''s currency');
select pg_temp.price(100, 88, 100);
select is(pg_temp.told('price_below'), 1::bigint, 'the same price confirmed again is the same price event: not told twice');
select is(private.sweep_price_alerts(), 0, 'the sweep finds nothing more to tell');
select pg_temp.price(100, 89, 90), pg_temp.price(100, 88.5, 80);
select is(pg_temp.told('price_below'), 1::bigint, 'a new price event within the cool-down that is no new low waits');
select pg_temp.price(100, 87, 70);
select is(pg_temp.told('price_below'), 2::bigint, 'a new low fires within the cool-down');
update public.price_alerts set last_fired_at = now() - interval '25 hours' where id = (select id from made where kind = 'price_below');
select pg_temp.price(100, 89.5, 60);
select is(pg_temp.told('price_below'), 3::bigint, 'after the cool-down a new price event under the target fires again');
select is(pg_temp.told('per_100ml_below'), 0::bigint, '120 EUR per 100 ml is not under 80 USD');
select pg_temp.price(50, 30, 55);
select is(pg_temp.told('per_100ml_below'), 1::bigint, 'a per-100-ml alert watches every size: the 50 ml at 60 EUR/100 ml fires it');
select is(pg_temp.told('drop_pct'), 1::bigint, 'a drop of 50 % from 60 fires a 20 % drop alert');

-- Back in stock, and pausing.
select pg_temp.price(100, 89.5, 50, false);
select is((select armed from public.price_alerts where id = (select id from made where kind = 'back_in_stock')), true,
  'out of stock, a back-in-stock alert is armed');
select pg_temp.price(100, 89.5, 40);
select is(pg_temp.told('back_in_stock'), 1::bigint, 'back in stock, it fires');
select is((select armed from public.price_alerts where id = (select id from made where kind = 'back_in_stock')), false, '... and waits for the next time out');
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select is((public.pause_price_alert((select id from made where kind = 'per_100ml_below'))).paused, true, 'the owner pauses an alert');
select tests.clear_authentication();
select pg_temp.price(50, 20, 30);
select is(pg_temp.told('per_100ml_below'), 1::bigint, 'a paused alert is not evaluated (a new low tells nothing)');
select is(pg_temp.told('drop_pct'), 2::bigint, 'while the others still fire');

-- The outbox and its delivery --------------------------------------------------------------
select ok(exists (select from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'alert_notifications'),
  'notifications are published on Realtime');
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select is((select count(*)::int from public.my_alert_notifications()), 7, 'the owner reads their notifications');
select is((select count(*)::int from public.my_alert_notifications(page_size => 2, before_id => (select max(id) from public.alert_notifications))), 2,
  '... paged, newest first');
select throws_ok($$select public.set_notification_webhook('http://127.0.0.1:9/hook')$$, '22023', 'url must be https', 'a webhook must be https');
select throws_ok($$select public.set_notification_webhook('javascript:alert(1)')$$, '22023', null, 'a webhook must be a URL');
select ok(public.set_notification_webhook('https://hooks.example/ann') ~ '^whsec_[0-9a-f]{48}$', 'setting a webhook returns its signing secret, once');
select tests.authenticate_as('bbbbbbbb-0000-0000-0000-000000000000'::uuid);
select is((select count(*)::int from public.my_alert_notifications()), 0, 'another user reads none');
select tests.clear_authentication();
select ok(not has_table_privilege('authenticated', 'private.notification_webhooks', 'select'), 'no user reads a webhook secret back');
select ok(not has_function_privilege('authenticated', 'private.claim_notifications(integer)', 'execute'), 'only notify claims notifications');

select tests.authenticate_as_service_role();
create temporary table claimed as select * from private.claim_notifications(4);
select is((select count(*)::int from claimed), 4, 'notify claims due notifications of users with a webhook');
select is((select count(distinct (url, secret))::int from claimed where url = 'https://hooks.example/ann' and secret like 'whsec_%'), 1, '... with the URL and secret to sign with');
select is((select count(*)::int from private.claim_notifications(10)), 3, 'claimed ones are not claimed twice');
select is((select (delivered_count, retrying, dead)::text from private.settle_notifications(
             array(select id from claimed order by id limit 2), (select jsonb_agg(jsonb_build_object('id', id, 'error', 'HTTP 500')) from (select id from claimed order by id offset 2) c))),
  '(2,2,0)', 'settling records deliveries and failures');
select is((select array_agg(status order by id) from public.alert_notifications where id in (select id from claimed)),
  array['delivered', 'delivered', 'failed', 'failed'], 'delivered ones are done, failed ones wait to be retried');
select ok((select bool_and(next_attempt_at > now() and last_error = 'HTTP 500') from public.alert_notifications where status = 'failed'),
  'a failure is retried later, with its error');
update public.alert_notifications set attempts = 8, status = 'sending' where id = (select max(id) from claimed);
select is((select dead from private.settle_notifications('{}', jsonb_build_array(jsonb_build_object('id', (select max(id) from claimed), 'error', 'timeout')))),
  1, 'past notification_max_attempts a notification is dead-lettered');
update public.alert_notifications set next_attempt_at = now() - interval '1 second', status = 'sending' where id in (select id from claimed order by id offset 2 limit 1);
select is((select count(*)::int from private.claim_notifications(10) c where c.id in (select id from claimed)), 1,
  'a claim lost by a crashed notify is due again after its visibility timeout');
select tests.clear_authentication();

-- RLS: owners read their alerts and notifications; only RPCs and the pipeline write them.
select is(tests.try_as(who_role, who, format(stmt, tbl)), expected, format('%s: %s %s -> %s', tbl, who_name, action, expected))
from (values ('anon', null::uuid, 'anon'), ('authenticated', 'aaaaaaaa-0000-0000-0000-000000000000'::uuid, 'owner'),
             ('authenticated', 'bbbbbbbb-0000-0000-0000-000000000000'::uuid, 'another user'))
       as roles(who_role, who, who_name)
join (values
  ('public.price_alerts', 'select', 'select * from %s', 'denied', '4', '0'),
  ('public.price_alerts', 'insert', $$insert into %s (user_id, fragrance_id, kind) values ('aaaaaaaa-0000-0000-0000-000000000000', '00000000-0000-4000-8000-0000000a1e57', 'back_in_stock')$$, 'denied', 'denied', 'denied'),
  ('public.price_alerts', 'update', $$update %s set paused = false, last_fired_at = null$$, 'denied', 'denied', 'denied'),
  ('public.alert_notifications', 'insert', $$insert into %s (user_id, alert_id, event, payload) select user_id, id, -1, '{}' from public.price_alerts limit 1$$, 'denied', 'denied', 'denied'),
  ('public.alert_notifications', 'update', $$update %s set status = 'delivered'$$, 'denied', 'denied', 'denied'),
  ('public.alert_notifications', 'delete', $$delete from %s$$, 'denied', 'denied', 'denied')
) as m(tbl, action, stmt, e_anon, e_owner, e_other) on true
cross join lateral (select case who_name when 'anon' then e_anon when 'owner' then e_owner else e_other end as expected) x
order by tbl, action, who_name;

-- GDPR.
select tests.authenticate_as('aaaaaaaa-0000-0000-0000-000000000000'::uuid);
select is((select (jsonb_array_length(d -> 'price_alerts'), jsonb_array_length(d -> 'alert_notifications'), d -> 'notification_webhook' ->> 'url',
                   d -> 'notification_webhook' ? 'secret')::text from public.export_my_data() d),
  '(4,7,https://hooks.example/ann,f)', 'the export holds the alerts, the notifications and the webhook URL (not its secret)');
select is((select (e ->> 'price_alerts', e ->> 'alert_notifications', e ->> 'notification_webhooks')::text from public.erase_my_account() e),
  '(4,7,1)', 'erasing the account deletes alerts, notifications and webhook');
select tests.clear_authentication();
select is((select count(*)::int from public.price_alerts a where a.user_id = 'aaaaaaaa-0000-0000-0000-000000000000')
          + (select count(*)::int from private.notification_webhooks w where w.user_id = 'aaaaaaaa-0000-0000-0000-000000000000'), 0,
  '... none of it is left');

select * from finish();
rollback;
