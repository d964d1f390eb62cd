import { deepStrictEqual as assertEquals, rejects as assertRejects } from "node:assert/strict";
import { CircuitBreaker, CircuitOpenError } from "./circuit-breaker.ts";

const fail = () => Promise.reject(new Error("boom"));
const succeed = () => Promise.resolve("ok");

Deno.test("circuit breaker opens after the threshold of consecutive failures", async () => {
  let now = 0;
  const breaker = new CircuitBreaker(3, 1000, () => now);
  for (let i = 0; i < 3; i++) await assertRejects(() => breaker.call(fail), /boom/);
  assertEquals(breaker.state, "open");
  let called = false;
  await assertRejects(() => breaker.call(() => (called = true, succeed())), CircuitOpenError);
  assertEquals(called, false, "an open circuit does not call the provider");
  now = 1000;
  assertEquals(breaker.state, "half-open");
  assertEquals(await breaker.call(succeed), "ok");
  assertEquals(breaker.state, "closed");
});

Deno.test("circuit breaker: a failed trial call reopens it; a success resets the count", async () => {
  let now = 0;
  const breaker = new CircuitBreaker(2, 1000, () => now);
  await assertRejects(() => breaker.call(fail));
  await breaker.call(succeed);
  await assertRejects(() => breaker.call(fail));
  assertEquals(breaker.state, "closed", "failures must be consecutive");
  await assertRejects(() => breaker.call(fail));
  now = 1500;
  await assertRejects(() => breaker.call(fail), /boom/);
  assertEquals(breaker.state, "open");
});
