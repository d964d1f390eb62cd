-- Time-ordered ids for tables written in large batches: a uuid whose first 48 bits are the Unix time
-- in milliseconds and the rest random (RFC 9562, version 7; PostgreSQL 18 has it as uuidv7()).
-- Rows written together get neighbouring ids, so a batch's inserts into every index keyed by such an
-- id (the table's primary key, and the listing_id indexes of the tables that reference it) go to a
-- few adjacent pages, not one random page a row: a feed's first batch of 10,000 new listings took
-- ~4 % less database time (docs/BENCHMARKS.md).

/** A new version-7 uuid: time-ordered to the millisecond, random within it. */
create or replace function private.uuid_v7()
returns uuid
language sql
volatile
parallel safe
set search_path = ''
as $$
  -- a v4 uuid (122 random bits) with its first 6 bytes replaced by the time, and its version set to 7
  select encode(set_bit(set_bit(
           overlay(uuid_send(gen_random_uuid())
                   placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                   from 1 for 6),
           52, 1), 53, 1), 'hex')::uuid
$$;
comment on function private.uuid_v7() is
  'A version-7 uuid (RFC 9562): Unix milliseconds, then random bits; ids of rows written together are neighbours in every index.';
revoke execute on function private.uuid_v7() from public;
grant execute on function private.uuid_v7() to service_role;
