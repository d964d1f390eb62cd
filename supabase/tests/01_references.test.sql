-- Set-wise references (foundation/references.sql) keep what the foreign keys they replace kept:
-- unknown keys are refused with 23503 and nothing of the statement is written, the keys a statement
-- names are locked as a foreign key locks them, deleting a parent cascades, sets null or is
-- refused, per statement, and a parent's TRUNCATE is refused while child rows refer to it.
begin;
\ir helpers.sql
select plan(29);

-- Every reference the price batch relies on is in place.
select tests.references_ok('public.current_offers', 'listing_id', 'public.retailer_listings');
select tests.references_ok('public.current_offers', 'retailer_id', 'public.retailers');
select tests.references_ok('public.current_offers', 'variant_id', 'public.variants');
select tests.references_ok('public.current_offers', 'currency', 'public.currencies', 'code');
select tests.references_ok('public.price_history', 'listing_id', 'public.retailer_listings');
select tests.references_ok('private.price_observations', 'listing_id', 'public.retailer_listings');
select tests.references_ok('private.price_observations', 'batch_id', 'private.ingest_batches');

-- Fixtures: two unmatched listings of one retailer, a batch, a variant of the seed.
insert into public.retailer_listings (id, retailer_id, retailer_sku, title, url) values
  ('00000000-0000-4000-8000-0000000e0001', tests.retailer('notino-de'), 'REF-1', 'Ref One', 'https://shop.example/1'),
  ('00000000-0000-4000-8000-0000000e0002', tests.retailer('notino-de'), 'REF-2', 'Ref Two', 'https://shop.example/2');
insert into private.ingest_batches (id, retailer_id, payload_hash, content_type, row_count)
  overriding system value values (-1, tests.retailer('notino-de'), repeat('e', 64), 'json', 0);
insert into public.currencies (code, name) values ('XTS', 'Test currency');
insert into public.variants (id, fragrance_id, size_ml) values
  ('00000000-0000-4000-8000-0000000e0100', (select id from public.fragrances order by id limit 1), 3.3);
create function pg_temp.offer(listing uuid, currency text default 'EUR', variant uuid default null) returns text language sql as $$
  select format($q$(%L, %L, %L, 10, %L, 10, true, now(), -1)$q$, listing, tests.retailer('notino-de'), variant, currency)
$$;
create function pg_temp.insert_offers(variadic offers text[]) returns text language sql as $$
  select 'insert into public.current_offers (listing_id, retailer_id, variant_id, price, currency, price_base, in_stock, observed_at, batch_id) values '
         || array_to_string(offers, ', ')
$$;

-- Inserted keys must exist; one bad row refuses the whole statement.
select throws_like(pg_temp.insert_offers(pg_temp.offer('00000000-0000-4000-8000-0000000e0009')),
  '%violates its reference to "public.retailer_listings"%', 'an offer of an unknown listing is refused');
select throws_ok(pg_temp.insert_offers(pg_temp.offer('00000000-0000-4000-8000-0000000e0001'), pg_temp.offer('00000000-0000-4000-8000-0000000e0002', 'XXX')),
  '23503', null, 'an unknown currency in one row of two refuses the statement (23503)');
select is((select count(*)::int from public.current_offers where listing_id in ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e0002')),
  0, 'and writes neither row');
create function pg_temp.refusal_detail(stmt text) returns text language plpgsql as $$
declare
  detail text;
begin
  execute stmt;
  return null;
exception when foreign_key_violation then
  get stacked diagnostics detail = pg_exception_detail;
  return detail;
end $$;
select is(pg_temp.refusal_detail(pg_temp.insert_offers(pg_temp.offer('00000000-0000-4000-8000-0000000e0001', 'EUR', '00000000-0000-4000-8000-0000000e0009'))),
  'Key (variant_id)=(00000000-0000-4000-8000-0000000e0009) is not present in table "public.variants".', 'the refusal names the missing key');
select throws_ok($$insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock)
                   values ('00000000-0000-4000-8000-0000000e0001', -2, 1, now(), 10, 'EUR', 10, true)$$,
  '23503', null, 'an observation of an unknown batch is refused (a partitioned child)');

-- Known keys pass, and their parents are locked by this transaction as a foreign key locks them.
do $$ begin
  execute pg_temp.insert_offers(pg_temp.offer('00000000-0000-4000-8000-0000000e0001', 'XTS', '00000000-0000-4000-8000-0000000e0100'),
                                pg_temp.offer('00000000-0000-4000-8000-0000000e0002'));
end $$;
select is((select count(*)::int from public.current_offers where listing_id in ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e0002')),
  2, 'offers of known listings, retailer, variant and currency are written');
select is((select xmax::text from public.variants where id = '00000000-0000-4000-8000-0000000e0100'), pg_current_xact_id()::xid::text,
  'the referenced variant is locked (FOR KEY SHARE) by the writing transaction, as a foreign key locks it');

-- An update that changes a key is checked; one that keeps it is not refused.
select throws_ok($$update public.current_offers set variant_id = '00000000-0000-4000-8000-0000000e0009' where listing_id = '00000000-0000-4000-8000-0000000e0002'$$,
  '23503', null, 'changing a key to an unknown one is refused');
select lives_ok($$update public.current_offers set price = 11 where listing_id = '00000000-0000-4000-8000-0000000e0001'$$,
  'an update that keeps the keys passes');

-- Parents: a referenced key cannot change; 'no action' refuses the delete; 'set null' and 'cascade' follow it.
select throws_ok($$update public.retailer_listings set id = '00000000-0000-4000-8000-0000000e0003' where id = '00000000-0000-4000-8000-0000000e0002'$$,
  '23503', null, 'a referenced listing''s id cannot change');
insert into private.price_observations (listing_id, batch_id, row_number, observed_at, price, currency, price_base, in_stock)
  values ('00000000-0000-4000-8000-0000000e0001', -1, 1, now(), 10, 'EUR', 10, true);
select throws_ok($$delete from private.ingest_batches where id = -1$$, '23503', null, 'a batch with observations cannot be deleted (no action)');
select throws_ok($$delete from public.currencies where code = 'XTS'$$, '23503', null, 'a currency an offer is in cannot be deleted (no action)');
update public.retailer_listings set variant_id = '00000000-0000-4000-8000-0000000e0100', status = 'matched', match_method = 'manual',
  match_confidence = 1 where id = '00000000-0000-4000-8000-0000000e0002';
delete from public.variants where id = '00000000-0000-4000-8000-0000000e0100';
select is((select variant_id from public.current_offers where listing_id = '00000000-0000-4000-8000-0000000e0001'), null,
  'deleting a variant sets the offers'' variant_id to null (set null)');
select is((select count(*)::int from public.current_offers where listing_id = '00000000-0000-4000-8000-0000000e0001'), 1, 'and keeps the offer');
select is((select (status, variant_id, match_method, match_confidence, volume_ml)::text from public.retailer_listings
           where id = '00000000-0000-4000-8000-0000000e0002'), '(unmatched,,,,)',
  'a listing matched to a deleted variant goes back to matching: unmatched, its match columns null (and_set)');
insert into public.price_history (listing_id, price, currency, price_base, in_stock, valid)
  values ('00000000-0000-4000-8000-0000000e0001', 10, 'EUR', 10, true, tstzrange(now(), null));
delete from public.retailer_listings where id = '00000000-0000-4000-8000-0000000e0001';
select is((select count(*)::int from public.current_offers where listing_id = '00000000-0000-4000-8000-0000000e0001')
        + (select count(*)::int from public.price_history where listing_id = '00000000-0000-4000-8000-0000000e0001')
        + (select count(*)::int from private.price_observations where listing_id = '00000000-0000-4000-8000-0000000e0001'),
  0, 'deleting a listing deletes its offer, history and observations (cascade)');
select is((select count(*)::int from public.current_offers where listing_id = '00000000-0000-4000-8000-0000000e0002'), 1,
  'and only those of that listing');

-- TRUNCATE: refused while a child row refers to the parent; truncating both in one command passes.
-- (ingest_batches' own foreign keys are truncated with it; the observation above refers to batch -1.)
select throws_ok($$truncate private.ingest_batches, private.price_anomalies, private.ingest_replay_keys$$,
  '23503', 'truncate of table "ingest_batches" violates the reference from "private.price_observations"',
  'a batch table with observations cannot be truncated alone');
select lives_ok($$truncate private.ingest_batches, private.price_anomalies, private.ingest_replay_keys, private.price_observations$$,
  'truncating the observations in the same command passes');
select is((select count(*)::int from private.ingest_batches) + (select count(*)::int from private.price_observations), 0,
  'and empties both');

-- The helper names its own mistakes.
select throws_ok($$call private.reference('public.current_offers', 'listing_id', 'public.retailer_listings', 'restrict')$$,
  '22023', 'on_delete must be cascade, set null or no action, not "restrict"', 'an unknown on_delete is refused');
select throws_ok($$call private.reference('public.current_offers', 'listing_id', 'public.retailer_listings', 'cascade', and_set => 'price = 0')$$,
  '22023', 'and_set goes with on_delete set null, not "cascade"', 'and_set is refused without set null');

select * from finish();
rollback;
