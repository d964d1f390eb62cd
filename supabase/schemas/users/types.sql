-- User data vocabulary. User data (profiles, collections, onboarding answers,
-- recommendation events, affiliate clicks, events) is owner-only under RLS
-- (private.make_user_table); the service role reads it for analytics.

create type public.collection_status as enum ('owned', 'wishlist', 'tried', 'disliked');
comment on type public.collection_status is 'Where a fragrance sits in a user''s collection.';
create type public.onboarding_step as enum ('families', 'notes', 'occasions', 'budget');
comment on type public.onboarding_step is 'Quiz steps, in the order they are asked.';
create type public.recommendation_action as enum ('impression', 'click', 'accept', 'dismiss');
comment on type public.recommendation_action is 'What a user did with a recommendation.';
