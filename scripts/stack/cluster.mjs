// A project-local PostgreSQL 15 cluster shaped like Supabase's: created,
// started, bootstrapped, migrated with the real Supabase CLI, seeded, stopped.
// Used by scripts/stack.mjs (the dev stack) and scripts/test.mjs (a throwaway one).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const PG_BIN = "/usr/lib/postgresql/15/bin";
export const SUPABASE = path.join(ROOT, "node_modules/.bin/supabase");
const BOOTSTRAP_SQL = path.join(import.meta.dirname, "bootstrap.sql");
const SUPERUSER = "supabase_admin";
const PASSWORD = "postgres";

/** An error whose message names the cause and the fix; the CLIs print it without a stack. */
export class StackError extends Error {
  constructor(message, fix) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
    this.name = "StackError";
  }
}

const isRoot = process.getuid?.() === 0;

/** Runs a command; as root, PostgreSQL's own programs run as the `postgres` OS user (the server refuses root). */
function run(cmd, args, { asPostgres = false, env = {}, input, allowFail = false } = {}) {
  const [file, argv] = asPostgres && isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { env: { ...process.env, ...env }, input, encoding: "utf8" });
  if (r.error) throw new StackError(`could not run ${cmd}: ${r.error.message}`, "run 'npm run setup'");
  if (r.status !== 0 && !allowFail) {
    const out = `${r.stderr}${r.stdout}`.trim().split("\n").slice(-15).join("\n");
    throw new StackError(`${path.basename(cmd)} ${args[0] ?? ""} failed:\n${out}`);
  }
  return r;
}

/** The folder the server's files live in; must be reachable by the `postgres` OS user. */
function serverDir(stateDir) {
  const wanted = path.join(stateDir, "db");
  if (!isRoot) return wanted;
  fs.mkdirSync(stateDir, { recursive: true });
  const reachable = spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", stateDir]).status === 0;
  if (reachable) return wanted;
  // e.g. a clone under /root: keep the cluster where `postgres` can reach it, keyed by the project path.
  const key = createHash("sha1").update(stateDir).digest("hex").slice(0, 12);
  return `/var/lib/postgresql/scentmatch-${key}`;
}

/** Connection facts and file locations of one cluster. */
export function clusterAt(stateDir, port) {
  const dir = serverDir(stateDir);
  return {
    stateDir,
    dir,
    dataDir: path.join(dir, "data"),
    socketDir: dir,
    logFile: path.join(dir, "postgres.log"),
    port,
    dbUrl: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres?sslmode=disable`,
  };
}

export const exists = (c) => fs.existsSync(path.join(c.dataDir, "PG_VERSION"));

export function isRunning(c) {
  if (!exists(c)) return false;
  return run(`${PG_BIN}/pg_ctl`, ["status", "-D", c.dataDir], { asPostgres: true, allowFail: true }).status === 0;
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer().once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export async function freePort(from) {
  for (let p = from; p < from + 200; p++) if (await portIsFree(p)) return p;
  throw new StackError(`no free port in ${from}..${from + 199}`);
}

/**
 * `startOn(port)` on the first free port from `from`, for tests and benchmarks. A port that was free
 * when checked can be taken before the server binds it (another test's server, or an outgoing
 * connection's ephemeral port: Linux hands those out from 32768–60999); a start that fails with
 * `err.portTaken` moves on to the next free port, up to five times. Resolves with what startOn does.
 */
export async function onFreePort(from, startOn) {
  for (let port = from, attempt = 1; ; attempt++, port++) {
    port = await freePort(port);
    try {
      return await startOn(port);
    } catch (err) {
      if (!err.portTaken || attempt === 5) throw err;
    }
  }
}

export function create(c, { fast = false } = {}) {
  fs.mkdirSync(c.dir, { recursive: true, mode: 0o755 });
  if (isRoot) execFileSync("chown", ["postgres:postgres", c.dir]);
  const pwfile = path.join(c.dir, ".pw");
  fs.writeFileSync(pwfile, PASSWORD, { mode: 0o600 });
  if (isRoot) execFileSync("chown", ["postgres:postgres", pwfile]);
  try {
    run(`${PG_BIN}/initdb`, [
      "-D", c.dataDir, "-U", SUPERUSER, `--pwfile=${pwfile}`, "-E", "UTF8", "--locale=C.UTF-8",
      "--auth-local=trust", "--auth-host=scram-sha-256",
    ], { asPostgres: true });
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  const conf = [
    "# scentmatch local stack",
    `listen_addresses = '127.0.0.1'`,
    `port = ${c.port}`,
    `unix_socket_directories = '${c.socketDir}'`,
    `shared_preload_libraries = 'pg_stat_statements, pg_cron'`,
    `cron.database_name = 'postgres'`,
    `cron.use_background_workers = on`,
    `max_worker_processes = 32`,
    `max_connections = 100`,
    `pg_stat_statements.track = all`,
    `shared_buffers = '512MB'`,
    `work_mem = '32MB'`,
    `maintenance_work_mem = '1GB'`,
    `max_wal_size = '4GB'`,
    `timezone = 'UTC'`,
    ...(fast ? [`fsync = off`, `synchronous_commit = off`, `full_page_writes = off`] : []),
  ].join("\n");
  fs.appendFileSync(path.join(c.dataDir, "postgresql.conf"), `\n${conf}\n`);
}

export async function start(c) {
  if (isRunning(c)) return false;
  if (!(await portIsFree(c.port))) {
    const err = new StackError(`port ${c.port} is already taken by another program`,
      `stop it (e.g. 'ss -ltnp | grep ${c.port}' shows which), or stop a 'supabase start' stack with 'supabase stop'`);
    err.portTaken = true;
    throw err;
  }
  const logStart = fs.existsSync(c.logFile) ? fs.statSync(c.logFile).size : 0;
  const r = run(`${PG_BIN}/pg_ctl`, ["start", "-w", "-t", "60", "-D", c.dataDir, "-l", c.logFile], { asPostgres: true, allowFail: true });
  if (r.status !== 0) {
    const log = fs.existsSync(c.logFile) ? fs.readFileSync(c.logFile).subarray(logStart).toString("utf8") : "";
    const err = new StackError(`PostgreSQL did not start:\n${log.trim().split("\n").slice(-8).join("\n") || r.stderr}`, `read ${c.logFile}`);
    err.portTaken = /could not bind .*Address already in use/.test(log);
    throw err;
  }
  return true;
}

export function stop(c) {
  if (!isRunning(c)) return false;
  run(`${PG_BIN}/pg_ctl`, ["stop", "-w", "-m", "fast", "-D", c.dataDir], { asPostgres: true });
  return true;
}

export function destroy(c) {
  stop(c);
  fs.rmSync(c.dir, { recursive: true, force: true });
}

/** psql against the cluster; `as` is "super" (supabase_admin over the socket) or "postgres" (TCP, as the CLI connects). */
export function psql(c, { as = "postgres", file, sql } = {}) {
  const conn = as === "super" ? ["-h", c.socketDir, "-p", String(c.port), "-U", SUPERUSER, "-d", "postgres"] : ["-d", c.dbUrl];
  const args = [...conn, "-X", "-q", "-v", "ON_ERROR_STOP=1"];
  if (file) args.push("--single-transaction", "-f", file);
  if (sql) args.push("-At", "-c", sql);
  return run(`${PG_BIN}/psql`, args).stdout;
}

export function bootstrap(c) {
  psql(c, { as: "super", file: BOOTSTRAP_SQL });
}

/** Applies pending migrations with the real CLI (`supabase db push`), which records them in supabase_migrations. */
export function pushMigrations(c) {
  const r = spawnSync(SUPABASE, ["db", "push", `--remote=${c.dbUrl}`, "--yes", "--workdir", ROOT], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new StackError(`a migration failed, nothing of it was applied (each migration runs in one transaction):\n${out}`,
      "fix the migration named above, then run the command again");
  }
  return r.stdout + r.stderr;
}

export function seed(c) {
  const file = path.join(ROOT, "supabase/seed.sql");
  if (fs.existsSync(file)) psql(c, { file });
}

/** Blocks until the server accepts connections as `postgres` over TCP. */
export function waitReady(c) {
  for (let i = 0; i < 100; i++) {
    const r = run(`${PG_BIN}/pg_isready`, ["-h", "127.0.0.1", "-p", String(c.port), "-U", "postgres"], { allowFail: true });
    if (r.status === 0) return;
    spawnSync("sleep", ["0.1"]);
  }
  throw new StackError(`PostgreSQL on port ${c.port} does not accept connections`, `read ${c.logFile}`);
}

/**
 * A bootstrapped cluster in a temporary folder on a free port (tests, benchmarks),
 * removed by `dispose()`, when the process is interrupted, or when it fails to come up.
 */
export async function throwaway(prefix, fromPort) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(stateDir, 0o755);
  let c = clusterAt(stateDir, await freePort(fromPort));
  const dispose = () => {
    destroy(c);
    fs.rmSync(stateDir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      dispose();
      process.exit(130);
    });
  }
  try {
    create(c, { fast: true });
    await onFreePort(c.port, (port) => {
      if (port !== c.port) {  // taken while initdb ran: the server listens on the next one
        c = clusterAt(stateDir, port);
        fs.appendFileSync(path.join(c.dataDir, "postgresql.conf"), `port = ${port}\n`);
      }
      return start(c);
    });
    waitReady(c);
    bootstrap(c);
  } catch (err) {
    dispose(); // nothing of a cluster that did not come up is left behind
    throw err;
  }
  return { cluster: c, dispose };
}
