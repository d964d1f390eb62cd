import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { signJwt } from "../../supabase/functions/_shared/jwt.ts";
import { gateway, loadFunctions, type Mounted, surviveDeadConnectionWrites, verifyJwtSettings } from "./functions-server.ts";

const secret = "gateway-test-secret-with-32-characters!!";
const echo = (name: string) => (req: Request) => Promise.resolve(Response.json({ name, path: new URL(req.url).pathname }));
const fns: Record<string, Mounted> = {
  private_fn: { handler: echo("private_fn"), verifyJwt: true },
  webhook: { handler: echo("webhook"), verifyJwt: false },
};
const gw = gateway(fns, secret);

Deno.test("verifyJwtSettings: verify_jwt is true unless config.toml sets it false", () => {
  const cfg = `[functions.a]\nverify_jwt = false\n[functions.b]\nimport_map = "x"\n`;
  assertEquals(verifyJwtSettings(cfg), { a: false, b: true });
  assertEquals(verifyJwtSettings(`project_id = "x"`), {});
});

Deno.test("gateway: a function that verifies JWTs gets 401 without a valid token", async () => {
  assertEquals((await gw(new Request("http://x/functions/v1/private_fn"))).status, 401);
  const bad = await signJwt({ role: "anon" }, "some-other-secret-with-32-characters!!!!");
  const res = await gw(new Request("http://x/functions/v1/private_fn", { headers: { Authorization: `Bearer ${bad}` } }));
  assertEquals(res.status, 401);
  assertEquals((await res.json()).error.message, "invalid or expired JWT");
});

Deno.test("gateway: a valid token reaches the function, sub-paths included", async () => {
  const ok = await signJwt({ role: "anon" }, secret);
  const res = await gw(new Request("http://x/functions/v1/private_fn/a/b", { headers: { Authorization: `Bearer ${ok}` } }));
  assertEquals(await res.json(), { name: "private_fn", path: "/functions/v1/private_fn/a/b" });
});

Deno.test("gateway: verify_jwt = false lets requests through without a token", async () => {
  assertEquals((await (await gw(new Request("http://x/functions/v1/webhook", { method: "POST" }))).json()).name, "webhook");
});

Deno.test("gateway: unknown functions and prototype names are 404", async () => {
  for (const name of ["nope", "constructor", "__proto__"]) {
    const res = await gw(new Request(`http://x/functions/v1/${name}`));
    assertEquals(res.status, 404);
    await res.body?.cancel();
  }
});

Deno.test("loadFunctions mounts every function folder with its config.toml setting", async () => {
  const mounted = await loadFunctions();
  assertEquals(typeof mounted.health?.handler, "function");
  assertEquals(mounted.health.verifyJwt, true);
  assertEquals(Object.keys(mounted).some((n) => n.startsWith("_")), false);
});

/** Runs a script that installs the guard and throws `error` from a timer; answers its exit code and output. */
async function throwFromTimer(stack: string, how: "throw" | "reject" = "throw") {
  const guard = new URL("./functions-server.ts", import.meta.url).href;
  const script = `import { surviveDeadConnectionWrites } from ${JSON.stringify(guard)};
    surviveDeadConnectionWrites();
    const e = new TypeError("Cannot read properties of null (reading 'write')");
    e.stack = ${JSON.stringify(stack)};
    setTimeout(() => { ${how === "throw" ? "throw e;" : "Promise.reject(e);"} }, 0);
    setTimeout(() => console.log("still serving"), 50);`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, script);
    const config = new URL("../../supabase/functions/deno.json", import.meta.url).pathname;
    const run = () =>
      new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", "--config", config, file], stdout: "piped", stderr: "piped" })
        .output();
    // Under libfaketime (the clock runner) a fresh Deno now and then dies of SIGSEGV before running
    // the script (exit 139, seen in a fresh-clone CI=true run): that is the runtime's start, not the
    // guard; run it again once.
    let out = await run();
    if (out.signal === "SIGSEGV" || out.code === 139) out = await run();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("functions server: postgres-js throwing or rejecting on a closed connection is logged, not fatal; other errors are not hidden", async () => {
  const survived = await throwFromTimer("TypeError: x\n    at nextWrite (file:///x/node_modules/postgres/src/connection.js:249:12)");
  assertEquals([survived.code, survived.stdout.trim()], [0, "still serving"]);
  const rejected = await throwFromTimer("TypeError: x\n    at nextWrite (file:///x/node_modules/postgres/src/connection.js:249:12)", "reject");
  assertEquals([rejected.code, rejected.stdout.trim()], [0, "still serving"], "a rejection nobody handles, from postgres-js, too");
  const ours = await throwFromTimer("TypeError: x\n    at handler (file:///x/supabase/functions/search/index.ts:1:1)");
  assertEquals([ours.code !== 0, ours.stdout.trim()], [true, ""]);
});
