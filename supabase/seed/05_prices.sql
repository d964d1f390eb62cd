-- FX rates (base EUR) and the local development webhook secrets.

insert into public.fx_rates (currency, valid_on, rate_to_base, source)
select currency, valid_on::date, rate, 'seed (ECB reference, rounded)'
from (values
  ('USD', '2025-01-01', 0.9600), ('USD', '2026-01-01', 0.9200), ('USD', '2026-07-01', 0.8900),
  ('GBP', '2025-01-01', 1.2000), ('GBP', '2026-01-01', 1.1700), ('GBP', '2026-07-01', 1.1600),
  ('CHF', '2025-01-01', 1.0600), ('CHF', '2026-01-01', 1.0700), ('CHF', '2026-07-01', 1.0800),
  ('SEK', '2025-01-01', 0.0870), ('PLN', '2025-01-01', 0.2340), ('CAD', '2025-01-01', 0.6700),
  ('AUD', '2025-01-01', 0.6000), ('JPY', '2025-01-01', 0.0061), ('AED', '2025-01-01', 0.2500)
) as r (currency, valid_on, rate);

-- Each seeded retailer signs its webhook with the documented development secret whsec_dev_<slug>.
insert into private.retailer_webhooks (retailer_id, secret, rate_limit_per_minute)
select id, 'whsec_dev_' || slug, 120 from public.retailers;
