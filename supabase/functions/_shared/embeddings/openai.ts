/**
 * The OpenAI provider (or any OpenAI-compatible server, through baseURL):
 * batches texts, times each request out, retries 429/5xx/timeouts with
 * exponential backoff (honouring Retry-After), and stops calling through a
 * circuit breaker after repeated failures.
 */
import OpenAI from "openai";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { checkEmbeddings, DIMENSION, type EmbeddingProvider, EmbeddingError } from "./provider.ts";

export type OpenAIProviderOptions = {
  apiKey: string;
  baseURL?: string;
  model?: string;
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  breaker?: CircuitBreaker;
  sleep?: (ms: number) => Promise<void>;
};

export class OpenAIProvider implements EmbeddingProvider {
  readonly model: string;
  readonly dimension = DIMENSION;
  readonly breaker: CircuitBreaker;
  private readonly client: OpenAI;
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: OpenAIProviderOptions) {
    this.model = options.model ?? "text-embedding-3-small";
    this.batchSize = options.batchSize ?? 128;
    this.maxRetries = options.maxRetries ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    // Retries are ours (to count them in the breaker), not the client's.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 20_000,
      maxRetries: 0,
    });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize).map((t) => (t.trim() === "" ? " " : t));
      out.push(...(await this.breaker.call(() => this.withRetries(batch))));
    }
    return out;
  }

  private async withRetries(batch: string[]): Promise<number[][]> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.request(batch);
      } catch (err) {
        const e = asEmbeddingError(err);
        if (!e.retryable || attempt >= this.maxRetries) throw e;
        const retryAfter = retryAfterMs(err);
        await this.sleep(retryAfter ?? this.backoffMs * 2 ** attempt);
      }
    }
  }

  private async request(batch: string[]): Promise<number[][]> {
    const res = await this.client.embeddings.create({
      model: this.model,
      input: batch,
      dimensions: this.dimension,
      encoding_format: "float",
    });
    const data = Array.isArray(res?.data) ? [...res.data].sort((a, b) => a.index - b.index) : undefined;
    return checkEmbeddings(data?.map((d) => d.embedding), batch.length, this.dimension);
  }
}

/** Maps the client's errors onto EmbeddingError: 429, 5xx, timeouts and connection errors are retryable. */
function asEmbeddingError(err: unknown): EmbeddingError {
  if (err instanceof EmbeddingError) return err;
  if (err instanceof OpenAI.APIError && typeof err.status === "number") {
    const retryable = err.status === 429 || err.status >= 500 || err.status === 408;
    return new EmbeddingError(`provider answered ${err.status}`, retryable, err.status);
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new EmbeddingError("provider timed out");
  if (err instanceof OpenAI.APIConnectionError) return new EmbeddingError("provider unreachable");
  return new EmbeddingError(`provider call failed: ${err instanceof Error ? err.message : String(err)}`);
}

function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof OpenAI.APIError)) return undefined;
  const value = err.headers?.get?.("retry-after");
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 30_000) : undefined;
}
