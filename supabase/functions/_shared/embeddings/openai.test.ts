/**
 * Contract test of the OpenAI provider against a local stand-in for
 * POST /v1/embeddings (OpenAI itself is out of reach from here): the request
 * the real API expects, batching, retries on 429/5xx with backoff and
 * Retry-After, timeouts, malformed answers, and the circuit breaker.
 */
import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert/strict";
import { CircuitBreaker, CircuitOpenError } from "./circuit-breaker.ts";
import { OpenAIProvider } from "./openai.ts";
import { EmbeddingError } from "./provider.ts";

type Reply = (body: { model: string; input: string[]; dimensions: number }) => Response | Promise<Response>;

const unit = (i: number) => Array.from({ length: 512 }, (_, j) => (j === i % 512 ? 1 : 0));
const okReply: Reply = (body) =>
  Response.json({
    object: "list",
    model: body.model,
    // The API may answer out of order; index says which input each vector is for.
    data: body.input.map((_, i) => ({ object: "embedding", index: i, embedding: unit(i) })).reverse(),
    usage: { prompt_tokens: 1, total_tokens: 1 },
  });

/** A stand-in server answering each request with the next reply (the last one repeats). */
type Seen = { path: string; authorization: string | null };
async function standIn(replies: Reply[], fn: (baseURL: string, seen: Seen[], bodies: unknown[]) => Promise<void>) {
  const seen: Seen[] = [];
  const bodies: unknown[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({ path: new URL(req.url).pathname, authorization: req.headers.get("authorization") });
    const body = await req.json();
    bodies.push(body);
    return replies[Math.min(seen.length - 1, replies.length - 1)](body);
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/v1`, seen, bodies);
  } finally {
    await server.shutdown();
  }
}

const noSleep = () => Promise.resolve();
const provider = (baseURL: string, extra: Partial<ConstructorParameters<typeof OpenAIProvider>[0]> = {}) =>
  new OpenAIProvider({ apiKey: "sk-test", baseURL, sleep: noSleep, ...extra });

Deno.test("openai contract: sends model, input, 512 dimensions and the key; returns vectors in input order", async () => {
  await standIn([okReply], async (baseURL, seen, bodies) => {
    const vectors = await provider(baseURL, { model: "text-embedding-3-small" }).embed(["a", "b", ""]);
    assertEquals(vectors.length, 3);
    assertEquals(vectors[1], unit(1));
    assertEquals(seen[0].authorization, "Bearer sk-test");
    assertEquals(seen[0].path, "/v1/embeddings");
    const body = bodies[0] as Record<string, unknown>;
    assertEquals(body.model, "text-embedding-3-small");
    assertEquals(body.dimensions, 512);
    assertEquals(body.input, ["a", "b", " "], "an empty text is sent as a space");
  });
});

Deno.test("openai contract: batches long inputs", async () => {
  await standIn([okReply], async (baseURL, seen) => {
    const vectors = await provider(baseURL, { batchSize: 2 }).embed(["a", "b", "c", "d", "e"]);
    assertEquals(vectors.length, 5);
    assertEquals(seen.length, 3);
  });
});

Deno.test("openai contract: 429 and 5xx are retried with exponential backoff, honouring Retry-After", async () => {
  const waits: number[] = [];
  await standIn([
    () => new Response('{"error":{"message":"rate limited"}}', { status: 429, headers: { "retry-after": "2" } }),
    () => new Response('{"error":{"message":"oops"}}', { status: 503 }),
    okReply,
  ], async (baseURL, seen) => {
    const p = provider(baseURL, { backoffMs: 100, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    assertEquals((await p.embed(["a"])).length, 1);
    assertEquals(seen.length, 3);
    assertEquals(waits, [2000, 200]);
  });
});

Deno.test("openai contract: gives up after maxRetries with a retryable error", async () => {
  await standIn([() => new Response("{}", { status: 500 })], async (baseURL, seen) => {
    await rejects(() => provider(baseURL, { maxRetries: 2 }).embed(["a"]), (e: EmbeddingError) => e.retryable && e.status === 500);
    assertEquals(seen.length, 3);
  });
});

Deno.test("openai contract: 400 and 401 are not retried", async () => {
  await standIn([() => new Response('{"error":{"message":"bad key"}}', { status: 401 })], async (baseURL, seen) => {
    await rejects(() => provider(baseURL).embed(["a"]), (e: EmbeddingError) => !e.retryable && e.status === 401);
    assertEquals(seen.length, 1);
  });
});

Deno.test("openai contract: a slow server times out", async () => {
  await standIn([async (b) => (await new Promise((r) => setTimeout(r, 500)), okReply(b))], async (baseURL) => {
    await rejects(() => provider(baseURL, { timeoutMs: 50, maxRetries: 0 }).embed(["a"]), /timed out/);
  });
});

Deno.test("openai contract: malformed answers are errors, never vectors", async () => {
  const cases: Reply[] = [
    () => Response.json({ data: [] }),
    (b) => Response.json({ data: b.input.map((_, i) => ({ index: i, embedding: [1, 2, 3] })) }),
    (b) => Response.json({ data: b.input.map((_, i) => ({ index: i, embedding: unit(i).map(() => "x") })) }),
    () => new Response("not json", { status: 200, headers: { "content-type": "application/json" } }),
  ];
  for (const reply of cases) {
    await standIn([reply], async (baseURL) => {
      await rejects(() => provider(baseURL, { maxRetries: 0 }).embed(["a", "b"]), EmbeddingError);
    });
  }
});

Deno.test("openai contract: repeated failures open the circuit and stop the calls", async () => {
  await standIn([() => new Response("{}", { status: 503 })], async (baseURL, seen) => {
    const p = provider(baseURL, { maxRetries: 0, breaker: new CircuitBreaker(2, 60_000) });
    await rejects(() => p.embed(["a"]), EmbeddingError);
    await rejects(() => p.embed(["a"]), EmbeddingError);
    await rejects(() => p.embed(["a"]), CircuitOpenError);
    assertEquals(seen.length, 2);
    ok(p.breaker.state === "open");
  });
});
