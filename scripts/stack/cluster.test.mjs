// throwaway: a port that was free when checked but is taken before PostgreSQL binds it (in CI, by
// another program or an outgoing connection's ephemeral port) moves the cluster to the next free
// port instead of failing the run. A child process creates the cluster (initdb blocks its event
// loop); this process takes the port while initdb runs (~1 s).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { freePort } from "./cluster.mjs";

const PREFIX = `scentmatch-porttest-${process.pid}`;
const CHILD = `
  import * as db from ${JSON.stringify(path.join(import.meta.dirname, "cluster.mjs"))};
  const { cluster, dispose } = await db.throwaway(${JSON.stringify(PREFIX)}, 55900);
  try { console.log(JSON.stringify({ port: cluster.port, serving: db.psql(cluster, { sql: "select current_setting('port')" }).trim() })); }
  finally { dispose(); }`;

/** Resolves once initdb has begun writing the cluster: the child has picked its port and not yet bound it. */
async function initdbRunning() {
  for (let i = 0; i < 60_000; i++) {
    const dir = fs.readdirSync(os.tmpdir()).find((d) => d.startsWith(`${PREFIX}-`));
    if (dir && fs.existsSync(path.join(os.tmpdir(), dir, "db/data"))) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error("initdb never started");
}

test("a cluster whose port is taken before the server binds it starts on the next free port", async () => {
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.on("exit", r));
  await initdbRunning();
  const taken = await freePort(55900); // the port the child picked, as it did
  const holder = net.createServer();
  await new Promise((resolve, reject) => holder.once("error", reject).listen(taken, "127.0.0.1", resolve));
  try {
    assert.equal(await exited, 0, out);
    const { port, serving } = JSON.parse(out.trim().split("\n").at(-1));
    assert.ok(port > taken, `moved past the taken port ${taken}, to ${port}`);
    assert.equal(serving, String(port), "and serves there");
  } finally {
    holder.close();
  }
});
