/** Picks the embedding provider from the environment: EMBEDDING_PROVIDER=local (default) or openai. */
import { LocalProvider } from "./local.ts";
import { OpenAIProvider } from "./openai.ts";
import type { EmbeddingProvider } from "./provider.ts";

export * from "./provider.ts";
export { CircuitBreaker, CircuitOpenError } from "./circuit-breaker.ts";
export { LocalProvider } from "./local.ts";
export { OpenAIProvider } from "./openai.ts";

let shared: EmbeddingProvider | undefined;

/** The isolate's provider, configured by EMBEDDING_PROVIDER, OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_EMBEDDING_MODEL. */
export function provider(): EmbeddingProvider {
  return (shared ??= providerFromEnv((name) => Deno.env.get(name)));
}

export function providerFromEnv(get: (name: string) => string | undefined): EmbeddingProvider {
  const kind = get("EMBEDDING_PROVIDER") ?? "local";
  if (kind === "local") return new LocalProvider();
  if (kind === "openai") {
    const apiKey = get("OPENAI_API_KEY");
    if (!apiKey) throw new Error("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY");
    return new OpenAIProvider({ apiKey, baseURL: get("OPENAI_BASE_URL"), model: get("OPENAI_EMBEDDING_MODEL") });
  }
  throw new Error(`EMBEDDING_PROVIDER must be local or openai, not ${kind}`);
}
