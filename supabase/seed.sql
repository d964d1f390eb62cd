-- Local seed: a small, realistic, hand-checked catalog. Loaded once by
-- `npm start` and by `npm run db:reset`, in one transaction (psql
-- --single-transaction), as the `postgres` role. Each part lives in
-- supabase/seed/; this file includes them in order.
\ir seed/01_reference.sql
\ir seed/02_fragrances.sql
\ir seed/03_catalog.sql
\ir seed/04_retailers.sql
\ir seed/05_prices.sql
\ir seed/06_offers.sql
