// PostgreSQL restarted under a running function server: every function answers 200 or 503 with
// Retry-After, never a 500 and never later than its deadline, and answers 200 again once the database
// is back (the pool reconnects by itself). Its own throwaway cluster: the restart must not disturb
// the tests that share npm test's cluster.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import * as db from "./cluster.mjs";
import { startFunctionsFrom, stopFunctions } from "./functions.mjs";
import { ANON_KEY, SERVICE_ROLE_KEY } from "./keys.mjs";

/** Each function's deadline (supabase/functions/<name>/index.ts), plus a margin for the HTTP round trip. */
const BOUND_MS = { health: 3_000 + 1_000, search: 10_000 + 1_000, "ingest-prices": 65_000 + 1_000, "ops-status": 10_000 + 1_000, "rpc/best_offers": 10_000 + 1_000 };
const OUTAGE_MS = 4_000;
const RECOVERY_MS = 5_000;

let cluster;
let dispose;
let pid;
let base;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-outage-"));

before(async () => {
  ({ cluster, dispose } = await db.throwaway("scentmatch-outage", 54490));
  db.pushMigrations(cluster);
  db.seed(cluster);
  let port;
  ({ pid, port } = await startFunctionsFrom(cluster, 54500, path.join(logDir, "functions.log")));
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  stopFunctions(pid);
  dispose?.();
  fs.rmSync(logDir, { recursive: true, force: true });
});

/** The last lines of the function server's log (what a failure needs to be understood). */
const logTail = () => fs.readFileSync(path.join(logDir, "functions.log"), "utf8").split("\n").slice(-40).join("\n");

let seq = 0;
/** One request to each function, and one RPC through /rest/v1, as its caller would send it. */
const requests = {
  health: () => ({ method: "GET", headers: { Authorization: `Bearer ${ANON_KEY}` } }),
  search: () => ({ method: "POST", headers: { Authorization: `Bearer ${ANON_KEY}` }, body: JSON.stringify({ q: "rose" }) }),
  "ops-status": () => ({ method: "GET", headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}` } }),
  "ingest-prices": () => {
    const body = JSON.stringify({ offers: [{ sku: `OUTAGE-${++seq}`, title: "Dior Sauvage Eau de Parfum 100 ml", price: 99, url: "https://www.notino.de/p/x" }] });
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac("sha256", "whsec_dev_notino-de").update(`${t}.${body}`).digest("hex");
    return { method: "POST", headers: { "Content-Type": "application/json", "X-Retailer": "notino-de", "X-Signature": `t=${t},v1=${v1}` }, body };
  },
  "rpc/best_offers": () => ({
    method: "POST", headers: { apikey: ANON_KEY, "Content-Type": "application/json" },
    body: JSON.stringify({ fragrance_id: "00000000-0000-4000-8000-000000000000" }), // an empty answer, but a query
  }),
};
const urlOf = (name) => name.startsWith("rpc/") ? `${base}/rest/v1/${name}` : `${base}/functions/v1/${name}`;

/** One call; no answer at all (30 s past its deadline, or a dropped connection) is recorded as status 0, not thrown. */
async function call(name) {
  const started = Date.now();
  try {
    const res = await fetch(urlOf(name), { ...requests[name](), signal: AbortSignal.timeout(BOUND_MS[name] + 30_000) });
    await res.arrayBuffer();
    return { name, status: res.status, retryAfter: res.headers.get("retry-after"), ms: Date.now() - started, at: started };
  } catch (err) {
    return { name, status: 0, error: String(err?.cause ?? err), ms: Date.now() - started, at: started };
  }
}

test("PostgreSQL restarted under load: 503 with Retry-After, within each function's deadline, then 200 again", async () => {
  for (const name of Object.keys(requests)) assert.equal((await call(name)).status, 200, `${name} answers before the outage`);
  const answers = [];
  let running = true;
  const loop = async (name) => {
    while (running) {
      answers.push(await call(name));
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const loops = Object.keys(requests).map(loop);
  await new Promise((r) => setTimeout(r, 500));
  db.stop(cluster);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await db.start(cluster);
  const back = Date.now();
  await new Promise((r) => setTimeout(r, RECOVERY_MS + 2_000));
  running = false;
  await Promise.all(loops);

  const wrong = answers.filter((a) => a.status !== 200 && !(a.status === 503 && Number(a.retryAfter) > 0));
  assert.deepEqual(wrong, [], `every answer is 200, or 503 with Retry-After; the function server's log ends:\n${logTail()}`);
  const slow = answers.filter((a) => a.ms > BOUND_MS[a.name]);
  assert.deepEqual(slow, [], "no request waits longer than its function's deadline");
  assert.ok(answers.some((a) => a.status === 503), "the outage was seen");
  for (const name of Object.keys(requests)) {
    const recovered = answers.find((a) => a.name === name && a.at >= back + RECOVERY_MS && a.status === 200);
    assert.ok(recovered, `${name} answers 200 within ${RECOVERY_MS / 1000} s of the database coming back`);
    assert.ok(answers.filter((a) => a.name === name && a.at >= back + RECOVERY_MS).every((a) => a.status === 200),
      `${name} keeps answering 200 once recovered`);
  }
});
