// Backup → restore into a fresh database → compare every table. Runs against
// the test cluster `npm test` migrated, seeded and exercised (SUPABASE_DB_URL).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import postgres from "postgres";
import * as db from "../stack/cluster.mjs";
import { backup } from "./backup.mjs";
import { differences, fingerprints } from "./fingerprint.mjs";
import { freshCluster, restoreInto } from "./restore.mjs";

const source = process.env.SUPABASE_DB_URL;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-backup-test-"));
fs.chmodSync(work, 0o755);
const clusters = [];
after(() => {
  for (const c of clusters) db.destroy(c);
  fs.rmSync(work, { recursive: true, force: true });
});

async function query(url, text) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}

/** A restored copy of the source and the source's fingerprints when it was taken. */
async function restoredCopy() {
  const expected = await fingerprints(source);
  const { file } = backup(source, path.join(work, "backups"));
  const c = await freshCluster(path.join(work, `restore-${clusters.length}`), 54360, { fast: true });
  clusters.push(c);
  restoreInto(c, file);
  return { c, file, expected };
}

/** Pauses the copy's pg_cron jobs (its restored schedule runs them) and waits out a run in progress. */
async function pauseJobs(url) {
  await query(url, "update cron.job set active = false");
  for (let i = 0; i < 300; i++) {
    const [{ n }] = await query(url, "select count(*)::int as n from cron.job_run_details where status not in ('succeeded', 'failed')");
    if (n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("a pg_cron job is still running after 30 s");
}

test("backup then restore into a fresh database: every table's row count and checksum match", async () => {
  let { c, expected } = await restoredCopy();
  let diff = differences(expected, await fingerprints(c.dbUrl));
  // A pg_cron job that ran on either side between the fingerprint and the compare writes rows; retry once.
  const cronRan = async (url) => (await query(url, "select count(*)::int as n from cron.job_run_details where start_time > now() - interval '2 minutes'"))[0].n > 0;
  if (diff.length > 0 && ((await cronRan(source)) || (await cronRan(c.dbUrl)))) {
    ({ c, expected } = await restoredCopy());
    diff = differences(expected, await fingerprints(c.dbUrl));
  }
  assert.deepEqual(diff, []);
  const tables = Object.keys(expected);
  for (const t of ["public.fragrances", "public.fragrance_embeddings", "private.price_observations_default", "auth.users", "cron.job", "private.pipeline_runs"]) {
    assert.ok(tables.includes(t), `${t} is compared`);
  }
  assert.ok(expected["public.fragrances"].rows > 0 && expected["cron.job"].rows > 0, "the compared database holds data and jobs");
});

test("the compare fails on any difference: one changed row is named by its table", async () => {
  const { c } = await restoredCopy();
  await pauseJobs(c.dbUrl); // so the one changed row is the only difference
  const expected = await fingerprints(c.dbUrl);
  await query(c.dbUrl, "update public.brands set country = 'ZZ' where slug = (select min(slug) from public.brands)");
  const diff = differences(expected, await fingerprints(c.dbUrl));
  assert.deepEqual(diff.map((d) => d.table), ["public.brands"]);
  assert.equal(diff[0].expected.rows, diff[0].actual.rows, "same row count, different checksum");
});

test("restore refuses a missing file and a database that is not empty, and writes nothing", async () => {
  const c = clusters[0];
  await pauseJobs(c.dbUrl); // else a job may write between the two fingerprints (seen: price facts, a year ahead)
  const before = await fingerprints(c.dbUrl);
  assert.throws(() => restoreInto(c, path.join(work, "nope.dump")), /no such backup file/);
  const { file } = backup(source, path.join(work, "backups-2"));
  assert.throws(() => restoreInto(c, file), /not empty/);
  assert.deepEqual(differences(before, await fingerprints(c.dbUrl)), []);
});

test("a truncated backup fails to restore and leaves the fresh database empty", async () => {
  const { file } = backup(source, path.join(work, "backups-3"));
  const broken = path.join(work, "broken.dump");
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const c = await freshCluster(path.join(work, "restore-broken"), 54360, { fast: true });
  clusters.push(c);
  assert.throws(() => restoreInto(c, broken), /pg_restore failed/);
  const [{ n }] = await query(c.dbUrl, "select count(*)::int as n from pg_namespace where nspname in ('private', 'auth')");
  assert.equal(n, 0, "nothing of the broken restore remains");
});
