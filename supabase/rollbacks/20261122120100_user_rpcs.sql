-- Rollback of 20261122120100_user_rpcs.sql.
drop function if exists public.erase_my_account();
drop function if exists private.erase_my_account();
drop function if exists public.export_my_data();
drop function if exists private.export_my_data();
drop function if exists public.track_affiliate_click(uuid, text, text);
drop function if exists private.track_affiliate_click(uuid, text, text);
drop function if exists private.with_query_param(text, text, text);
drop policy if exists "owner can insert" on public.recommendation_events;
revoke insert on public.recommendation_events from authenticated;
drop function if exists public.record_recommendation_feedback(uuid, public.recommendation_action, jsonb);
drop function if exists public.recommend_for_me(integer);
drop function if exists private.recommend_for_me(integer);
drop function if exists private.require_user();
revoke usage on schema private from anon, authenticated;
