// startFunctionsFrom: a port that was free when checked but is taken before the server binds it
// (in CI, by another program or an outgoing connection's ephemeral port) moves the server to the
// next free port instead of failing the run. Here a listener takes the port while Deno boots.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { freePort } from "./cluster.mjs";
import { startFunctions, startFunctionsFrom, stopFunctions } from "./functions.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-functions-"));
// The server connects to the database lazily, on the first request that needs it; none is sent here.
const noDatabase = { dbUrl: "postgresql://postgres:postgres@127.0.0.1:1/postgres" };
const cleanup = [];
after(() => {
  for (const f of cleanup.reverse()) f();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Listens on 127.0.0.1:port; resolves false when the port is already taken. */
async function take(port) {
  const server = net.createServer();
  const ok = await new Promise((r) => server.once("error", () => r(false)).listen(port, "127.0.0.1", () => r(true)));
  if (ok) cleanup.push(() => server.close());
  return ok;
}

/** Resolves once `file` exists: startFunctions opens its log just before it spawns the server. */
async function created(file) {
  while (!fs.existsSync(file)) await new Promise((r) => setTimeout(r, 2));
}

/**
 * Starts `start(port, log)` and takes `port` while the spawned server boots. Deno needs ~100 ms
 * to get to its bind; should it win the race anyway, the scenario runs again on the next port.
 */
async function raced(from, start) {
  for (let attempt = 0, port = from; attempt < 5; attempt++, port++) {
    port = await freePort(port);
    const log = path.join(dir, `${port}.log`);
    const started = start(port, log);
    await created(log);
    if (await take(port)) return { port, started };
    await started.then(({ pid } = {}) => stopFunctions(pid), () => {});
  }
  throw new Error("the server won the race for the port five times");
}

test("a port taken between the check and the bind: startFunctions says so, startFunctionsFrom moves to the next port", async () => {
  const direct = await raced(55700, (port, log) => startFunctions(noDatabase, port, log).then((pid) => ({ pid })));
  await assert.rejects(direct.started, (err) => err.portTaken === true && /AddrInUse/.test(err.message));

  const from = await raced(direct.port + 1, (port, log) => startFunctionsFrom(noDatabase, port, log));
  const { pid, port } = await from.started;
  cleanup.push(() => stopFunctions(pid));
  assert.ok(port > from.port, `moved past the taken port ${from.port}, to ${port}`);
  assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200, "and answers there");
});
