#!/usr/bin/env node
// `npm run gen`: regenerates the files derived from the live schema of the
// local stack: TypeScript types, docs/DATA-MODEL.md, docs/DATA-DICTIONARY.md. `npm test` fails when a
// committed copy differs from what the migrations produce.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DOC_SCHEMAS, schemaDocs } from "./schema-docs.mjs";
import * as db from "./stack/cluster.mjs";
import { localCluster } from "./stack/local.mjs";

/** The schemas the project owns: linted and documented. */
export const LINTED_SCHEMAS = DOC_SCHEMAS;

export const TYPES_FILE = "supabase/functions/_shared/database.types.ts";

function types(c) {
  const r = spawnSync(db.SUPABASE, ["gen", "types", "--lang", "typescript", "--schema", "public", `--remote=${c.dbUrl}`], {
    cwd: db.ROOT, encoding: "utf8", env: { ...process.env, DO_NOT_TRACK: "1" },
  });
  if (r.status !== 0) throw new db.StackError(`supabase gen types failed: ${r.stderr}`);
  return r.stdout;
}

/** Every generated file, path → content, from the cluster's live schema. */
export function generated(c) {
  return { [TYPES_FILE]: types(c), ...schemaDocs(c) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const c = localCluster();
  if (!db.isRunning(c)) {
    console.error("gen: the local stack is not running; run `npm start` first");
    process.exit(1);
  }
  for (const [file, content] of Object.entries(generated(c))) {
    fs.mkdirSync(path.dirname(path.join(db.ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(db.ROOT, file), content);
    console.log(`gen: wrote ${file}`);
  }
}
