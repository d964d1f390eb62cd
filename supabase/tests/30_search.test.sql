-- Search: documents kept current by triggers, the embedding queue's
-- semantics, hybrid search and "smells like" under the API roles.
begin;
\ir helpers.sql
select plan(94);

-- A deterministic unit vector per seed, standing in for a model's output.
create function pg_temp.vec(seed double precision) returns extensions.vector
language sql immutable as $$
  select extensions.l2_normalize(array_agg(sin(i * seed + seed) order by i)::real[]::extensions.vector)
  from generate_series(1, 512) i
$$;

-- Internals stay internal ---------------------------------------------------------
select ok(not has_table_privilege(r, 'private.embedding_jobs', 'select'), format('%s cannot read the embedding queue', r))
from unnest(array['anon', 'authenticated']) as r;
select ok(not has_table_privilege('anon', 'private.search_queries', 'select'), 'anon cannot read the search log');
select ok(not has_function_privilege('authenticated', 'private.claim_embedding_jobs(integer, text)', 'execute'), 'authenticated cannot claim jobs');
select ok(not has_table_privilege('anon', 'public.fragrance_embeddings', 'insert'), 'anon cannot write embeddings');
select ok(has_function_privilege('anon', 'public.search_fragrances(text, extensions.vector, text, jsonb, text, integer, integer, double precision, double precision, double precision, integer, double precision, double precision)', 'execute'),
  'anon can search');
select ok(has_function_privilege('authenticated', 'public.similar_fragrances(uuid, integer)', 'execute'), 'authenticated can ask for similar fragrances');
select is((select count(*)::int from cron.job where jobname = 'search-cache-expiry'), 1, 'expired query embeddings are deleted by pg_cron');
select is((select count(*)::int from cron.job where jobname = 'embed-fragrances'), 0, 'without pg_net no embed schedule is created (the local stack calls embed itself)');

-- Documents -------------------------------------------------------------------------
select is((select count(*)::int from public.fragrance_documents),
          (select count(*)::int from public.fragrances where deleted_at is null), 'every live fragrance has a document');
select matches((select document from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  'top notes of calabrian bergamot, pepper, heart notes of sichuan pepper', 'the document lists the notes by tier');
select ok((select search_vector @@ to_tsquery('english', 'sauvag') from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  'the full-text vector holds the name');

create temporary table before as
select fragrance_id, content_hash, updated_at from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt');
update public.fragrances set launch_year = 2016 where slug = 'dior-sauvage-edt';
select is((select content_hash from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  (select content_hash from before), 'an edit outside the document leaves its hash alone');

insert into public.fragrance_notes (fragrance_id, note_id, tier, position)
select tests.fragrance('dior-sauvage-edt'), id, 'base', 9 from public.notes where name = 'Vanilla';
select isnt((select content_hash from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  (select content_hash from before), 'adding a note changes the document');
update public.notes set name = 'Vanilla Absolute' where name = 'Vanilla';
select ok((select bool_and(d.document like '%vanilla absolute%') from public.fragrance_documents d
           join public.fragrance_notes fn on fn.fragrance_id = d.fragrance_id join public.notes n on n.id = fn.note_id
           where n.name = 'Vanilla Absolute'), 'renaming a note rewrites every document that uses it');
update public.brands set name = 'Christian Dior' where slug = 'dior';
select matches((select document from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  '^Sauvage by Christian Dior', 'renaming a brand rewrites its fragrances'' documents');

-- The queue ---------------------------------------------------------------------------
select is((select queued from private.embedding_progress()), (select documents from private.embedding_progress()),
  'every document without an embedding is queued');
select throws_ok($$ select * from private.claim_embedding_jobs(5, 'some-other-model') $$, '22023', null,
  'a worker running another model than the database expects is refused');
select throws_ok($$ select * from private.claim_embedding_jobs(0, 'use-lite-512') $$, '22023', null, 'a batch size of 0 is refused');

create temporary table claimed as select * from private.claim_embedding_jobs(5, 'use-lite-512');
select is((select count(*)::int from claimed), 5, 'a claim returns up to batch_size jobs');
select ok((select bool_and(attempts = 1 and document <> '') from claimed), 'claimed jobs carry their document and count the attempt');
select is((select count(*)::int from private.claim_embedding_jobs(1000, 'use-lite-512') c where c.job_id in (select job_id from claimed)), 0,
  'claimed jobs are invisible to other claims until the visibility timeout');
-- That second claim took every other job; make them visible again for what follows.
update private.embedding_jobs set visible_at = now() - interval '1 second', attempts = 0 where id not in (select job_id from claimed);

select throws_ok(
  format($$ select private.complete_embedding_jobs(%L::jsonb, 'use-lite-512') $$,
    (select jsonb_agg(jsonb_build_object('job_id', job_id, 'fragrance_id', fragrance_id, 'content_hash', content_hash,
       'embedding', case when job_id = (select min(job_id) from claimed) then '[1,2,3]' else pg_temp.vec(job_id)::text end)) from claimed)),
  '22000', null, 'a vector of the wrong dimension fails the whole batch');
select is((select count(*)::int from public.fragrance_embeddings), 0, '... and writes nothing');

select is(private.complete_embedding_jobs(
  (select jsonb_agg(jsonb_build_object('job_id', job_id, 'fragrance_id', fragrance_id, 'content_hash', content_hash,
     'embedding', pg_temp.vec(job_id)::text)) from claimed), 'use-lite-512'), 5, 'completing stores the vectors and acknowledges the jobs');
select is((select count(*)::int from public.fragrance_embeddings e join claimed c using (fragrance_id)
           where e.model = 'use-lite-512' and e.dimension = 512 and e.content_hash = c.content_hash), 5,
  'embeddings record model, dimension and content hash');
select is((select count(*)::int from private.embedding_jobs where id in (select job_id from claimed)), 0, 'completed jobs leave the queue');
select is(private.enqueue_embeddings(array(select fragrance_id from claimed)), 0, 'an unchanged document is never queued again');

update public.fragrances set description = description || ' Now reformulated.' where id = (select fragrance_id from claimed order by job_id limit 1);
select is((select count(*)::int from private.embedding_jobs where fragrance_id = (select fragrance_id from claimed order by job_id limit 1)), 1,
  'a changed document is queued again');
select is(private.complete_embedding_jobs(
  (select jsonb_agg(jsonb_build_object('job_id', j.id, 'fragrance_id', c.fragrance_id, 'content_hash', c.content_hash, 'embedding', pg_temp.vec(1)::text))
   from claimed c join private.embedding_jobs j on j.fragrance_id = c.fragrance_id), 'use-lite-512'), 0,
  'a vector of the old content does not acknowledge the job of the new one');

-- Failures: backoff, then the dead letter.
create temporary table flaky as select * from private.claim_embedding_jobs(1, 'use-lite-512');
select is((select (retrying, dead)::text from private.fail_embedding_jobs(array(select job_id from flaky), 'provider answered 503')),
  '(1,0)', 'a failed job is retried');
select ok((select visible_at between now() + interval '9 seconds' and now() + interval '11 seconds' and last_error = 'provider answered 503'
           from private.embedding_jobs where id = (select job_id from flaky)), 'the first retry waits embedding_retry_base_seconds');
update private.embedding_jobs set attempts = 3 where id = (select job_id from flaky);
select is((select (retrying, dead)::text from private.fail_embedding_jobs(array(select job_id from flaky), 'timeout')), '(1,0)',
  'a job below the attempt limit is retried');
select ok((select visible_at between now() + interval '39 seconds' and now() + interval '41 seconds'
           from private.embedding_jobs where id = (select job_id from flaky)), 'the delay doubles with each attempt');
update private.embedding_jobs set attempts = 5 where id = (select job_id from flaky);
select is((select (retrying, dead)::text from private.fail_embedding_jobs(array(select job_id from flaky), 'timeout')),
  '(0,1)', 'the last allowed attempt dead-letters the job');
select is((select status || ': ' || last_error from private.embedding_jobs where id = (select job_id from flaky)), 'dead: timeout',
  'a dead job keeps its last error');
select is(private.retry_dead_embedding_jobs(), 1, 'dead jobs can be put back in the queue');
select is((select (status, attempts)::text from private.embedding_jobs where id = (select job_id from flaky)), '(queued,0)', '... with a fresh attempt count');

-- A crashed worker: once the visibility timeout passes, the job is claimable again.
update private.embedding_jobs set visible_at = now() - interval '1 second', attempts = 1 where id = (select job_id from flaky);
select is((select attempts from private.claim_embedding_jobs(1000, 'use-lite-512') where job_id = (select job_id from flaky)), 2,
  'a job whose visibility timeout passed is claimed again');

-- Search, as anon ---------------------------------------------------------------------
-- Vectors for every document, so the vector list has something to rank.
insert into public.fragrance_embeddings (fragrance_id, model, content_hash, embedding)
select d.fragrance_id, 'use-lite-512', d.content_hash, pg_temp.vec(1 + abs(hashtext(d.fragrance_id::text)) / 1000.0)
from public.fragrance_documents d
on conflict (fragrance_id) do update set embedding = excluded.embedding, content_hash = excluded.content_hash;

select tests.authenticate_as_anon();
select is((select name from public.search_fragrances('sauvge') limit 1), 'Sauvage', 'a misspelt name finds the fragrance (trigram)');
select is((select name from public.search_fragrances('bacarat rouge') limit 1), 'Baccarat Rouge 540', 'a misspelt two-word name finds it');
select is((select name from public.search_fragrances('Terre d''Hermès') limit 1), 'Terre d''Hermès',
  'an accented name is found');
select is((select vector_rank from public.search_fragrances('zzzz',
            query_embedding => (select embedding from public.fragrance_embeddings where fragrance_id = tests.fragrance('chanel-n-5-edp')),
            embedding_model => 'use-lite-512') where slug = 'chanel-n-5-edp'), 1, 'the nearest vector ranks first in the vector list');
select ok((select bool_and(gender = 'masculine') and count(*) > 0 from public.search_fragrances('fresh citrus', filters => '{"gender": "masculine"}')),
  'the gender filter holds');
select ok((select bool_and(brand_slug = 'dior' and family = 'Woody') and count(*) > 0
           from public.search_fragrances('vetiver', filters => '{"brand": "dior", "family": "woody"}')), 'brand and family filters combine');
select is((select count(*)::int from public.search_fragrances('vetiver', filters => '{"brand": "no-such-brand"}')), 0, 'an unknown brand matches nothing');
select is((select count(*)::int from public.search_fragrances('rose', query_embedding => pg_temp.vec(0.5), embedding_model => 'use-lite-512',
            filters => '{"gender": "feminine"}', page_size => 50, keyword_weight => 0, trigram_weight => 0)),
  least(50, (select count(*)::int from public.fragrances where gender = 'feminine' and deleted_at is null)),
  'a filtered vector search still fills the page');
select is((select array_agg(fragrance_id order by vector_rank) from public.search_fragrances('zzzz', query_embedding => pg_temp.vec(0.5),
             embedding_model => 'use-lite-512', filters => '{"gender": "feminine"}', page_size => 10, keyword_weight => 0, trigram_weight => 0)),
  (select array_agg(fragrance_id) from (select e.fragrance_id from public.fragrance_embeddings e join public.fragrances f on f.id = e.fragrance_id
     where f.gender = 'feminine' order by e.embedding operator(extensions.<=>) pg_temp.vec(0.5), e.fragrance_id limit 10) x),
  'a selective filter''s vector list is the exact nearest neighbours within it');
select is((select name from public.search_fragrances('tobaco vanile') limit 1), 'Tobacco Vanille', 'every misspelt word is corrected');
select is((select count(*)::int from (
    select fragrance_id from public.search_fragrances('woody', query_embedding => pg_temp.vec(0.3), embedding_model => 'use-lite-512', page => 1, page_size => 10)
    intersect
    select fragrance_id from public.search_fragrances('woody', query_embedding => pg_temp.vec(0.3), embedding_model => 'use-lite-512', page => 2, page_size => 10)) x), 0,
  'pages do not overlap');
select is((select count(*)::int from public.search_fragrances('woody', query_embedding => pg_temp.vec(0.3), embedding_model => 'use-lite-512', page => 2, page_size => 10)), 10,
  'page 2 is a full page');
select is((select array_agg(fragrance_id order by pos) from (
             select fragrance_id, (p - 1) * 20 + row_number() over (partition by p) as pos
             from generate_series(1, 3) p, public.search_fragrances('woody', query_embedding => pg_temp.vec(0.3), embedding_model => 'use-lite-512', page => p, page_size => 20)) x),
          (select array_agg(fragrance_id) from public.search_fragrances('woody', query_embedding => pg_temp.vec(0.3), embedding_model => 'use-lite-512', page_size => 60)),
  'three pages of 20 are the first 60 results: pages within a block of the lists'' depth neither overlap nor skip');
select ok(not exists (select 1 from public.search_fragrances('oud without smoke') r join public.fragrance_documents d on d.fragrance_id = r.fragrance_id
                      where d.search_vector @@ to_tsquery('english', 'smoke')), '"without smoke" excludes smoky fragrances');
select throws_ok($$ select * from public.search_fragrances('   ') $$, '22023', 'q must not be empty', 'an empty query is a clear error');
select throws_ok(format($$ select * from public.search_fragrances(%L) $$, repeat('oud ', 2500)), '22023', null, 'a 10,000-character query is a clear error');
select throws_ok($$ select * from public.search_fragrances('oud', filters => '{"colour": "red"}') $$, '22023', 'unknown filter: colour', 'an unknown filter is named');
select throws_ok($$ select * from public.search_fragrances('oud', filters => '{"gender": "robot"}') $$, '22023', null, 'a bad filter value is a clear error');
select lives_ok($$ select * from public.search_fragrances('''; drop table public.fragrances; -- " \ %') $$, 'SQL metacharacters are just text');
select lives_ok($$ select * from public.search_fragrances('ウード 玫瑰') $$, 'non-Latin text is answered');

-- Facets and name words follow the catalog.
select tests.clear_authentication();
update public.fragrances set family_slug = 'floral' where slug = 'dior-sauvage-edt';
select ok((select 'family:floral' = any (facets) from public.fragrance_documents where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  'a document''s facets follow its fragrance');
select ok((select 'family:floral' = any (facets) from public.fragrance_embeddings where fragrance_id = tests.fragrance('dior-sauvage-edt')),
  '... and so do its embedding''s');
select is((select count(*)::int from public.fragrance_embeddings e join public.fragrance_documents d using (fragrance_id) where e.facets <> d.facets), 0,
  'every embedding has its document''s facets');
insert into public.fragrances (slug, name, brand_id, concentration, gender)
select 'dior-zephyrine-edp', 'Zéphyrine', id, 'edp', 'feminine' from public.brands where slug = 'dior';
select ok(exists (select 1 from public.fragrance_name_words where word = 'zephyrine'), 'a new name''s words join the lexicon');
select tests.authenticate_as_anon();
select is((select slug from public.search_fragrances('zephyrene') limit 1), 'dior-zephyrine-edp', 'a new name is found through a typo');
select tests.clear_authentication();

-- "Smells like": live, then cached, then invalidated.
select throws_ok(format($$ select * from public.similar_fragrances(%L, 5) $$, gen_random_uuid()), 'PT404', null, 'an unknown fragrance is not found');
select is((select bool_and(not cached) from public.similar_fragrances(tests.fragrance('dior-sauvage-edt'), 5)), true, 'uncached answers are computed live');
select tests.clear_authentication();
select throws_ok($$ update public.fragrance_embeddings set embedding = array_fill(0, array[512])::extensions.vector
                    where fragrance_id = tests.fragrance('dior-sauvage-edt') $$, '23514', null, 'a zero (or any non-unit) vector is refused');
select tests.clear_authentication();
select ok(private.refresh_similar_cache(1000) > 0, 'the pipeline fills the cache');
select tests.authenticate_as_role('authenticated');
select is((select array_agg(similar_fragrance_id order by score desc) from public.similar_fragrances(tests.fragrance('dior-sauvage-edt'), 5) where cached),
          (select array_agg(similar_fragrance_id order by score desc) from public.similar_fragrances_live(tests.fragrance('dior-sauvage-edt'), 5)),
  'the cache answers what the live computation would');
select tests.clear_authentication();
update public.fragrance_embeddings set embedding = pg_temp.vec(42) where fragrance_id = tests.fragrance('dior-sauvage-edt');
select is((select count(*)::int from public.similar_fragrances_cache
           where fragrance_id = tests.fragrance('dior-sauvage-edt') or similar_fragrance_id = tests.fragrance('dior-sauvage-edt')), 0,
  'changing an embedding drops the cache entries it affects');
update public.fragrances set deleted_at = now() where slug = 'chanel-n-5-edp';
select is((select count(*)::int from public.fragrance_documents d full join public.fragrance_embeddings e using (fragrance_id)
           full join public.similar_fragrances_cache c using (fragrance_id)
           where fragrance_id = tests.fragrance('chanel-n-5-edp') or c.similar_fragrance_id = tests.fragrance('chanel-n-5-edp')), 0,
  'soft-deleting a fragrance removes its document, embedding and cached neighbours');

-- A filtered vector list is never cut short. The HNSW scan is forced (no other scan allowed) and
-- stopped after its first pass (max_scan_tuples = 1): alone it finds only the feminine fragrances
-- near the query; the list is completed to every feminine one, in exact distance order.
create function pg_temp.knn(exact boolean, filters jsonb) returns uuid[] language plpgsql as $$
declare
  t private.search_terms := private.search_terms('sauvage',
    (select e.embedding from public.fragrance_embeddings e where e.fragrance_id = tests.fragrance('dior-sauvage-edp')),
    (select e.model from public.fragrance_embeddings e where e.fragrance_id = tests.fragrance('dior-sauvage-edp')),
    filters, 'EUR', 1, 20, 0, 0, 1, 20, 0, 0);
  ids uuid[];
begin
  execute format('select array_agg(k.fragrance_id order by k.distance, k.fragrance_id) from (%s) k',
                 private.search_knn_sql(exact, private.search_filter_sql(t))) into ids using t;
  return ids;
end $$;
set local enable_seqscan = off;
set local enable_bitmapscan = off;
set local hnsw.iterative_scan = relaxed_order;
set local hnsw.ef_search = 20;
set local hnsw.max_scan_tuples = 1;
select ok((select count(*) from (select from public.fragrance_embeddings x where x.facets @> '{gender:feminine}'
           order by x.embedding operator(extensions.<=>) (select e.embedding from public.fragrance_embeddings e
                                                          where e.fragrance_id = tests.fragrance('dior-sauvage-edp'))
           limit 100) s) < (select count(*) from public.fragrance_embeddings x where x.facets @> '{gender:feminine}'),
  'the HNSW scan alone stops short of the feminine fragrances here (the case below is real)');
select is(pg_temp.knn(false, '{"gender": "feminine"}'), pg_temp.knn(true, '{"gender": "feminine"}'),
  'a filtered HNSW list that stops short is completed exactly: every match, in distance order');
reset enable_seqscan;
reset enable_bitmapscan;
reset hnsw.ef_search;
reset hnsw.max_scan_tuples;

-- A brand or family filter ranks its embeddings from a covering index, in half precision, then
-- re-ranks the 2 x depth nearest exactly. pg_temp.vector_list is the vector list a search builds,
-- with the list's depth set.
create function pg_temp.vector_list(filters jsonb, depth integer) returns uuid[] language plpgsql as $$
declare
  t private.search_terms := private.search_terms('zzzz', pg_temp.vec(0.7), 'use-lite-512', filters, 'EUR', 1, 20, 0, 0, 1, 20, 0, 0);
  ids uuid[];
begin
  t.depth := depth;
  execute format('select array_agg(v.fragrance_id order by v.rnk) from (%s) v(fragrance_id, rnk)',
                 private.search_vector_sql(t, private.search_filter_sql(t))) into ids using t;
  return ids;
end $$;
create function pg_temp.nearest(want text[], n integer) returns uuid[] language sql as $$
  select array_agg(fragrance_id) from (
    select x.fragrance_id from public.fragrance_embeddings x where x.facets @> want
    order by extensions.cosine_distance(x.embedding, pg_temp.vec(0.7)), x.fragrance_id limit n) s $$;
select is(private.facet_of('{gender:feminine,family:floral}', 'family'), 'family:floral', 'facet_of finds the facet of a kind');
select is(private.facet_of('{gender:feminine,family:floral}', 'brand'), null, '... and is null when the facets have none');
select ok(private.search_vector_sql(private.search_terms('zzzz', pg_temp.vec(0.7), 'use-lite-512', f, 'EUR', 1, 20, 0, 0, 1, 20, 0, 0), 'true')
            like '%x.embedding_half%', format('a %s filter ranks from a covering index', f))
from unnest(array['{"brand": "dior"}', '{"family": "floral"}', '{"gender": "feminine", "family": "floral"}']::jsonb[]) as f;
select ok(private.search_vector_sql(private.search_terms('zzzz', pg_temp.vec(0.7), 'use-lite-512', '{"gender": "feminine"}', 'EUR', 1, 20, 0, 0, 1, 20, 0, 0), 'true')
            not like '%embedding_half%', '... and a gender filter does not (no covering index leads with it)');
select is(pg_temp.vector_list('{"brand": "dior"}', 60), pg_temp.nearest(array['brand:' || (select id from public.brands where slug = 'dior')], 60),
  'a brand''s list is the exact nearest, in order');
select is(pg_temp.vector_list('{"gender": "feminine", "family": "floral"}', 40), pg_temp.nearest('{gender:feminine,family:floral}', 40),
  'so does a family and gender');
select is(pg_temp.vector_list('{"brand": "dior", "gender": "masculine"}', 60),
          pg_temp.nearest(array['brand:' || (select id from public.brands where slug = 'dior'), 'gender:masculine'], 60),
  'a brand and a gender: the brand''s rows, each tested for the gender');
select ok((select count(*) from public.fragrance_embeddings where facets @> '{gender:feminine,family:floral}') > 2 * 3,
  'more feminine florals than 2 x 3 (the case below is real)');
select is(pg_temp.vector_list('{"gender": "feminine", "family": "floral"}', 3), pg_temp.nearest('{gender:feminine,family:floral}', 3),
  'with more matches than 2 x depth: the exact nearest, in order');
select ok((select bool_and(x.embedding_half = x.embedding::extensions.halfvec(512)) from public.fragrance_embeddings x),
  'every embedding''s half-precision copy is its vector');

-- The page's cards (private.search_cards) ------------------------------------------
-- What a card must say, read as the table owner; then the same through search, as anon.
create temporary table expected_card as
select array(select n.name from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
             where fn.fragrance_id = tests.fragrance('dior-sauvage-edp') and fn.tier = 'top' order by fn.position) as top_notes,
       (select o.listing_id from public.current_offers o join public.variants v on v.id = o.variant_id
        join public.retailers r on r.id = o.retailer_id and r.active
        where v.fragrance_id = tests.fragrance('dior-sauvage-edp') and not o.stale
        order by o.in_stock desc, o.price_base limit 1) as best_offer;
grant select on expected_card to anon;
select tests.authenticate_as_anon();
select is((select c.top_notes from public.search_fragrances('sauvage', page_size => 50) c where c.slug = 'dior-sauvage-edp'),
          (select top_notes from expected_card), 'a card lists the fragrance''s top notes in their order');
select is((select c.best_price from public.search_fragrances('sauvage', page_size => 50) c where c.slug = 'dior-sauvage-edp'),
          (select o.price_base from public.current_offers o where o.listing_id = (select best_offer from expected_card)),
          'a card''s best price is the in-stock, lowest, fresh offer of an active retailer');
select tests.clear_authentication();
update public.current_offers set stale = true where listing_id = (select best_offer from expected_card);
select tests.authenticate_as_anon();
select ok((select c.best_price from public.search_fragrances('sauvage', page_size => 50) c where c.slug = 'dior-sauvage-edp')
          > (select o.price_base from public.current_offers o where o.listing_id = (select best_offer from expected_card)),
          'a stale offer is no card''s best price');
select tests.clear_authentication();
update public.current_offers set stale = false where listing_id = (select best_offer from expected_card);
update public.retailers set active = false where id = (select retailer_id from public.current_offers where listing_id = (select best_offer from expected_card));
select tests.authenticate_as_anon();
select ok((select c.best_price from public.search_fragrances('sauvage', page_size => 50) c where c.slug = 'dior-sauvage-edp')
          > (select o.price_base from public.current_offers o where o.listing_id = (select best_offer from expected_card)),
          'an inactive retailer''s offer is no card''s best price');
select is((select count(*)::int from private.search_cards(array[tests.fragrance('dior-sauvage-edp')])), 1, 'the cards reader gives a live fragrance''s card');
select tests.clear_authentication();
update public.fragrances set deleted_at = now() where id = tests.fragrance('dior-sauvage-edp');
select tests.authenticate_as_anon();
select is((select count(*)::int from private.search_cards(array[tests.fragrance('dior-sauvage-edp')])), 0,
          'the cards reader (security definer) gives no card of a deleted fragrance');
select tests.clear_authentication();

-- Settings whose effect shows only at scale (a 1M catalog), so pinned here: without them a call
-- compiled its query (JIT) for longer than it ran, and two identical calls ranked different pages
-- (a synchronized sequential scan starts where the last one stopped; the lists take first matches).
select ok((select proconfig from pg_catalog.pg_proc where oid = 'public.search_fragrances'::regproc)
          @> array['jit=off', 'synchronize_seqscans=off'],
          'search_fragrances runs without JIT, and its sequential scans start at the first block, so equal calls rank alike');

-- The query-embedding cache: a search reads it first and counts the hit when it logs itself.
select private.cache_query_embedding('test-model', 'Cached Query', pg_temp.vec(0.5));
select ok((select embedding is not null from private.prepare_search('test-model', '{"q": " cached query "}'))
          and (select hits from private.query_embeddings where model = 'test-model') = 0,
          'prepare_search finds a cached embedding and writes nothing');
select private.log_search('cached query', '{}', 1, null, '{}', true, 12, 'test-model');
select private.log_search('cached query', '{}', 1, null, '{}', false, 30, 'test-model');
select is((select hits from private.query_embeddings where model = 'test-model'), 1,
          'log_search counts the hit of a search whose embedding came from the cache (and only of those)');

select * from finish();
rollback;
