#!/usr/bin/env node
// `npm run embed:backfill [-- --model <id>]`: re-embeds the catalog with a
// progress bar. With --model, first switches private.settings.embedding_model
// (which queues every document whose vector is of another model); then calls
// the embed function until the queue is empty. Defaults to the local stack;
// for a hosted project set SUPABASE_DB_URL, FUNCTIONS_URL and
// SUPABASE_SERVICE_ROLE_KEY (the deployed embed function must run that model).
import { parseArgs } from "node:util";
import postgres from "postgres";
import { SERVICE_ROLE_KEY } from "./stack/keys.mjs";
import { LOCAL_API_URL, LOCAL_DB_URL } from "./stack/local.mjs";

const { values } = parseArgs({ options: { model: { type: "string" } } });
const dbUrl = process.env.SUPABASE_DB_URL ?? LOCAL_DB_URL;
const functionsUrl = process.env.FUNCTIONS_URL ?? `${LOCAL_API_URL}/functions/v1`;
const key = process.env.SUPABASE_SERVICE_ROLE_KEY ?? SERVICE_ROLE_KEY;
const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });

function bar(p) {
  const width = 30;
  const done = p.documents ? Math.round((p.current / p.documents) * width) : width;
  process.stderr.write(`\r[${"#".repeat(done)}${".".repeat(width - done)}] ${p.current}/${p.documents} embedded, ${p.queued} queued, ${p.dead} dead `);
}

try {
  if (values.model) {
    const [{ queued }] = await sql`select private.set_embedding_model(${values.model}) as queued`;
    console.error(`embed:backfill: model set to ${values.model}; ${queued} documents queued`);
  }
  for (;;) {
    const [p] = await sql`select * from private.embedding_progress()`;
    bar(p);
    if (p.queued === 0) break;
    const res = await fetch(`${functionsUrl}/embed`, {
      method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: "{}",
    });
    const report = await res.json();
    if (!res.ok) throw new Error(`embed answered ${res.status}: ${JSON.stringify(report.error ?? report)}`);
    if (report.claimed === 0) await new Promise((r) => setTimeout(r, 2000)); // the rest is backing off or claimed elsewhere
  }
  const [p] = await sql`select * from private.embedding_progress()`;
  process.stderr.write("\n");
  console.log(JSON.stringify(p));
  if (p.dead > 0) console.error("embed:backfill: some jobs are dead-lettered: see docs/RUNBOOK.md (search) to inspect and retry them");
} finally {
  await sql.end();
}
