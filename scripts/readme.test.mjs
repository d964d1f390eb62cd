// Every command the README documents, run as written (benchmarks at a tiny size) against a second
// local stack in a temporary folder on free ports, so none can silently break. The test fails as well
// when the README documents a command this file does not run, or the other way round.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import * as db from "./stack/cluster.mjs";

const README = fs.readFileSync(path.join(db.ROOT, "README.md"), "utf8");
const state = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-readme-"));
fs.chmodSync(state, 0o755);
const work = path.join(state, "work");
let env;

/** The smoke run of each README command: its arguments and what its output must show. */
const SMOKE = [
  ["npm start", [], /Database URL\s+postgresql:\/\//],
  ["npm run status", [], /"running": true[\s\S]*"running": true[\s\S]*"api_url"/],
  ["npm run user", ["readme@example.com", "--name", "Readme"], /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/m],
  ["npm run gen", [], /wrote docs\/DATA-MODEL\.md/],
  ["npm run db:diff", ["readme_smoke"], /build the same database; nothing to write/],
  ["npm run eval:search", [], /"hybrid":\{"ndcg10":/],
  ["npm run embed:backfill", [], /"current":\s*\d+/],
  ["npm run catalog:import", [path.join(db.ROOT, "supabase/functions/_shared/catalog-import/fixtures/parfumo.csv"), "--source", "readme", "--mapping", "parfumo", "--quiet"],
    /run \d+ \(readme\): succeeded, 444 rows/],
  ["npm run backup", () => [work], /scentmatch-\d{8}T\d{6}Z\.dump/],
  ["npm run restore", () => [fs.readdirSync(work).filter((f) => f.endsWith(".dump")).map((f) => path.join(work, f))[0]], /postgresql:\/\//],
  ["npm run db:reset", [], /Database URL/],
  ["npm run seed:scale", ["--fragrances", "40"], /40 fragrances/],
  ["npm run bench:ingest", ["--fragrances", "200"], /"batch_1000_known_ratio":/],
  ["npm run bench:search", ["--fragrances", "200", "--queries", "10"], /"search_unfiltered":/],
  ["npm run bench:catalog", ["--rows", "300"], /"import_vs_copy":/],
  ["npm run bench:analytics", ["--events", "1000", "--clicks", "100", "--users", "50"], /"max_rpc_ms":/],
  ["npm run bench:prices", ["--fragrances", "200", "--observations", "20000"], /"price_facts_s":/],
  ["npm run bench", ["--fragrances", "200", "--events", "1000", "--clicks", "100", "--users", "50", "--observations", "20000"], /"price_facts_s":/],
  ["npm stop", [], /stopped/],
];

/** The commands the README shows: the two commands, and the first column of its command table. */
function documented() {
  const table = [...README.matchAll(/^\| `(npm (?:run )?[\w:]+)[^`]*` \|/gm)].map((m) => m[1]);
  return ["npm start", ...table].sort();
}

before(async () => {
  env = {
    ...process.env,
    SCENTMATCH_STATE_DIR: state,
    // Below Linux's ephemeral range (32768–60999): the README's commands run the stack on these ports
    // for minutes, and an outgoing connection could take one between this check and `npm start`.
    SCENTMATCH_DB_PORT: String(await db.freePort(24600)),
    SCENTMATCH_API_PORT: String(await db.freePort(24610)),
    SUPABASE_DB_URL: "", // the scripts must find the stack themselves, as for a newcomer
    DATABASE_URL: "",
  };
  delete env.SUPABASE_DB_URL;
  delete env.DATABASE_URL;
  delete env.FUNCTIONS_URL;
});

after(() => {
  spawnSync("npm", ["stop"], { cwd: db.ROOT, env, encoding: "utf8" });
  // a restore is left running by design; stop it with the rest
  for (const dir of fs.existsSync(path.join(state, "restores")) ? fs.readdirSync(path.join(state, "restores")) : []) {
    db.destroy(db.clusterAt(path.join(state, "restores", dir), 0));
  }
  fs.rmSync(state, { recursive: true, force: true });
});

test("the smoke run covers exactly the commands the README documents", () => {
  assert.deepEqual(SMOKE.map(([cmd]) => cmd).sort(), documented());
});

// Under the clock a year ahead (npm test's clock suite) the same commands would only run again: skipped there.
const skip = process.env.SCENTMATCH_CLOCK_CHILD ? "run once, with today's clock" : false;

test("every README command works as written, in order, on a stack of its own", { timeout: 30 * 60_000, skip }, () => {
  for (const [cmd, args, expected] of SMOKE) {
    const extra = typeof args === "function" ? args() : args;
    const [bin, ...words] = cmd.split(" ");
    const r = spawnSync(bin, [...words, ...(extra.length ? ["--", ...extra] : [])], {
      cwd: db.ROOT, env, encoding: "utf8", timeout: 10 * 60_000, maxBuffer: 64 << 20,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `${cmd} ${extra.join(" ")} exited ${r.status}:\n${out.split("\n").slice(-25).join("\n")}`);
    assert.match(out, expected, `${cmd}: output lacks ${expected}:\n${out.split("\n").slice(-15).join("\n")}`);
  }
});
