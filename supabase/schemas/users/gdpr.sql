-- GDPR: export everything that names the caller, and erase it. Security
-- definer helpers in `private` behind thin public wrappers; each acts only for auth.uid().


/** Everything ScentMatch holds about the caller, as one JSON document; the export is audited. */
create or replace function private.export_my_data()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  doc jsonb;
begin
  select jsonb_build_object(
    'exported_at', now(),
    'user', (select jsonb_build_object('id', u.id, 'email', u.email, 'phone', u.phone, 'created_at', u.created_at,
                                       'user_metadata', u.raw_user_meta_data) from auth.users u where u.id = me),
    'profile', (select to_jsonb(p) from public.profiles p where p.id = me),
    'collection', coalesce((select jsonb_agg(to_jsonb(c) order by c.created_at) from public.collection_entries c where c.user_id = me), '[]'),
    'onboarding', coalesce((select jsonb_agg(to_jsonb(a) order by a.step) from public.onboarding_answers a where a.user_id = me), '[]'),
    'recommendation_events', coalesce((select jsonb_agg(to_jsonb(r) order by r.id) from public.recommendation_events r where r.user_id = me), '[]'),
    'affiliate_clicks', coalesce((select jsonb_agg(to_jsonb(a) order by a.clicked_at) from public.affiliate_clicks a where a.user_id = me), '[]'),
    'events', coalesce((select jsonb_agg(to_jsonb(e) order by e.occurred_at, e.id) from public.events e where e.user_id = me), '[]'),
    'searches', coalesce((select jsonb_agg(jsonb_build_object('query', s.query, 'filters', s.filters, 'searched_at', s.created_at) order by s.id)
                          from private.search_queries s where s.user_id = me), '[]'),
    'price_alerts', coalesce((select jsonb_agg(to_jsonb(a) order by a.created_at, a.id) from public.price_alerts a where a.user_id = me), '[]'),
    'alert_notifications', coalesce((select jsonb_agg(to_jsonb(n) order by n.id) from public.alert_notifications n where n.user_id = me), '[]'),
    -- the URL only: the signing secret is the user's own, shown when set
    'notification_webhook', (select jsonb_build_object('url', w.url, 'created_at', w.created_at, 'updated_at', w.updated_at)
                             from private.notification_webhooks w where w.user_id = me),
    'audit_log', coalesce((select jsonb_agg(jsonb_build_object('action', l.action, 'occurred_at', l.occurred_at) order by l.id)
                           from private.audit_log l where l.actor = me), '[]'))
  into doc;
  insert into private.audit_log (actor, action) values (me, 'account.export');
  return doc;
end;
$$;
comment on function private.export_my_data() is 'GDPR export for auth.uid() (see public.export_my_data).';
revoke execute on function private.export_my_data() from public;
grant execute on function private.export_my_data() to authenticated;

create or replace function public.export_my_data()
returns jsonb
language sql
set search_path = ''
as $$ select private.export_my_data() $$;
comment on function public.export_my_data() is
  'All of the signed-in caller''s data as one JSON document: account, profile, collection, onboarding, recommendation events, affiliate clicks, events, searches, price alerts, their notifications and webhook URL, audit entries.';
revoke execute on function public.export_my_data() from public, anon;
grant execute on function public.export_my_data() to authenticated;

/**
 * Erases the caller: deletes what is theirs alone (profile, collection,
 * onboarding, price alerts, notifications, webhook, the auth user) and anonymizes what feeds aggregates
 * (recommendation events, clicks, events, searches, audit entries keep
 * their counts but lose user and session). Audited without naming them.
 */
create or replace function private.erase_my_account()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := private.require_user();
  sessions text[];
  counts jsonb;
begin
  -- Anonymous sessions the user was seen in also identify them.
  select array(select distinct s from (
           select a.session_id as s from public.affiliate_clicks a where a.user_id = me
           union select e.session_id from public.events e where e.user_id = me) x where s is not null)
  into sessions;
  with rec as (update public.recommendation_events set user_id = null, context = context - 'session_id' where user_id = me returning 1),
  clicks as (update public.affiliate_clicks set user_id = null, session_id = null
             where user_id = me or session_id = any(sessions) returning 1),
  ev as (update public.events set user_id = null, session_id = null where user_id = me or session_id = any(sessions) returning 1),
  searches as (update private.search_queries set user_id = null where user_id = me returning 1),
  audit as (update private.audit_log set actor = null where actor = me returning 1)
  select jsonb_build_object('recommendation_events', (select count(*) from rec), 'affiliate_clicks', (select count(*) from clicks),
                            'events', (select count(*) from ev), 'searches', (select count(*) from searches),
                            'audit_entries', (select count(*) from audit))
  into counts;
  counts := counts || jsonb_build_object(
    'collection_entries', (select count(*) from public.collection_entries where user_id = me),
    'onboarding_answers', (select count(*) from public.onboarding_answers where user_id = me),
    'price_alerts', (select count(*) from public.price_alerts where user_id = me),
    'alert_notifications', (select count(*) from public.alert_notifications where user_id = me),
    'notification_webhooks', (select count(*) from private.notification_webhooks where user_id = me));
  -- Rate-limit counters name the user and their sessions in their buckets.
  delete from private.rate_limits
  where bucket in ('events:user:' || me, 'clicks:user:' || me)
     or bucket = any (array(select 'events:session:' || s from unnest(sessions) s union all select 'clicks:session:' || s from unnest(sessions) s));
  delete from auth.users where id = me; -- cascades to the profile, collection, onboarding answers, alerts, notifications and webhook
  insert into private.audit_log (actor, action, details) values (null, 'account.erase', jsonb_build_object('anonymized_and_deleted', counts));
  return counts;
end;
$$;
comment on function private.erase_my_account() is 'GDPR erasure of auth.uid() (see public.erase_my_account).';
revoke execute on function private.erase_my_account() from public;
grant execute on function private.erase_my_account() to authenticated;

create or replace function public.erase_my_account()
returns jsonb
language sql
set search_path = ''
as $$ select private.erase_my_account() $$;
comment on function public.erase_my_account() is
  'Erases the signed-in caller''s account: deletes their profile, collection, onboarding answers and auth user; anonymizes their events, clicks, recommendation feedback and searches (aggregates stay). Returns the counts. Irreversible.';
revoke execute on function public.erase_my_account() from public, anon;
grant execute on function public.erase_my_account() to authenticated;
