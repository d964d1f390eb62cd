#!/usr/bin/env node
// `npm run restore -- <file>`: restores a backup (from `npm run backup`) into
// a fresh database: a new local cluster under .local/restores/<UTC timestamp>
// on the next free port from 54350, left running. Only Supabase's roles are
// created first (scripts/stack/roles.sql); the dump holds everything else:
// schemas, extensions, auth users, cron jobs, data. It runs in one
// transaction and stops at the first error, so a restore is whole or absent.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as db from "../stack/cluster.mjs";
import { DB_PORT, STATE_DIR } from "../stack/local.mjs";
import { utcStamp } from "./backup.mjs";

const ROLES_SQL = path.join(db.ROOT, "scripts/stack/roles.sql");

/** Restores file into cluster c, whose `postgres` database must be empty. */
export function restoreInto(c, file) {
  if (!fs.existsSync(file)) throw new Error(`no such backup file: ${file}`);
  const tables = db.psql(c, { as: "super", sql: "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')" });
  if (Number(tables.trim()) > 0) throw new Error("the target database is not empty; restore only into a fresh one");
  db.psql(c, { as: "super", file: ROLES_SQL });
  const started = performance.now();
  const r = spawnSync(`${db.PG_BIN}/pg_restore`, [
    "--exit-on-error", "--single-transaction", "-h", c.socketDir, "-p", String(c.port), "-U", "supabase_admin", "-d", "postgres", file,
  ], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pg_restore failed, nothing was restored: ${r.stderr.trim().split("\n").slice(0, 5).join("\n")}`);
  db.psql(c, { as: "super", sql: "analyze" });
  return { ms: Math.round(performance.now() - started) };
}

/** A new running cluster (not bootstrapped: the dump brings the schemas) in stateDir. */
export async function freshCluster(stateDir, fromPort, options = {}) {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  const c = db.clusterAt(stateDir, await db.freePort(fromPort));
  db.create(c, options);
  await db.start(c);
  db.waitReady(c);
  return c;
}

if (process.argv[1] === import.meta.filename) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npm run restore -- <backup file>");
    process.exit(2);
  }
  let c;
  try {
    if (!fs.existsSync(file)) throw new Error(`no such backup file: ${file}`);
    c = await freshCluster(path.join(STATE_DIR, "restores", utcStamp()), DB_PORT + 28);
    const { ms } = restoreInto(c, path.resolve(file));
    console.log(`restore: ${file} restored in ${(ms / 1000).toFixed(1)} s into a fresh database`);
    console.log(`  Database URL  ${c.dbUrl}`);
    console.log(`  Data folder   ${c.dataDir}`);
    const asPostgres = process.getuid?.() === 0 ? "runuser -u postgres -- " : "";
    console.log(`  Stop it with  ${asPostgres}${db.PG_BIN}/pg_ctl stop -D ${c.dataDir}   (then delete ${c.dir})`);
  } catch (err) {
    if (c) db.destroy(c);
    console.error(`restore: ${err.message}`);
    process.exit(1);
  }
}
