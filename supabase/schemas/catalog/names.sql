-- Pure helpers the catalog's constraints and matching use: the normalized form
-- of a name, and the GTIN checksum.

create or replace function public.normalize_name(name text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select trim(regexp_replace(
    replace(lower(extensions.unaccent('extensions.unaccent'::regdictionary, name)), '&', ' and '),
    '[^a-z0-9]+', ' ', 'g'))
$$;
comment on function public.normalize_name(text) is
  'Lower-cased, accent-free, punctuation-free form of a name: "Acqua di Giò" -> "acqua di gio", "D&G" -> "d and g". Used for matching and uniqueness.';

create or replace function public.is_valid_gtin(code text)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select case
    when code !~ '^([0-9]{8}|[0-9]{12}|[0-9]{13}|[0-9]{14})$' then false
    else (
      select (10 - sum(substr(code, length(code) - i, 1)::int * case when i % 2 = 1 then 3 else 1 end) % 10) % 10
      from generate_series(1, length(code) - 1) as i
    ) = right(code, 1)::int
  end
$$;
comment on function public.is_valid_gtin(text) is 'True when code is a GTIN-8/12/13/14 whose check digit is right.';

revoke execute on function public.normalize_name(text), public.is_valid_gtin(text) from public;
grant execute on function public.normalize_name(text), public.is_valid_gtin(text) to anon, authenticated, service_role;
