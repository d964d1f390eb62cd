/**
 * Type tests of the frontend's typed layer (types/database.ts): the compiler is the assertion (deno test
 * type-checks before it runs), and `@ts-expect-error` marks what must not compile.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { Database as Generated } from "../supabase/functions/_shared/database.types.ts";
import { type AnalyticsRows, type Database, NULLABLE, type RpcResult } from "./database.ts";

/** true exactly when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const same = <A, B>(proof: Equals<A, B>) => proof;

type SearchRow = RpcResult<"search_fragrances">[number];

Deno.test("types: search results carry nullable prices and ranks, and the rest stays non-null", () => {
  same<SearchRow["best_price"], number | null>(true);
  same<SearchRow["vector_rank"], number | null>(true);
  same<SearchRow["family"], string | null>(true);
  same<SearchRow["name"], string>(true);
  same<SearchRow["gender"], Generated["public"]["Enums"]["gender"]>(true);
  // @ts-expect-error a price that may be null is not a number
  const price: number = null as unknown as SearchRow["best_price"];
  assertEquals(price, null);
});

Deno.test("types: a query embedding is an array of numbers; filters are typed", () => {
  type Args = Database["public"]["Functions"]["search_fragrances"]["Args"];
  const ok: Args = { q: "rose", query_embedding: [0.1, 0.2], filters: { gender: "feminine", max_price: 80 } };
  // @ts-expect-error an unknown gender does not type-check
  const bad: Args = { q: "rose", filters: { gender: "robot" } };
  assertEquals([ok.q, bad.q], ["rose", "rose"]);
});

Deno.test("types: the dashboard RPCs answer typed rows of the analytics views, not unknown[]", () => {
  same<RpcResult<"dashboard_recommendations">, AnalyticsRows["recommendation_daily"][]>(true);
  same<RpcResult<"dashboard_onboarding_funnel">[number]["conversion_from_previous"], number | null>(true);
  same<Generated["public"]["Functions"]["dashboard_family_affinity"]["Returns"], unknown[]>(true); // what the generator gives
});

Deno.test("types: other fixes: fx_rate may be null; a collection entry's rating and note may be", () => {
  same<RpcResult<"fx_rate">, number | null>(true);
  same<RpcResult<"my_collection">[number]["rating"], number | null>(true);
  same<RpcResult<"save_to_collection">["note"], string | null>(true);
  same<RpcResult<"best_offers">[number]["price_converted"], number>(true);
  assertEquals(NULLABLE.my_collection, ["rating", "note"]);
});
