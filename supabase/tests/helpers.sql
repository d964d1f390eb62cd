-- The helpers every pgTAP file shares (after basejump's supabase-test-helpers): acting as an API
-- role or a user the way PostgREST does, making users, and finding seed fixtures by their keys.
-- Each test file includes this right after its `begin` (\ir helpers.sql), so the `tests` schema
-- lives in the file's transaction and is rolled back with everything else.

create schema tests;
grant usage on schema tests to public;

/** Acts as an API role, with the claims PostgREST would set: `set local role` and request.jwt.claims (sub when given). */
create function tests.authenticate_as_role(api_role text, sub uuid default null) returns void language plpgsql as $$
begin
  if api_role not in ('anon', 'authenticated', 'service_role') then
    raise exception 'not an API role: %', api_role;
  end if;
  perform set_config('request.jwt.claims', json_strip_nulls(json_build_object('role', api_role, 'sub', sub))::text, true);
  execute format('set local role %I', api_role);
end $$;

/** Acts as a signed-in user, found by id or e-mail. */
create function tests.authenticate_as(user_id uuid) returns void language sql as $$
  select tests.authenticate_as_role('authenticated', user_id)
$$;
/** A test user's id by e-mail (security definer: whoever the test acts as at the time may look it up). */
create function tests.user_id(email text) returns uuid language sql stable security definer set search_path = '' as $$
  select u.id from auth.users u where u.email = user_id.email
$$;
create function tests.authenticate_as(email text) returns void language plpgsql as $$
declare
  uid uuid := tests.user_id(email);
begin
  if uid is null then
    raise exception 'no test user %', email;
  end if;
  perform tests.authenticate_as(uid);
end $$;

create function tests.authenticate_as_anon() returns void language sql as $$ select tests.authenticate_as_role('anon') $$;
create function tests.authenticate_as_service_role() returns void language sql as $$ select tests.authenticate_as_role('service_role') $$;

/** Back to the session's own role (the table owner), with no claims. */
create function tests.clear_authentication() returns void language plpgsql as $$
begin
  reset role;
  perform set_config('request.jwt.claims', '', true);
end $$;

/** Makes an auth user as GoTrue would (so the profile trigger fires); returns its id. */
create function tests.create_user(email text, id uuid default gen_random_uuid(), metadata jsonb default '{}') returns uuid language sql as $$
  insert into auth.users (id, email, raw_user_meta_data) values (id, email, metadata) returning id
$$;

/**
 * Runs a statement as an API role (with a user's claims) and answers the rows it returned or changed,
 * or 'denied' (42501: no privilege, or RLS refused the new row). Whatever it did is rolled back.
 */
create function tests.try_as(api_role text, uid uuid, statement text) returns text language plpgsql as $$
declare
  n bigint;
begin
  begin
    perform tests.authenticate_as_role(api_role, uid);
    execute statement;
    get diagnostics n = row_count;
    raise exception using errcode = 'SMTRY', message = n::text;
  exception
    when insufficient_privilege then return 'denied';
    when sqlstate 'SMTRY' then return sqlerrm;
  end;
end $$;

-- Seed fixtures by their stable keys.
create function tests.fragrance(slug text) returns uuid language sql stable as $$
  select f.id from public.fragrances f where f.slug = fragrance.slug
$$;
create function tests.retailer(slug text) returns uuid language sql stable as $$
  select r.id from public.retailers r where r.slug = retailer.slug
$$;

/** pgTAP's fk_ok for a set-wise reference (foundation/references.sql): child(child_column) refers to parent(parent_column). */
create function tests.references_ok(child regclass, child_column name, parent regclass, parent_column name default 'id') returns text language sql as $$
  select ok(exists (select from pg_trigger t
                    cross join lateral (select string_to_array(encode(t.tgargs, 'escape'), '\000') as a) x
                    where t.tgrelid = child and t.tgfoid = 'private.reference_inserted'::regproc
                      and (x.a[1], x.a[2]::regclass, x.a[3]) = (child_column::text, parent, parent_column::text)),
            format('%s(%s) should reference %s(%s), set-wise', child, child_column, parent, parent_column))
$$;

grant execute on all functions in schema tests to public;
