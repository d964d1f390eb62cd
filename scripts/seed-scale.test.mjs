import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import postgres from "postgres";
import { ean13, generate } from "./seed-scale.mjs";

const ref = { notes: ["n1", "n2", "n3", "n4", "n5", "n6"], accords: ["a1", "a2", "a3", "a4", "a5", "a6"], families: ["woody", "citrus"], retailers: [], brandNames: [] };
const materialize = (n, seed) => [...generate(n, seed, ref)].map(([table, cols, rows]) => [table, cols, [...rows]]);

test("generate is deterministic for a seed and differs across seeds", () => {
  assert.deepEqual(materialize(200, 7), materialize(200, 7));
  assert.notDeepEqual(materialize(200, 7), materialize(200, 8));
});

test("generate makes unique fragrance slugs, 2-4 notes per tier and at least one retail variant each", () => {
  const tables = Object.fromEntries(materialize(2000, 1).map(([t, cols, rows]) => [t, rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]])))]));
  assert.equal(tables.fragrances.length, 2000);
  assert.equal(new Set(tables.fragrances.map((f) => f.slug)).size, 2000);
  const perTier = new Map();
  for (const n of tables.fragrance_notes) perTier.set(`${n.fragrance_id}/${n.tier}`, (perTier.get(`${n.fragrance_id}/${n.tier}`) ?? 0) + 1);
  assert.ok([...perTier.values()].every((c) => c >= 2 && c <= 4));
  assert.equal(perTier.size, 2000 * 3);
  const retail = new Set(tables.variants.filter((v) => v.packaging === "retail").map((v) => v.fragrance_id));
  assert.equal(retail.size, 2000);
});

test("ean13 appends the GS1 check digit", () => {
  assert.equal(ean13("400638133393"), "4006381333931");
  assert.equal(ean13("590123412345"), "5901234123457");
});

const url = process.env.SUPABASE_DB_URL;
const counts = async (sql) =>
  (await sql`select (select count(*) from public.fragrances)::int as fragrances, (select count(*) from public.brands)::int as brands`)[0];
const seedScale = (...args) => spawnSync(process.execPath, ["scripts/seed-scale.mjs", ...args], { encoding: "utf8" });

test("seed:scale loads a catalog that passes the data-quality error checks", { skip: !url && "needs SUPABASE_DB_URL (npm test sets it)" }, async () => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const before = await counts(sql);
    const run = seedScale("--fragrances", "300", "--seed", "9", "--db-url", url);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).rows.fragrances, 300);
    assert.equal((await counts(sql)).fragrances, before.fragrances + 300);
    await sql`select private.run_data_quality_checks()`;
    const failing = await sql`select check_name from public.data_quality_report() where severity = 'error' and failing_count > 0`;
    assert.deepEqual(failing.map((r) => r.check_name), []);
  } finally {
    await sql.end();
  }
});

test("seed:scale writes nothing when it fails part-way", { skip: !url && "needs SUPABASE_DB_URL (npm test sets it)" }, async () => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const before = await counts(sql);
    // the same seed again collides on the ids it made before: the whole load must roll back
    const run = seedScale("--fragrances", "300", "--seed", "9", "--db-url", url);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /nothing was written/);
    assert.deepEqual(await counts(sql), before);
  } finally {
    await sql.end();
  }
});

test("seed:scale rejects a bad --fragrances with a clear message", () => {
  const run = seedScale("--fragrances", "many");
  assert.equal(run.status, 1);
  assert.match(run.stderr, /--fragrances must be a positive integer, got many/);
});
