#!/usr/bin/env node
// The local stack without Docker: `node scripts/stack.mjs start|stop|status|reset|exec -- <command>`.
// PostgreSQL on 127.0.0.1:54322 and the edge functions on 127.0.0.1:54321,
// the addresses and credentials `supabase start` uses. State lives in .local/
// (scripts/stack/local.mjs; environment variables move it).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as db from "./stack/cluster.mjs";
import { API_PORT, LOCAL_API_URL, localCluster, localEnv, STATE_DIR } from "./stack/local.mjs";
import { alive, startFunctions, stopFunctions } from "./stack/functions.mjs";
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from "./stack/keys.mjs";

const FUNCTIONS_PORT = API_PORT;  // the API gateway: functions, RPCs and the demo
const LOGS = path.join(STATE_DIR, "logs");
const FUNCTIONS_PID = path.join(STATE_DIR, "functions.pid");
const cluster = localCluster();
const seededMarker = path.join(cluster.dir, "seeded");

const say = (msg) => console.log(`stack: ${msg}`);

function functionsPid() {
  const pid = Number(fs.existsSync(FUNCTIONS_PID) && fs.readFileSync(FUNCTIONS_PID, "utf8"));
  return pid && alive(pid) ? pid : null;
}

function facts() {
  return {
    db: { running: db.isRunning(cluster), url: cluster.dbUrl, data_dir: cluster.dataDir, log: cluster.logFile },
    functions: {
      running: functionsPid() !== null,
      url: `${LOCAL_API_URL}/functions/v1`,
      log: path.join(LOGS, "functions.log"),
    },
    // what supabase-js's createClient takes; the local gateway serves RPCs, functions and the demo, not all of Supabase's API
    api_url: LOCAL_API_URL,
    serves: {
      rpc: `${LOCAL_API_URL}/rest/v1/rpc/<function>`,
      functions: `${LOCAL_API_URL}/functions/v1/<name>`,
      demo: `${LOCAL_API_URL}/demo/`,
    },
    not_served: "table queries (.from()), Auth flows and Realtime: use `npx supabase start` (Docker) or a hosted project; `npm run user -- <email>` gives a signed-in token",
    anon_key: ANON_KEY,
    service_role_key: SERVICE_ROLE_KEY,
    jwt_secret: JWT_SECRET,
  };
}

async function start() {
  fs.mkdirSync(LOGS, { recursive: true });
  const fresh = !db.exists(cluster);
  if (fresh) {
    say(`creating a PostgreSQL cluster in ${cluster.dataDir}`);
    db.create(cluster);
  }
  const started = await db.start(cluster);
  db.waitReady(cluster);
  if (started) {
    db.bootstrap(cluster);
    say("applying migrations (supabase db push)");
  }
  db.pushMigrations(cluster); // a no-op when none is pending
  if (!fs.existsSync(seededMarker)) {
    say("loading supabase/seed.sql");
    db.seed(cluster);
    fs.writeFileSync(seededMarker, new Date().toISOString());
  }
  if (!functionsPid()) {
    say("starting the edge function server");
    const pid = await startFunctions(cluster, FUNCTIONS_PORT, path.join(LOGS, "functions.log"), { schedule: true });
    fs.writeFileSync(FUNCTIONS_PID, String(pid));
  } else if (!started) {
    say("already running");
  }
  printFacts();
}

function stop() {
  const pid = functionsPid();
  if (stopFunctions(pid)) say("stopped the edge function server");
  fs.rmSync(FUNCTIONS_PID, { force: true });
  if (db.stop(cluster)) say("stopped PostgreSQL (data kept; `npm start` starts it again)");
}

async function reset() {
  stop();
  say("removing the database");
  db.destroy(cluster);
  await start();
}

function printFacts() {
  const f = facts();
  console.log(`
  Database URL    ${f.db.url}
  API URL         ${f.api_url}   (supabase-js: createClient(API URL, anon key))
  Functions URL   ${f.functions.url}
  RPCs            ${f.serves.rpc}
  Demo            ${f.serves.demo}
  Not served      ${f.not_served}
  anon key        ${f.anon_key}
  service_role key ${f.service_role_key}
  JWT secret      ${f.jwt_secret}
  Logs            ${f.db.log}, ${f.functions.log}
`);
}

/** Runs a command with the local stack's environment (SUPABASE_DB_URL, FUNCTIONS_URL, keys); exits with its status. */
function exec() {
  const [cmd, ...args] = process.argv.slice(process.argv.indexOf("--") + 1);
  if (!cmd || !process.argv.includes("--")) throw new db.StackError("usage: node scripts/stack.mjs exec -- <command> [args]");
  const r = spawnSync(cmd, args, { cwd: db.ROOT, stdio: "inherit", env: { ...process.env, ...localEnv() } });
  process.exitCode = r.status ?? 1;
}

const commands = {
  start,
  stop,
  reset,
  status: () => console.log(JSON.stringify(facts(), null, 2)),
  exec,
};

const cmd = commands[process.argv[2]];
if (!cmd) {
  console.error(`usage: node scripts/stack.mjs ${Object.keys(commands).join("|")}`);
  process.exit(2);
}
try {
  await cmd();
} catch (err) {
  if (!(err instanceof db.StackError)) throw err;
  console.error(`stack: ${err.message}`);
  process.exit(1);
}
