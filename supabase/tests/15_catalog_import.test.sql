-- Catalog import, the SQL side: the note vocabulary (keys, parents), a batch's reading of rows
-- (concentration out of names, years, genders, repeated keys), merge and review, field-level
-- precedence and the triggers that make hand edits curated, and who may call what.
begin;
\ir helpers.sql
select plan(34);

-- Note vocabulary
select is(private.note_key('Tonka Beans'), 'tonka bean', 'note keys fold plurals');
select is(private.note_key('RED BERRIES'), 'red berry', '... -ies and case');
select is(private.note_key('Peaches'), 'peach', '... -es after ch');
select is(private.note_key('Vétiver'), private.note_key('vetiver'), '... and accents');
select is(private.note_key('Iris'), private.note_key('iris'), 'an odd stem still matches itself');
select is((select p.name from public.notes n join public.notes p on p.id = n.parent_id where n.name = 'Calabrian Bergamot'), 'Bergamot',
  'the seed''s kinds of notes hang under their parent');
insert into public.notes (family_id, slug, name)
  values ((select id from public.note_families where slug = 'flowers'), 'iris-absolute', 'Iris Absolute');
select is(private.link_note_parents(array[(select id from public.notes where slug = 'iris-absolute')]), 1, 'link_note_parents links the notes given');
select is((select p.name from public.notes n join public.notes p on p.id = n.parent_id where n.slug = 'iris-absolute'), 'Iris',
  'a material word after a note makes it a kind of that note');

-- A batch
create temporary table run as select run_id from private.start_catalog_import('pgtap', 'pgtap.json', repeat('0', 64));
select is(private.import_catalog_batch((select run_id from run), $$[
  {"line": 1, "key": "k1", "brand": "Parfums Tapé", "name": "Essai Eau de Parfum", "gender": "women", "year": "2011",
   "top": ["Bergamot", "pink peppers"], "base": ["Smoked Oud"], "accords": ["amber", "Inkwell"], "perfumers": ["Ann Tap"]},
  {"line": 2, "key": "k2", "brand": "PARFUMS TAPE", "name": "essai", "concentration": "EdP", "year": "2011.0"},
  {"line": 3, "key": "k3", "brand": "Parfums Tapé", "name": "Essai Intense", "concentration": "edp"},
  {"line": 4, "key": "k4", "brand": "Parfums Tapé", "name": "Essaj", "concentration": "edp"},
  {"line": 5, "key": "k5", "brand": "Parfums Tapé", "name": "Sans Concentration"},
  {"line": 6, "key": "k6", "brand": "Parfums Tapé", "name": "Année", "concentration": "edt", "year": "19xx"},
  {"line": 7, "key": "k6", "brand": "Parfums Tapé", "name": "Année", "concentration": "edt", "year": "1999"},
  {"line": 8, "key": "k8", "brand": "Parfums Tapé", "name": "Robot", "concentration": "edt", "gender": "robot"},
  {"line": 9, "key": "k9", "brand": "Parfums Tapé", "name": "Mystère", "concentration": "Eau de Mystery"},
  {"line": 10, "brand": "Christian Dior", "name": "Sauvage", "concentration": "Eau de Toilette", "year": 1950},
  {"line": 11, "key": "k11", "errors": [{"field": "row", "reason": "has 3 fields, the header has 13"}], "brand": "X", "name": "Y"}
]$$::jsonb, 11) - array['brands_created', 'notes_created', 'accords_created', 'perfumers_created'],
  '{"inserted": 3, "updated": 0, "merged": 2, "review": 3, "unchanged": 0, "rejected": 3}'::jsonb,
  'a batch answers how many rows it inserted, merged, sent to review and rejected');
select is((select concat_ws('|', f.name, f.concentration, f.gender, f.launch_year) from public.fragrances f
           join public.brands b on b.id = f.brand_id where b.name = 'Parfums Tapé' and f.name_normalized = 'essai'),
  'Essai|edp|feminine|2011', 'the concentration comes out of the name; the second spelling of the row merged into it');
select is((select count(*)::int from public.brands where name_normalized = 'parfums tape'), 1, 'one brand, however it is written');
select is((select array_agg(n.name order by fn.tier, fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
           join public.fragrances f on f.id = fn.fragrance_id where f.name = 'Essai' and f.brand_id = (select id from public.brands where name = 'Parfums Tapé')),
  array['Bergamot', 'Pink Pepper', 'Smoked Oud'], 'notes resolve through the vocabulary; an unknown one is made');
select is((select p.name || '/' || nf.slug from public.notes n join public.notes p on p.id = n.parent_id join public.note_families nf on nf.id = n.family_id
           where n.name = 'Smoked Oud'), 'Oud/woods', 'a new note that is a kind of a known one takes its parent and family');
select is((select count(*)::int from public.fragrances where name = 'Essai Intense'), 1, 'a flanker is its own fragrance');
select is((select reason || ' ~ ' || (select name from public.fragrances where id = candidate_id) from private.catalog_import_reviews where source_key = 'k4'),
  'near duplicate of another row of the file ~ Essai', 'a typo of a name goes to review with the name it repeats');
select is((select reason from private.catalog_import_reviews where source_key = 'k5'), 'concentration missing', 'a row without a concentration is held, not guessed');
select is((select reason from private.catalog_import_reviews where source_key = 'k9'), 'concentration not understood: Eau de Mystery',
  'as is one whose concentration is not understood');
select is((select array_agg(line || ':' || field order by line, field) from private.catalog_import_rejects where run_id = (select run_id from run)),
  array['6:key', '6:year', '8:gender', '11:row'], 'rejects say the line and each field at fault: a repeated key (the later line is kept), a year, a gender, a row of the wrong width');
select is((select launch_year from public.fragrances f where f.name = 'Année'), 1999::smallint, 'the kept line of a repeated key is imported');
select is((select launch_year from public.fragrances where slug = 'dior-sauvage-edt'), 2015::smallint,
  'a curated field of a seed fragrance is not overwritten by a merged row');
select is((select s.source_key from private.catalog_source_rows s where s.fragrance_id = tests.fragrance('dior-sauvage-edt')),
  'name:christian dior|sauvage|edt', 'a row without an id is known by its brand (as the source writes it), name and concentration');

-- Precedence: a hand edit makes a field curated
create temporary table essai as select f.id from public.fragrances f join public.brands b on b.id = f.brand_id
  where b.name = 'Parfums Tapé' and f.name = 'Essai';
select is((select array_agg(field order by field) from private.fragrance_field_sources where fragrance_id = (select id from essai)),
  array['accords', 'gender', 'launch_year', 'notes', 'perfumers'], 'the import holds the fields it set');
update public.fragrances set launch_year = 2010 where id = (select id from essai);
delete from public.fragrance_accords where fragrance_id = (select id from essai) and strength < 100;
select is((select array_agg(field order by field) from private.fragrance_field_sources where fragrance_id = (select id from essai)),
  array['gender', 'notes', 'perfumers'], 'a hand edit of a field or list makes it curated');
select is(private.import_catalog_batch((select run_id from run), $$[
  {"line": 12, "key": "k1", "brand": "Parfums Tapé", "name": "Essai Eau de Parfum", "gender": "men", "year": "2012",
   "top": ["Lemon"], "accords": ["woody"]}]$$::jsonb, 12) ->> 'updated', '1', 'a changed source row is updated');
select is((select concat_ws('|', f.gender, f.launch_year, (select count(*) from public.fragrance_accords a where a.fragrance_id = f.id),
                  (select string_agg(n.name, ',') from public.fragrance_notes fn join public.notes n on n.id = fn.note_id where fn.fragrance_id = f.id))
           from public.fragrances f where f.id = (select id from essai)),
  'masculine|2010|1|Lemon', 'the source corrects what it holds (gender, notes), never what is curated (year, accords)');
select is(private.import_catalog_batch((select run_id from run), $$[
  {"line": 13, "key": "k1", "brand": "Parfums Tapé", "name": "Essai Eau de Parfum", "gender": "men", "year": "2012",
   "top": ["Lemon"], "accords": ["woody"]}]$$::jsonb, 13) ->> 'unchanged', '1', 'the same row again is unchanged');

-- Who may call what
select is(tests.try_as(r, case when r = 'authenticated' then gen_random_uuid() end, format('select %s', f)), 'denied', format('%s may not call %s', r, f))
from unnest(array['anon', 'authenticated']) as r,
     unnest(array['public.catalog_reviews()', $$public.resolve_catalog_review(1, 'reject')$$]) as f;
select is(tests.try_as('anon', null, format('select * from public.fragrance_lineage(%L)', (select id from essai))), 'denied',
  'anon may not read lineage');

-- Workers: how a chunk is split (every spelling of one brand goes to the same worker)
select is((select count(distinct k.key)::int from private.catalog_import_brand_keys(array['YSL', 'Yves Saint Laurent', 'YVES SAINT-LAURENT', 'Saint Laurent']) k), 1,
  'brand keys: an alias, the name, its capitals and spacing are one brand, so one worker');
select is((select count(distinct k.key)::int from private.catalog_import_brand_keys(array['Maison Inconnue', 'MAISON INCONNUE', 'Maison  Inconnue']) k), 1,
  'brand keys: a brand not known yet is keyed by its normalized name');
select isnt((select k.key from private.catalog_import_brand_keys(array['Dior']) k), (select k.key from private.catalog_import_brand_keys(array['Chanel']) k),
  'brand keys: two brands, two keys');

select * from finish();
rollback;
