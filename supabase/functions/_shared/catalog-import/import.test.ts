import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert/strict";
import { connect } from "../db.ts";
import { env } from "../testing.ts";
import { type Format, importCatalog, type Summary } from "./import.ts";
import { mappingNamed } from "./mappings.ts";
import { type Expected, generateFixtures, NEW_NOTES } from "./fixtures/generate.ts";
import { catalogCheckpoint, catalogFingerprint, FIXTURES, fixtureBytes, sha256 } from "./testing.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 }, { statementTimeout: 60 });
const expected: Expected = JSON.parse(await Deno.readTextFile(new URL("expected.json", FIXTURES)));

const FILES = [
  { file: "parfumo.csv", source: "parfumo", mapping: "parfumo", format: "csv", encoding: "utf-8" },
  { file: "fragrantica.csv", source: "fragrantica", mapping: "fragrantica", format: "csv", encoding: "latin1" },
  { file: "scentmatch.json", source: "scentmatch-json", mapping: "scentmatch", format: "json", encoding: "utf-8" },
] as const;

async function importFixture(i: number, o: { batchSize?: number; failAfter?: number; workers?: number } = {}): Promise<Summary> {
  const f = FILES[i];
  return await importCatalog(sql, fixtureBytes(f.file, { failAfter: o.failAfter }), {
    source: f.source, mapping: mappingNamed(f.mapping), format: f.format as Format, encoding: f.encoding,
    fileName: f.file, sha256: await sha256(f.file), batchSize: o.batchSize, workers: o.workers,
  });
}

/** Seed fragrances' fields and lists by id (they are curated: an import may only fill what is empty). */
const seedState = async (at: Date) =>
  new Map((await sql`
    select f.id, concat_ws('|', f.name, f.gender, f.launch_year, f.updated_at,
      (select string_agg(fn.note_id::text || fn.tier::text || fn.position::text, ',' order by fn.tier, fn.position) from public.fragrance_notes fn where fn.fragrance_id = f.id),
      (select string_agg(fa.accord_id::text || ':' || fa.strength::text, ',' order by fa.accord_id) from public.fragrance_accords fa where fa.fragrance_id = f.id)) as fields,
      (select string_agg(fp.perfumer_id::text, ',' order by fp.perfumer_id) from public.fragrance_perfumers fp where fp.fragrance_id = f.id) as perfumers
    from public.fragrances f where f.created_at < ${at}`).map((r) => [r.id as string, { fields: r.fields as string, perfumers: r.perfumers as string | null }]));

Deno.test("catalog import fixtures: the committed files are what fixtures/generate.ts writes", async () => {
  const { files, expected: want } = generateFixtures();
  for (const [name, bytes] of Object.entries(files)) {
    assertEquals(await Deno.readFile(new URL(name, FIXTURES)), bytes, `${name}: run deno run -A fixtures/generate.ts`);
  }
  assertEquals(expected, want);
  ok(Object.values(want).reduce((n, e) => n + e.rows, 0) >= 500, "at least 500 rows of mess");
});

Deno.test("catalog import: three files in two export layouts and JSON, each row inserted, merged, sent to review or rejected as expected", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const seedBefore = await seedState(checkpoint.at);
    for (const [i, f] of FILES.entries()) {
      const s = await importFixture(i);
      const want = expected[f.file];
      assertEquals(s.status, "succeeded");
      assertEquals([s.rows, s.counts.brands_created], [want.rows, want.brands_created], f.file);
      assertEquals(Object.fromEntries(Object.keys(want.counts).map((k) => [k, s.counts[k]])), want.counts, f.file);
      assertEquals(s.rejects.map((r) => ({ line: r.line, field: r.field })), want.rejects, f.file);
    }
    const seedAfter = await seedState(checkpoint.at);
    let filled = 0;
    for (const [id, before] of seedBefore) {
      const after = seedAfter.get(id)!;
      assertEquals(after.fields, before.fields, "a curated field is never overwritten");
      if (before.perfumers !== null) assertEquals(after.perfumers, before.perfumers, "nor a curated list");
      else if (after.perfumers !== null) filled++;
    }
    ok(filled > 0, "an empty list of a seed fragrance is filled");

    const [dupes] = await sql`
      select count(*)::int as n from (select 1 from public.fragrances where deleted_at is null
        group by brand_id, replace(name_normalized, ' ', ''), concentration having count(*) > 1) d`;
    assertEquals(dupes.n, 0, "no fragrance twice");
    const [brands] = await sql`select count(*)::int as n from public.brands where created_at >= ${checkpoint.at}`;
    assertEquals(brands.n, 24 + 8 + 1, "a brand written in capitals or without accents is the same brand");

    // Notes: other spellings of known notes made none; kinds of known notes hang under them.
    const made = await sql`
      select n.name, p.name as parent, nf.slug as family, pf.slug as parent_family
      from public.notes n join public.note_families nf on nf.id = n.family_id
      left join public.notes p on p.id = n.parent_id left join public.note_families pf on pf.id = p.family_id
      where n.created_at >= ${checkpoint.at} order by n.name`;
    ok(made.length > 0 && made.every((n) => n.name in NEW_NOTES), `only new notes were made: ${made.map((n) => n.name)}`);
    for (const n of made) {
      const parent = NEW_NOTES[n.name as keyof typeof NEW_NOTES];
      assertEquals([n.parent, n.family], [parent, parent ? n.parent_family : "unclassified"], n.name);
    }

    // A fragrance in two files has both lineages; its fields come from the first source that set them.
    const [twice] = await sql`
      select s.fragrance_id from private.catalog_source_rows s group by s.fragrance_id
      having count(distinct s.source) = 3 limit 1`;
    ok(twice, "some fragrance is in all three files");
    const lineage = await sql`select * from public.fragrance_lineage(${twice.fragrance_id})`;
    assertEquals([...new Set(lineage.map((l) => l.source))].sort(), ["fragrantica", "parfumo", "scentmatch-json"]);
    ok(lineage.find((l) => l.source === "parfumo")?.fields.includes("launch_year"), "parfumo set the year first");
    ok(!lineage.find((l) => l.source === "fragrantica")?.fields.includes("launch_year"), "fragrantica's year lost to it");

    // Data quality sees what came in: implausible years, notes outside the vocabulary.
    await sql`select private.run_data_quality_checks()`;
    const dq = Object.fromEntries((await sql`select check_name, failing_count from public.data_quality_report()`)
      .map((r) => [r.check_name, r.failing_count]));
    ok(dq.fragrance_launch_year_implausible >= 2, `years 1720 and 2099 are flagged (${dq.fragrance_launch_year_implausible})`);
    ok(dq.note_without_parent >= made.filter((n) => !n.parent).length);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: importing the same files again changes nothing", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    for (const i of FILES.keys()) await importFixture(i);
    const before = await catalogFingerprint(sql, checkpoint.at);
    const [{ updated }] = await sql`select max(updated_at) as updated from public.fragrances`;
    for (const [i, f] of FILES.entries()) {
      const s = await importFixture(i);
      const want = expected[f.file];
      assertEquals(s.counts.unchanged, want.rows - want.counts.rejected, f.file);
      assertEquals(s.counts.rejected, want.counts.rejected, f.file);
      assertEquals([s.counts.inserted, s.counts.updated, s.counts.merged, s.counts.review], [0, 0, 0, 0], f.file);
    }
    assertEquals(await catalogFingerprint(sql, checkpoint.at), before);
    assertEquals((await sql`select max(updated_at) as updated from public.fragrances`)[0].updated, updated, "no row touched");
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: an interrupted import resumes after its last committed batch and ends as an uninterrupted one", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const size = (await Deno.stat(new URL("parfumo.csv", FIXTURES))).size;
    await rejects(importFixture(0, { batchSize: 50, failAfter: size / 2 }), /connection lost/);
    const [failed] = await sql`select status, rows_done, error from private.catalog_import_runs order by id desc limit 1`;
    assertEquals(failed.status, "failed");
    ok(failed.rows_done > 0 && failed.rows_done % 50 === 0, `checkpoint at a batch boundary (${failed.rows_done})`);
    const [{ n: kept }] = await sql`select count(*)::int as n from private.catalog_source_rows`;
    ok(kept > 0, "committed batches stay");

    const resumed = await importFixture(0, { batchSize: 50 });
    assertEquals([resumed.status, resumed.resumed_after, resumed.rows], ["succeeded", failed.rows_done, expected["parfumo.csv"].rows]);
    const interrupted = await catalogFingerprint(sql, checkpoint.at);

    await checkpoint.restore();
    const again = await catalogCheckpoint(sql);
    await importFixture(0, { batchSize: 50 });
    assertEquals(await catalogFingerprint(sql, again.at), interrupted);
  } finally {
    await checkpoint.restore();
  }
});

/** Imports JSON rows as one source (a file of its own each time). */
async function importRows(source: string, rows: Record<string, unknown>[]) {
  const body = new TextEncoder().encode(JSON.stringify(rows));
  return await importCatalog(sql, (async function* () {
    yield body;
  })(), { source, mapping: mappingNamed("scentmatch"), format: "json" });
}

Deno.test("catalog import precedence: a source corrects its own fields, never a curated one, and fills a defaulted gender", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const row = { key: "a1", brand: "Maison Précédence", name: "Ordre", concentration: "edp", year: 2001, top: ["Bergamot"], base: ["Musk"] };
    assertEquals((await importRows("first", [row])).counts.inserted, 1);
    const fragrance = async () =>
      (await sql`
        select f.id, f.launch_year, f.gender,
               array(select n.name from public.fragrance_notes fn join public.notes n on n.id = fn.note_id
                     where fn.fragrance_id = f.id order by fn.tier, fn.position) as notes
        from public.fragrances f where f.name = 'Ordre'`)[0];
    assertEquals((await fragrance()).gender, "unisex");

    // The source corrects itself: its year and pyramid change.
    assertEquals((await importRows("first", [{ ...row, year: 2002, top: ["Lemon"] }])).counts.updated, 1);
    assertEquals([(await fragrance()).launch_year, (await fragrance()).notes], [2002, ["Lemon", "Musk"]]);

    // A person edits the year: curated from now on.
    await sql`update public.fragrances set launch_year = 1999 where name = 'Ordre'`;
    await importRows("first", [{ ...row, year: 2003, top: ["Yuzu"] }]);
    assertEquals([(await fragrance()).launch_year, (await fragrance()).notes], [1999, ["Yuzu", "Musk"]]);

    // Another source merges into it: its year and notes lose to the first source's, its gender fills the default.
    const other = await importRows("second", [{ key: "z9", brand: "MAISON PRECEDENCE", name: "ordre", concentration: "Eau de Parfum", year: 1980, gender: "women", top: ["Rose"] }]);
    assertEquals(other.counts.merged, 1);
    assertEquals([(await fragrance()).launch_year, (await fragrance()).notes, (await fragrance()).gender], [1999, ["Yuzu", "Musk"], "feminine"]);
    const lineage = await sql`select source, fields from public.fragrance_lineage(${(await fragrance()).id}) order by source`;
    assertEquals(lineage.map((l) => [l.source, l.fields]), [["first", ["notes"]], ["second", ["gender"]]]);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import review: listed with the candidate; merge, create with a concentration, reject; a re-import keeps the decisions", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    await importFixture(0);
    const queue = await sql`select * from public.catalog_reviews()`;
    assertEquals(queue.length, expected["parfumo.csv"].counts.review);
    ok(queue.every((r) => r.reason === "concentration missing" && r.brand && r.name));
    const [target] = await sql`select id from public.fragrances where slug = 'dior-sauvage-edt'`;

    const created = await sql`select public.resolve_catalog_review(${queue[0].id}, 'create', 'edt') as r`;
    assertEquals(created[0].r.status, "created");
    const [made] = await sql`select name, concentration from public.fragrances where id = ${created[0].r.fragrance_id}`;
    assertEquals(made, { name: queue[0].name, concentration: "edt" });
    const merged = await sql`select public.resolve_catalog_review(${queue[1].id}, 'merge', null, ${target.id}) as r`;
    assertEquals([merged[0].r.status, merged[0].r.fragrance_id], ["merged", target.id]);
    assertEquals((await sql`select public.resolve_catalog_review(${queue[2].id}, 'reject') as r`)[0].r.status, "rejected");

    await rejects(sql`select public.resolve_catalog_review(${queue[0].id}, 'reject')`, /is not pending/);
    await rejects(sql`select public.resolve_catalog_review(${queue[3].id}, 'create')`, /give one/);
    await rejects(sql`select public.resolve_catalog_review(${queue[3].id}, 'split')`, /merge, create or reject/);

    const again = await importFixture(0);
    assertEquals(again.counts.review, 0, "decided and pending rows alike are unchanged");
    assertEquals((await sql`select count(*)::int as n from public.catalog_reviews()`)[0].n, queue.length - 3);
    assertEquals((await sql`select count(*)::int as n from public.catalog_reviews('merged')`)[0].n, 1);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: a batch is all or nothing, and the checkpoint is the end of the committed batches' contiguous prefix", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const [{ run_id }] = await sql`select run_id from private.start_catalog_import('atomic', 'a.json', null)`;
    await rejects(sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 1, brand: "Atomique", name: "Un", concentration: "edp" }, { line: "two" }] as never)}, 2)`,
      /line number/);
    assertEquals((await sql`select count(*)::int as n from public.brands where name = 'Atomique'`)[0].n, 0);
    await sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 1, brand: "Atomique", name: "Un", concentration: "edp" }] as never)}, 5)`;
    await rejects(sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 9, brand: "Atomique", name: "Neuf", concentration: "edp" }] as never)}, 8)`,
      /must be the last line/);
    // Lines 11-20 commit before 6-10 (a retried batch): the checkpoint waits for the gap to close.
    await sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 11, brand: "Atomique", name: "Onze", concentration: "edp" }] as never)}, 20)`;
    assertEquals((await sql`select rows_done from private.catalog_import_runs where id = ${run_id}`)[0].rows_done, 5);
    await sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 6, brand: "Atomique", name: "Six", concentration: "edp" }] as never)}, 10)`;
    const [run] = await sql`select rows_done, counts from private.catalog_import_runs where id = ${run_id}`;
    assertEquals([run.rows_done, run.counts.inserted], [20, 3]);
    await sql`select private.finish_catalog_import(${run_id})`;
    await rejects(sql`select private.import_catalog_batch(${run_id}, '[]', 6)`, /is not running/);
    const [recorded] = await sql`select status, rows_in, rows_out from private.pipeline_runs where pipeline = 'catalog-import' and subject = 'atomic'`;
    assertEquals(recorded, { status: "succeeded", rows_in: 20, rows_out: 3 });
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import with workers: each brand's rows stay on one worker in file order, so three workers end as one", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const counts = async (workers: number) => {
      const all = [];
      for (const i of FILES.keys()) all.push((await importFixture(i, { batchSize: 40, workers })).counts);
      return all;
    };
    const serial = await counts(1);
    const alone = await catalogFingerprint(sql, checkpoint.at);
    await checkpoint.restore();
    const again = await catalogCheckpoint(sql);
    assertEquals(await counts(3), serial);
    assertEquals(await catalogFingerprint(sql, again.at), alone);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: a chunk split among workers counts toward the checkpoint only when all its parts are committed", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const SHA = "a".repeat(64);
    const [{ run_id }] = await sql`select run_id from private.start_catalog_import('parts', 'p.json', ${SHA})`;
    const batch = (rows: object[], done: number, part: number, parts: number) =>
      sql`select private.import_catalog_batch(${run_id}, ${sql.json(rows as never)}, ${done}, ${part}, ${parts})`;
    const rowsDone = async () => (await sql`select rows_done from private.catalog_import_runs where id = ${run_id}`)[0].rows_done;
    await rejects(batch([{ line: 1, brand: "Partie", name: "Un", concentration: "edp" }], 4, 2, 2), /part must be from 0 to parts - 1/);
    await batch([{ line: 2, brand: "Partie", name: "Deux", concentration: "edp" }], 4, 1, 2);
    assertEquals(await rowsDone(), 0, "lines 1 and 3 are in the part not yet committed");
    await batch([{ line: 1, brand: "Autre", name: "Un", concentration: "edp" }, { line: 3, brand: "Autre", name: "Trois", concentration: "edp" }], 4, 0, 2);
    assertEquals(await rowsDone(), 4);
    // A resume drops the parts after the checkpoint: they are sent again, maybe cut otherwise.
    await batch([{ line: 6, brand: "Partie", name: "Six", concentration: "edp" }], 8, 0, 2);
    await sql`select private.finish_catalog_import(${run_id}, 'stopped (test)')`;
    const [resumed] = await sql`select run_id, resume_after from private.start_catalog_import('parts', 'p.json', ${SHA})`;
    assertEquals([resumed.run_id, resumed.resume_after], [run_id, 4]);
    assertEquals((await sql`select count(*)::int as n from private.catalog_import_batches where run_id = ${run_id} and last_line > 4`)[0].n, 0);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: two parts of a chunk committing at once leave the checkpoint at the chunk's end", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const [{ run_id }] = await sql`select run_id from private.start_catalog_import('race', 'r.json', null)`;
    // Part 0 commits only after part 1 has started and is waiting for the run's row.
    let part1: Promise<unknown> | undefined;
    await sql.begin(async (tx) => {
      await tx`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 1, brand: "Course Une", name: "Un", concentration: "edp" }] as never)}, 2, 0, 2)`;
      part1 = sql`select private.import_catalog_batch(${run_id}, ${sql.json([{ line: 2, brand: "Course Deux", name: "Deux", concentration: "edp" }] as never)}, 2, 1, 2)`.execute();
      let waiting = false;
      for (let i = 0; i < 100 && !waiting; i++) {
        waiting = (await sql`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%import_catalog_batch%'`)[0].n > 0;
        if (!waiting) await new Promise((r) => setTimeout(r, 50));
      }
      ok(waiting, "part 1 waits for the run's row while part 0 is uncommitted");
    });
    await part1;
    assertEquals((await sql`select rows_done from private.catalog_import_runs where id = ${run_id}`)[0].rows_done, 2);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: batches that share a brand run one after the other (the brand's row is locked to the commit)", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    await importRows("locks", [{ key: "l1", brand: "Maison Verrou", name: "Clef", concentration: "edp" }]);
    let importDone = false;
    let waited = false;
    let importing: Promise<Summary> | undefined;
    await sql.begin(async (tx) => {
      await tx`select from public.brands where name = 'Maison Verrou' for no key update`;
      importing = importRows("locks-2", [{ key: "l2", brand: "MAISON VERROU", name: "Clé", concentration: "edp" }])
        .then((s) => (importDone = true, s));
      // The import's batch waits on the brand's row lock.
      for (let i = 0; i < 100 && !waited; i++) {
        waited = (await sql`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%import_catalog_batch%'`)[0].n > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 50));
      }
      ok(waited && !importDone, "the batch waits while another transaction holds the brand");
    });
    assertEquals((await importing!).counts.inserted, 1);
    const [{ n }] = await sql`select count(*)::int as n from public.fragrances f join public.brands b on b.id = f.brand_id where b.name = 'Maison Verrou'`;
    assertEquals(n, 2);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("catalog import: search documents follow the import (refreshed once per batch), and embeddings are queued, not awaited", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    await importRows("docs", [
      { key: "d1", brand: "Maison Documentée", name: "Zéphyrine", concentration: "edp", top: ["Bergamot"], accords: ["citrus"] },
    ]);
    const [doc] = await sql`
      select d.search_name, d.document, d.name_words,
             exists (select from private.embedding_jobs j where j.fragrance_id = d.fragrance_id and j.status = 'queued') as queued,
             exists (select from public.fragrance_embeddings e where e.fragrance_id = d.fragrance_id) as embedded,
             exists (select from public.fragrance_name_words w where w.word = 'zephyrine') as word
      from public.fragrance_documents d join public.fragrances f on f.id = d.fragrance_id
      where f.name = 'Zéphyrine'`;
    assertEquals([doc.search_name, doc.queued, doc.embedded, doc.word], ["maison documentee zephyrine", true, false, true]);
    ok(/top notes of bergamot/.test(doc.document), doc.document);
    // A later correction of the source rewrites the document.
    await importRows("docs", [
      { key: "d1", brand: "Maison Documentée", name: "Zéphyrine", concentration: "edp", top: ["Lemon"], accords: ["citrus"] },
    ]);
    const [after] = await sql`select d.document from public.fragrance_documents d join public.fragrances f on f.id = d.fragrance_id where f.name = 'Zéphyrine'`;
    ok(/top notes of lemon/.test(after.document), after.document);
  } finally {
    await checkpoint.restore();
  }
});
