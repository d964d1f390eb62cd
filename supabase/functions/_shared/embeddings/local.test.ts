import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { LocalProvider } from "./local.ts";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

Deno.test("local provider: one unit-length 512-d vector per text, empty strings included", async () => {
  const vectors = await new LocalProvider(2).embed(["bergamot and lemon", "", "   ", "vanilla tonka"]);
  assertEquals(vectors.length, 4);
  for (const v of vectors) {
    assertEquals(v.length, 512);
    ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  }
});

Deno.test("local provider: texts that mean alike lie closer", async () => {
  const [citrus, lemon, leather] = await new LocalProvider().embed([
    "fresh citrus fragrance for summer",
    "a bright lemon and bergamot cologne",
    "dark smoky leather and tobacco",
  ]);
  ok(dot(citrus, lemon) > dot(citrus, leather), `citrus~lemon ${dot(citrus, lemon)} <= citrus~leather ${dot(citrus, leather)}`);
});
