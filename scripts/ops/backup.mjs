#!/usr/bin/env node
// `npm run backup -- <folder>`: the whole database (schema and data) with
// pg_dump in custom format, to <folder>/scentmatch-<UTC timestamp>.dump.
// Defaults to the local stack; set SUPABASE_DB_URL for another database
// (e.g. a hosted project's direct connection string).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PG_BIN } from "../stack/cluster.mjs";
import { LOCAL_DB_URL } from "../stack/local.mjs";

/** Now as 20261122T011928Z: sortable, and safe in file names. */
export const utcStamp = () => new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/** Dumps dbUrl into folder; returns the file, its size and how long it took. */
export function backup(dbUrl, folder) {
  fs.mkdirSync(folder, { recursive: true });
  const file = path.resolve(folder, `scentmatch-${utcStamp()}.dump`);
  if (fs.existsSync(file)) throw new Error(`${file} exists already; wait a second and run again`);
  const started = performance.now();
  const r = spawnSync(`${PG_BIN}/pg_dump`, ["--format=custom", "--compress=6", "--file", file, "--dbname", dbUrl], { encoding: "utf8" });
  if (r.status !== 0) {
    fs.rmSync(file, { force: true });
    throw new Error(`pg_dump failed: ${r.stderr.trim()}`);
  }
  return { file, bytes: fs.statSync(file).size, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] === import.meta.filename) {
  const folder = process.argv[2];
  if (!folder) {
    console.error("usage: npm run backup -- <folder>");
    process.exit(2);
  }
  try {
    const { file, bytes, ms } = backup(process.env.SUPABASE_DB_URL ?? LOCAL_DB_URL, folder);
    console.log(`backup: ${file} (${(bytes / 1024 / 1024).toFixed(1)} MiB in ${(ms / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.error(`backup: ${err.message}`);
    process.exit(1);
  }
}
