import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { allowMethods, handle, HttpError, json } from "./http.ts";

Deno.test("handle turns an HttpError into the JSON error shape with its status", async () => {
  const h = handle(() => Promise.reject(new HttpError(422, "bad_input", "q is required", { field: "q" })));
  const res = await h(new Request("http://x/"));
  assertEquals(res.status, 422);
  assertEquals(await res.json(), { error: { code: "bad_input", message: "q is required", details: { field: "q" } } });
});

Deno.test("handle answers an unexpected error with a 500 that names no internals", async () => {
  const h = handle(() => Promise.reject(new Error("password authentication failed for user postgres")));
  const orig = console.error;
  console.error = () => {};
  try {
    const res = await h(new Request("http://x/"));
    assertEquals(res.status, 500);
    const body = await res.text();
    assertEquals(body.includes("password"), false);
    assertEquals(JSON.parse(body).error.code, "internal_error");
  } finally {
    console.error = orig;
  }
});

Deno.test("handle answers CORS preflights without calling the handler", async () => {
  let called = false;
  const h = handle(() => {
    called = true;
    return Promise.resolve(json({}));
  });
  const res = await h(new Request("http://x/", { method: "OPTIONS" }));
  assertEquals(res.status, 204);
  assertEquals(res.headers.get("Access-Control-Allow-Origin"), "*");
  assertEquals(called, false);
});

Deno.test("allowMethods rejects other methods with 405 and an Allow header", async () => {
  const h = handle((req) => {
    allowMethods(req, "GET");
    return Promise.resolve(json({ ok: true }));
  });
  const res = await h(new Request("http://x/", { method: "DELETE" }));
  assertEquals(res.status, 405);
  assertEquals(res.headers.get("Allow"), "GET");
  assertEquals((await res.json()).error.code, "method_not_allowed");
});

Deno.test("handle answers a database that is down, restarting, full or too slow with 503 and Retry-After", async () => {
  for (const code of ["ECONNREFUSED", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "57P03", "53300", "57014", "08006"]) {
    const h = handle(() => Promise.reject(Object.assign(new Error(`database says ${code}`), { code })));
    const res = await h(new Request("http://x/"));
    assertEquals([res.status, res.headers.get("Retry-After"), (await res.json()).error.code], [503, "5", "database_unavailable"], code);
  }
});

Deno.test("handle answers 503 at its deadline instead of waiting on", async () => {
  const orig = console.error;
  console.error = () => {};
  let slow: ReturnType<typeof setTimeout> | undefined;
  try {
    const h = handle(() => new Promise((resolve) => slow = setTimeout(() => resolve(json({ late: true })), 2_000)), { deadlineMs: 50 });
    const started = Date.now();
    const res = await h(new Request("http://x/"));
    assertEquals([res.status, res.headers.get("Retry-After"), (await res.json()).error.code], [503, "5", "timeout"]);
    assertEquals(Date.now() - started < 1_000, true);
  } finally {
    clearTimeout(slow);
    console.error = orig;
  }
});
