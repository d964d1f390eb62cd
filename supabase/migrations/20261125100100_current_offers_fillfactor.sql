-- current_offers: room on each page for every row's next version at once.
-- A feed batch confirms or reprices a run of offers in one transaction, so all rows of a page are
-- updated together, and their old versions cannot be pruned before it commits. At fillfactor 70 a page
-- had room for the new versions of 30 % of its rows: the first re-feed after a load updated a quarter of
-- the offers outside HOT, each writing four index entries (npm run bench:ingest, pg_stat_user_tables).
-- At 50 every update of the page stays HOT. Pages written before keep their density until rewritten
-- (VACUUM FULL); the table is one row per listing, so the room costs little.
alter table public.current_offers set (fillfactor = 50);
