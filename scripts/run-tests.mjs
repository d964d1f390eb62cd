#!/usr/bin/env node
// `npm test`: every check against a throwaway cluster (never the dev stack's data),
// ending with one line `N passed, N failed`.
//   pgTAP (supabase/tests) · schema files = migrations · migration round trip · supabase db advisors · supabase db lint
//   generated files up to date · Deno tests (in-process and over HTTP) · Node tests (scripts).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as db from "./stack/cluster.mjs";
import { DENO, DENO_CONFIG, functionEnv, startFunctionsFrom, stopFunctions } from "./stack/functions.mjs";
import { generated, LINTED_SCHEMAS } from "./gen.mjs";
import { applySchemaFiles, definitionRows, filesUnderSchemas, schemaFiles, schemaSnapshot } from "./stack/schema-state.mjs";

const { ROOT } = db;
const tally = { passed: 0, failed: 0, skipped: 0 };
const args = process.argv.slice(2);
const clockChild = args.includes("--clock-child"); // the run a year ahead, started by runAYearAhead
const only = args.filter((a) => a !== "--clock-child"); // e.g. `npm test -- pgtap deno`
/** How far ahead the clock suite runs the suites again: dates, partitions and horizons must not expire. */
const CLOCK_AHEAD = "+365d";
/** The suites whose answers can depend on the date (the schema comparisons and lints cannot). */
const DATED_SUITES = ["pgtap", "gen", "deno", "node"];
/** Each long suite's bound, in minutes: well above its usual time, well within CI's 90 minutes. */
const LIMIT_MINUTES = { pgtap: 15, deno: 20, node: 25, clock: 45 };

function record(name, ok, detail = "") {
  tally[ok ? "passed" : "failed"]++;
  console.log(`${ok ? "ok    " : "FAILED"} ${name}${!ok && detail ? `\n${detail.replace(/^/gm, "       ")}` : ""}`);
}

function sh(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 << 20, ...opts });
}

/**
 * A suite's command, bounded: it runs in its own process group, and past `minutes` the whole group
 * is killed and the answer says so (CI then reports which suite hung, instead of timing out); with a
 * `name`, that is recorded as the failure of that name, with the end of the output. A process the
 * suite left behind cannot hold the run open: the group goes once the command has exited.
 */
async function runBounded(cmd, args, { minutes, env = process.env, name = null }) {
  const r = await runInGroup(cmd, args, { minutes, env });
  if (r.timedOut && name) {
    record(name, false, `${r.error.message}; its output ends:\n${`${r.stdout}\n${r.stderr}`.split("\n").slice(-30).join("\n")}`);
  }
  return r;
}

/** The command in its own process group, the whole group killed past `minutes`: its output and exit status. */
function runInGroup(cmd, args, { minutes, env }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const out = { stdout: "", stderr: "" };
    child.stdout.setEncoding("utf8").on("data", (d) => (out.stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (out.stderr += d));
    const killGroup = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    };
    let timedOut = false;
    const limit = setTimeout(() => (timedOut = true, killGroup()), minutes * 60_000);
    let status = null;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      killGroup();
      resolve({ status, ...out, timedOut, error: timedOut ? new Error(`${path.basename(cmd)} did not finish within ${minutes} minutes`) : null });
    };
    child.on("error", (error) => (finished = true, clearTimeout(limit), resolve({ status: null, ...out, timedOut, error })));
    child.on("exit", (code, signal) => {
      status = code ?? signal;
      setTimeout(done, 5_000).unref(); // the output still in the pipes, unless a leftover holds them
    });
    child.on("close", done);
  });
}

/** Runs one suite and says how long it took (CI's output then shows where the time goes). */
async function timed(suite, fn) {
  const started = Date.now();
  await fn();
  console.log(`test: ${suite} took ${Math.round((Date.now() - started) / 1000)} s`);
}

const wanted = (suite) => only.length === 0 || only.includes(suite);

/**
 * The clock suite: the dated suites (or those asked for) again, in a child run whose processes
 * (PostgreSQL, Deno, Node) see the clock a year ahead (Debian's faketime), reported test by test as
 * "a year ahead: <name>".
 */
async function runAYearAhead() {
  const suites = only.filter((s) => s !== "clock");
  const r = await runBounded("faketime", ["-f", CLOCK_AHEAD, process.execPath, path.join(ROOT, "scripts/run-tests.mjs"), "--clock-child", ...(suites.length ? suites : DATED_SUITES)], {
    minutes: LIMIT_MINUTES.clock, env: { ...process.env, SCENTMATCH_TEST_RUN: "", SCENTMATCH_CLOCK_CHILD: "1" },
  });
  if (r.error && !r.timedOut) return record("a year ahead: the test run starts under faketime", false, r.error.message);
  const lines = `${r.stdout}\n${r.stderr}`.split("\n");
  let seen = 0;
  lines.forEach((line, i) => {
    if (line.startsWith("report: ")) return;
    const t = /^(ok    |FAILED) (.*)$/.exec(line);
    if (!t) return;
    seen++;
    const below = lines.slice(i + 1);
    const end = below.findIndex((l) => !/^ {7}/.test(l));
    record(`a year ahead: ${t[2]}`, t[1] === "ok    ", below.slice(0, end < 0 ? below.length : end).map((l) => l.slice(7)).join("\n"));
  });
  const skipped = /, (\d+) skipped$/m.exec(r.stdout);
  if (skipped) tally.skipped += Number(skipped[1]);
  if (!seen || r.timedOut || r.status !== 0 && !lines.some((l) => l.startsWith("FAILED"))) {
    record("a year ahead: the test run completes", false, [r.error?.message ?? "", ...lines.slice(-30)].join("\n"));
  }
}
const supabase = (args, c) => sh(db.SUPABASE, [...args, `--remote=${c.dbUrl}`], { env: { ...process.env, DO_NOT_TRACK: "1" } });

function diff(a, b) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-diff-"));
  fs.writeFileSync(path.join(dir, "expected"), a);
  fs.writeFileSync(path.join(dir, "actual"), b);
  const out = sh("diff", ["-u", "expected", "actual"], { cwd: dir }).stdout;
  fs.rmSync(dir, { recursive: true });
  return out.split("\n").slice(0, 60).join("\n");
}

async function pgtap(c) {
  const files = fs.readdirSync(path.join(ROOT, "supabase/tests")).filter((f) => f.endsWith(".test.sql")).sort();
  const r = await runBounded("pg_prove", ["--verbose", "--failures", "-h", "127.0.0.1", "-p", String(c.port), "-U", "postgres", "-d", "postgres",
    ...files.map((f) => `supabase/tests/${f}`)], { minutes: LIMIT_MINUTES.pgtap, env: { ...process.env, PGPASSWORD: "postgres" }, name: "pgtap: pg_prove run" });
  const out = `${r.stdout}\n${r.stderr}`;
  const lines = out.split("\n");
  let file = "";
  let failedHere = 0;
  lines.forEach((line, i) => {
    const f = /^(supabase\/tests\/\S+)/.exec(line);
    if (f) file = path.basename(f[1]);
    const t = /^\s*(not ok|ok) \d+( - (.*))?/.exec(line);
    if (!t) return;
    const ok = t[1] === "ok";
    if (!ok) failedHere++;
    // the diagnostics pgTAP prints right under a failing test
    const below = lines.slice(i + 1);
    const end = below.findIndex((l) => !/^\s*#/.test(l));
    record(`pgtap ${file}: ${t[3] ?? ""}`, ok, ok ? "" : below.slice(0, end < 0 ? below.length : end).slice(0, 12).join("\n"));
  });
  if (r.status !== 0 && failedHere === 0) {
    // psql's own errors (what aborted a file) first, then pg_prove's summary
    const errors = lines.filter((l) => /^psql:.*(ERROR|FATAL)/.test(l));
    const summary = lines.filter((l) => /Dubious|Failed|Parse errors|Bad plan/.test(l));
    record("pgtap: pg_prove run", false, [...errors, ...summary].slice(0, 20).join("\n"));
  }
}

/**
 * supabase/schemas (the current definitions) and supabase/migrations (what db push applies) must
 * build the same database: the same schema, cron jobs and rows the definitions insert.
 */
async function schemasEqualMigrations(migrated) {
  const listed = schemaFiles();
  const all = filesUnderSchemas();
  const unlisted = all.filter((f) => !listed.includes(f));
  const twice = listed.filter((f, i) => listed.indexOf(f) !== i);
  const missing = listed.filter((f) => !all.includes(f));
  record("every file under supabase/schemas is listed once in config.toml's schema_paths", !unlisted.length && !twice.length && !missing.length,
    `not listed: ${unlisted.join(", ")}\nlisted twice: ${twice.join(", ")}\nlisted but missing: ${missing.join(", ")}`);
  const { cluster: c, dispose } = await db.throwaway("scentmatch-schemas", 54370);
  try {
    applySchemaFiles(c);
    record("supabase/schemas and supabase/migrations build the same schema and cron jobs", schemaSnapshot(c) === migrated.schema,
      diff(migrated.schema, schemaSnapshot(c)));
    const rows = definitionRows(c);
    record("supabase/schemas and supabase/migrations insert the same rows (settings, lookups, registry)", rows === migrated.rows,
      diff(migrated.rows, rows));
  } catch (err) {
    record("supabase/schemas apply to a fresh database", false, err.message);
  } finally {
    dispose();
  }
}

/** Applied one at a time, each migration's rollback must restore exactly the schema before it. */
async function eachRollbackUndoesItsMigration(migrations, rollbacks) {
  const { cluster: c, dispose } = await db.throwaway("scentmatch-rollbacks", 54380);
  try {
    const before = [schemaSnapshot(c)];
    for (const m of migrations) {
      db.psql(c, { file: path.join(ROOT, "supabase/migrations", m) });
      before.push(schemaSnapshot(c));
    }
    for (let i = migrations.length - 1; i >= 0; i--) {
      const m = migrations[i];
      if (!rollbacks.has(m)) continue;
      try {
        db.psql(c, { file: path.join(ROOT, "supabase/rollbacks", m) });
        const after = schemaSnapshot(c);
        record(`rollback ${m} restores the schema before it`, after === before[i], diff(before[i], after));
      } catch (err) {
        record(`rollback ${m} restores the schema before it`, false, err.message);
        return;
      }
    }
  } finally {
    dispose();
  }
}

async function roundTrip(c, baseline) {
  const migrations = fs.readdirSync(path.join(ROOT, "supabase/migrations")).filter((f) => f.endsWith(".sql")).sort();
  const rollbacks = new Set(fs.readdirSync(path.join(ROOT, "supabase/rollbacks")));
  const missing = migrations.filter((m) => !rollbacks.has(m));
  record("every migration has a rollback in supabase/rollbacks", missing.length === 0, `missing: ${missing.join(", ")}`);
  const including = [...rollbacks].filter((f) => /^\\i[r ]/m.test(fs.readFileSync(path.join(ROOT, "supabase/rollbacks", f), "utf8")));
  record("no rollback includes another file", including.length === 0, `\\i or \\ir in: ${including.join(", ")}`);
  await eachRollbackUndoesItsMigration(migrations, rollbacks);
  // The same rollbacks on the tested database, with the seed and every test's data in it.
  try {
    for (const m of [...migrations].reverse()) {
      if (rollbacks.has(m)) db.psql(c, { file: path.join(ROOT, "supabase/rollbacks", m) });
    }
    db.psql(c, { sql: "truncate supabase_migrations.schema_migrations" });
    const after = schemaSnapshot(c);
    record("rolling back every migration restores the bootstrap schema", after === baseline, diff(baseline, after));
  } catch (err) {
    record("rolling back every migration restores the bootstrap schema", false, err.message);
  }
  try {
    db.pushMigrations(c);
    record("migrations apply again after the rollback", true);
  } catch (err) {
    record("migrations apply again after the rollback", false, err.message);
  }
}

function advisorsAndLint(c) {
  const adv = supabase(["db", "advisors", "--level", "warn", "--fail-on", "warn"], c);
  const advOut = `${adv.stdout}${adv.stderr}`;
  record("supabase db advisors: no WARN or ERROR", adv.status === 0 && !/"level":\s*"(WARN|ERROR)"/.test(advOut), advOut.slice(0, 3000));
  const lint = supabase(["db", "lint", "--schema", LINTED_SCHEMAS.join(","), "--level", "warning", "--fail-on", "error"], c);
  const lintOut = `${lint.stdout}${lint.stderr}`;
  record("supabase db lint: no errors", lint.status === 0 && !/"level":\s*"error"/.test(lintOut), lintOut.slice(0, 3000));
}

function generatedFilesFresh(c) {
  for (const [file, content] of Object.entries(generated(c))) {
    const current = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), "utf8") : "";
    record(`${file} is up to date (npm run gen)`, current === content, diff(current, content));
  }
}

async function denoTests(c) {
  const logFile = path.join(c.dir, "functions.log");
  const { pid, port } = await startFunctionsFrom(c, 54360, logFile);
  try {
    // scripts/stack's *.test.mjs are Node's (nodeTests runs them); Deno would run them a second time.
    const stackTs = fs.readdirSync(path.join(ROOT, "scripts/stack")).filter((f) => f.endsWith(".test.ts")).map((f) => `scripts/stack/${f}`);
    const r = await runBounded(DENO, ["test", "--allow-all", "--config", DENO_CONFIG, "supabase/functions", ...stackTs, "types", "examples/supabase-js"], {
      minutes: LIMIT_MINUTES.deno, env: { ...process.env, ...functionEnv(c, port), FUNCTIONS_URL: `http://127.0.0.1:${port}/functions/v1`, NO_COLOR: "1" },
      name: "deno test run",
    });
    const out = `${r.stdout}\n${r.stderr}`;
    for (const line of out.split("\n")) {
      if (line.startsWith("report: ")) console.log(line); // figures a test measured (e.g. parse accuracy)
      const t = /^(.*?) \.\.\. (ok|FAILED|ignored)/.exec(line);
      if (!t || /^\s/.test(line)) continue; // steps are counted with their test
      if (t[2] === "ignored") { tally.skipped++; continue; }
      const name = t[1].trim();
      const err = t[2] === "FAILED" ? out.slice(out.indexOf(`${name} =>`)).split("\n").slice(0, 25).join("\n") : "";
      record(`deno ${name}`, t[2] === "ok", err);
    }
    // Deno under libfaketime (the run a year ahead) has died of SIGSEGV after its last line, every
    // test passed (seen in a fresh-clone CI=true run): a crash of the runtime on its way out, said
    // here and not counted.
    const crashedAfterPassing = clockChild && r.status === "SIGSEGV" && /^ok \| \d+ passed( \(\d+ steps?\))? \| 0 failed\b/m.test(out);
    if (crashedAfterPassing) console.log("test: deno died of SIGSEGV after reporting every test passed (under faketime); not counted as a failure");
    else if (r.status !== 0 && !/FAILED/.test(out)) record("deno test run", false, [`exit status ${r.status}`, ...out.split("\n").slice(-30)].join("\n"));
  } finally {
    stopFunctions(pid);
  }
}

/** Node's test runner over scripts/*.test.mjs and scripts/ops/*.test.mjs, TAP parsed per test. */
async function nodeTests(c) {
  const files = ["scripts", "scripts/ops", "scripts/stack", "examples/web"].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".test.mjs")).map((f) => `${dir}/${f}`));
  const r = await runBounded(process.execPath, ["--test", "--test-reporter=tap", "--test-timeout=600000", ...files], {
    minutes: LIMIT_MINUTES.node, env: { ...process.env, SUPABASE_DB_URL: c.dbUrl }, name: "node test run",
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const lines = out.split("\n");
  lines.forEach((line, i) => {
    const t = /^(not ok|ok) \d+ - (.*?)( # SKIP.*)?$/.exec(line);
    if (!t) return;
    if (t[3]) { tally.skipped++; return; }
    record(`node ${t[2]}`, t[1] === "ok", lines.slice(i + 1, i + 25).join("\n"));
  });
  if (r.status !== 0 && !/^not ok/m.test(out)) record("node test run", false, out.split("\n").slice(-30).join("\n"));
}

async function main() {
  if (process.env.SCENTMATCH_TEST_RUN) throw new Error("the test runner must not start itself");
  if (clockChild) console.log(`test: the clock is ${new Date().toISOString()} (${CLOCK_AHEAD})`);
  process.env.SCENTMATCH_TEST_RUN = "1";
  const { cluster: c, dispose } = await db.throwaway("scentmatch-test", 54340);
  console.log(`test: throwaway cluster on port ${c.port} in ${c.dir}`);
  try {
    const baseline = schemaSnapshot(c);
    let migrated;
    try {
      db.pushMigrations(c);
      record("migrations apply with supabase db push", true);
      migrated = { schema: schemaSnapshot(c), rows: definitionRows(c) };
    } catch (err) {
      record("migrations apply with supabase db push", false, err.message);
      return;
    }
    try {
      db.seed(c);
      record("supabase/seed.sql loads", true);
    } catch (err) {
      record("supabase/seed.sql loads", false, err.message);
    }
    if (wanted("schemas")) await timed("schemas", () => schemasEqualMigrations(migrated));
    if (wanted("pgtap")) await timed("pgtap", () => pgtap(c));
    if (wanted("advisors")) await timed("advisors", () => advisorsAndLint(c));
    if (wanted("gen")) await timed("gen", () => generatedFilesFresh(c));
    if (wanted("deno")) await timed("deno", () => denoTests(c));
    if (wanted("node")) await timed("node", () => nodeTests(c));
    if (wanted("roundtrip")) await timed("roundtrip", () => roundTrip(c, baseline));
    if (!clockChild && wanted("clock")) await timed("clock", () => runAYearAhead());
  } finally {
    if (process.env.KEEP_TEST_DB) console.log(`test: kept ${c.dbUrl}`);
    else dispose();
  }
}

try {
  await main();
} catch (err) {
  record("test harness", false, err instanceof db.StackError ? err.message : err.stack);
}
console.log(`\n${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ""}`);
process.exit(tally.failed ? 1 : 0);
