-- Price history: each listing's price over time as non-overlapping validity
-- ranges, and the price_history RPC that buckets them per day, week or month.

create table public.price_history (
  id bigint generated always as identity primary key,
  listing_id uuid not null,  -- references retailer_listings, set-wise (below)
  price numeric(12, 2) not null constraint price_history_price_positive check (price > 0),
  currency text not null constraint price_history_currency_iso4217 check (currency ~ '^[A-Z]{3}$'),
  price_base numeric(12, 2) not null constraint price_history_price_base_positive check (price_base > 0),
  in_stock boolean not null,
  valid tstzrange not null constraint price_history_valid_not_empty check (not isempty(valid)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
  -- no range overlaps another of its listing: checked by the no_overlap triggers below
);
comment on table public.price_history is 'Each listing''s price over time as non-overlapping validity ranges; the open range (upper bound infinity) is the current one.';
-- A price batch reads these comments as the reasons of its rejects (prices/ingest_rules.sql).
comment on constraint price_history_price_positive on public.price_history is 'must be at least 0.01';
comment on constraint price_history_price_base_positive on public.price_history is 'is under 0.01 in the base currency once converted';
comment on constraint price_history_currency_iso4217 on public.price_history is 'must be a three-letter ISO-4217 code';
comment on column public.price_history.id is 'Row id.';
comment on column public.price_history.listing_id is 'The listing.';
comment on column public.price_history.price is 'Price as sent.';
comment on column public.price_history.currency is 'Currency as sent (checked on ingest).';
comment on column public.price_history.price_base is 'Price in the base currency when it started.';
comment on column public.price_history.in_stock is 'Availability during the range.';
comment on column public.price_history.valid is 'When this price held: [first seen, next different price).';
-- Each listing's ranges latest first: its latest range, a range's neighbours, the listing's deletes.
create index price_history_listing_idx on public.price_history (listing_id, lower(valid) desc);
-- Each listing's open range, found without reading its closed ones; unique, so two batches can never
-- both leave a listing with an open range, even at once.
create unique index price_history_open_idx on public.price_history (listing_id) where upper_inf(valid);
comment on index public.price_history_open_idx is 'The open (current) range of each listing: at most one.';
call private.make_catalog_table('public.price_history');
call private.reference('public.price_history', 'listing_id', 'public.retailer_listings', 'cascade');

/**
 * AFTER INSERT and AFTER UPDATE statement triggers (new table new_rows; old_rows on update): no range
 * of a listing overlaps another. Ranges sorted by their start overlap somewhere only if two
 * neighbours do, so each range a statement wrote (or widened) is compared with its two neighbours,
 * found by price_history_listing_idx: two index probes a range. This replaced an exclusion
 * constraint, whose GiST index cost a batch of 10,000 new listings ~0.2 s to insert into, more than
 * the rest of the history write (docs/BENCHMARKS.md). Writers of one listing's history take turns on
 * its current offer's row lock (private.apply_staged_offers), and the unique open-range index holds
 * even between concurrent writers. Raises 23P01, as the constraint did.
 */
create or replace function private.price_history_no_overlap()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  grown bigint[];  -- on update, the ranges that grew: an update that only shortened a range (closing it) cannot make it overlap
  clash record;
begin
  if tg_op = 'UPDATE' then
    grown := array(select n.id from new_rows n join old_rows w on w.id = n.id where not w.valid @> n.valid);
    if grown = '{}' then
      return null;
    end if;
  end if;
  select n.listing_id, n.valid, o.valid as other into clash
  from new_rows n
  cross join lateral (
    -- the range that starts last at or before it (not itself), and the one that starts first after it
    (select h.valid from public.price_history h
     where h.listing_id = n.listing_id and lower(h.valid) <= lower(n.valid) and h.id <> n.id
     order by lower(h.valid) desc limit 1)
    union all
    (select h.valid from public.price_history h
     where h.listing_id = n.listing_id and lower(h.valid) > lower(n.valid)
     order by lower(h.valid) limit 1)
  ) o
  where (grown is null or n.id = any (grown)) and o.valid && n.valid
  limit 1;
  if found then
    raise exception 'conflicting key value violates exclusion constraint "price_history_no_overlap"'
      using errcode = 'exclusion_violation', constraint = 'price_history_no_overlap', table = 'price_history',
            detail = format('Key (listing_id, valid)=(%s, %s) conflicts with existing key (listing_id, valid)=(%s, %s).',
                            clash.listing_id, clash.valid, clash.listing_id, clash.other);
  end if;
  return null;
end;
$$;
comment on function private.price_history_no_overlap() is
  'AFTER INSERT / UPDATE statement trigger on public.price_history: refuses (23P01) a range that overlaps another of its listing, comparing each written range with its two neighbours.';
revoke execute on function private.price_history_no_overlap() from public;
create trigger no_overlap_inserted after insert on public.price_history
  referencing new table as new_rows for each statement execute function private.price_history_no_overlap();
create trigger no_overlap_updated after update on public.price_history
  referencing new table as new_rows old table as old_rows for each statement execute function private.price_history_no_overlap();

create or replace function public.price_history(variant_id uuid, "from" timestamptz, "to" timestamptz default now(), bucket text default 'day')
returns table (bucket_start timestamptz, min_price numeric, avg_price numeric, max_price numeric, currency text, retailers integer)
language plpgsql
stable
set search_path = ''
as $$
declare
  step interval;
  first_start timestamptz;
  last_start timestamptz;
begin
  if bucket not in ('day', 'week', 'month') then
    raise exception 'bucket must be day, week or month, not "%"', bucket using errcode = '22023';
  end if;
  if "from" is null or "to" is null or "from" >= "to" then
    raise exception '"from" must be before "to"' using errcode = '22023';
  end if;
  if "to" - "from" > interval '5 years' then
    raise exception 'at most 5 years per call' using errcode = '22023';
  end if;
  step := ('1 ' || bucket)::interval;
  first_start := date_trunc(bucket, "from");
  -- buckets up to now: the history knows no price of the future
  last_start := least("to", now());
  -- Each range of the variant's listings counts in every bucket it overlaps: from its start's bucket
  -- to the last that starts before it ends (a year of daily buckets reads each range once, instead
  -- of probing every listing's ranges once per bucket).
  return query
  select b.start, min(h.price_base), round(avg(h.price_base), 2), max(h.price_base), public.base_currency(),
         count(distinct h.listing_id)::integer
  from public.retailer_listings l
  join public.price_history h on h.listing_id = l.id and h.valid && tstzrange(first_start, date_trunc(bucket, last_start) + step)
  cross join lateral generate_series(greatest(date_trunc(bucket, lower(h.valid)), first_start),
                                     least(last_start, upper(h.valid) - interval '1 microsecond'), step) as b (start)
  where l.variant_id = price_history.variant_id and l.status = 'matched'
  group by b.start
  order by b.start;
end;
$$;
comment on function public.price_history(uuid, timestamptz, timestamptz, text) is
  'Min, mean and max base-currency price of a variant across retailers per day, week or month, from the validity ranges of public.price_history; no bucket starts after now.';
revoke execute on function public.price_history(uuid, timestamptz, timestamptz, text) from public;
grant execute on function public.price_history(uuid, timestamptz, timestamptz, text) to anon, authenticated, service_role;
