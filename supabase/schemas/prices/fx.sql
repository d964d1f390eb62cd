-- Exchange rates into the base currency (EUR), and the conversion helpers.

create table public.fx_rates (
  currency text not null references public.currencies (code),
  valid_on date not null,
  rate_to_base numeric(18, 8) not null constraint fx_rates_rate_positive check (rate_to_base > 0),
  source text not null default 'ecb' constraint fx_rates_source_not_blank check (btrim(source) <> ''),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (currency, valid_on)
);
comment on table public.fx_rates is 'Daily exchange rates into the base currency (EUR); a price is converted with the latest rate on or before its day.';
comment on column public.fx_rates.currency is 'Currency converted from.';
comment on column public.fx_rates.valid_on is 'Day the rate applies from.';
comment on column public.fx_rates.rate_to_base is 'Base-currency value of one unit (USD 0.92 means 1 USD = 0.92 EUR).';
comment on column public.fx_rates.source is 'Where the rate came from.';
call private.make_catalog_table('public.fx_rates');

create or replace function public.base_currency()
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$ select 'EUR'::text $$;
comment on function public.base_currency() is 'The currency every price is converted into for comparison (EUR). Changing it means re-converting every stored base price.';
revoke execute on function public.base_currency() from public;
grant execute on function public.base_currency() to anon, authenticated, service_role;

create or replace function public.fx_rate(from_currency text, on_day date default current_date)
returns numeric
language sql
stable
set search_path = ''
as $$
  select case when from_currency = public.base_currency() then 1::numeric
    else (select r.rate_to_base from public.fx_rates r
          where r.currency = from_currency and r.valid_on <= on_day
          order by r.valid_on desc limit 1) end
$$;
comment on function public.fx_rate(text, date) is 'Base-currency value of one unit of from_currency on a day (latest rate on or before it); null when unknown.';
revoke execute on function public.fx_rate(text, date) from public;
grant execute on function public.fx_rate(text, date) to anon, authenticated, service_role;
