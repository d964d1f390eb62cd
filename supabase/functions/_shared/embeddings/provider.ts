/** The one interface every embedding provider implements, and the checks its output must pass. */

/** Vector dimension of the whole schema (fragrance_embeddings.embedding is vector(512)). */
export const DIMENSION = 512;

export interface EmbeddingProvider {
  /** Model id stored with every vector; search only compares vectors of one model. */
  readonly model: string;
  readonly dimension: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

/** A provider call that failed; `retryable` is false when trying again cannot help (a bad request, a bad key). */
export class EmbeddingError extends Error {
  constructor(message: string, readonly retryable = true, readonly status?: number) {
    super(message);
    this.name = "EmbeddingError";
  }
}

/** Throws EmbeddingError unless there is one finite vector of `dimension` numbers per text. */
export function checkEmbeddings(vectors: unknown, count: number, dimension = DIMENSION): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new EmbeddingError(`provider returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${count} texts`);
  }
  vectors.forEach((v, i) => {
    if (!Array.isArray(v) || v.length !== dimension || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new EmbeddingError(`vector ${i} is not ${dimension} finite numbers`);
    }
  });
  return vectors as number[][];
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalize(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
}
