-- Onboarding quiz answers, one row per user and step.

create table public.onboarding_answers (
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  step public.onboarding_step not null,
  answer jsonb not null,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, step),
  constraint onboarding_answers_shape check (case step
    when 'families' then jsonb_typeof(answer -> 'families') = 'array'
    when 'notes' then jsonb_typeof(answer -> 'notes') = 'array'
    when 'occasions' then jsonb_typeof(answer -> 'occasions') = 'array'
    when 'budget' then jsonb_typeof(answer -> 'max_price') = 'number' and (answer -> 'max_price')::numeric > 0
                       and coalesce(answer ->> 'currency', 'EUR') ~ '^[A-Z]{3}$'
  end)
);
comment on table public.onboarding_answers is 'Quiz answers, one row per step: {"families": [slug]}, {"notes": [slug]}, {"occasions": [text]}, {"max_price": n, "currency": "EUR"}.';
comment on column public.onboarding_answers.user_id is 'Owner (defaults to the caller).';
comment on column public.onboarding_answers.step is 'Quiz step.';
comment on column public.onboarding_answers.answer is 'The answer; its shape depends on the step (checked).';
comment on column public.onboarding_answers.completed_at is 'When the step was completed (null: seen, not finished).';
call private.make_user_table('public.onboarding_answers');
