import { ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { env } from "../_shared/testing.ts";
import { handler } from "./index.ts";
import { sign } from "./signature.ts";

Deno.test("matching every matched seed title with its GTIN withheld: no wrong auto-match, most auto-matched", async () => {
  const sql = connect(env("SUPABASE_DB_URL"), { max: 1 });
  try {
    const truth = await sql<{ title: string; variant_id: string }[]>`
      select l.title, l.variant_id from public.retailer_listings l
      where l.status = 'matched' and l.match_method in ('gtin', 'manual') and l.retailer_sku not like 'EVAL-%' order by l.id`;
    const run = Date.now().toString(36);
    const offers = truth.map((t, i) => ({ sku: `EVAL-${run}-${i}`, title: t.title, price: 50 + (i % 90), currency: "GBP", url: `https://eval.example/${i}` }));
    const body = JSON.stringify({ offers });
    const res = await handler(new Request("http://x/functions/v1/ingest-prices", {
      method: "POST", body,
      headers: { "Content-Type": "application/json", "X-Retailer": "the-perfume-shop", "X-Signature": await sign(body, "whsec_dev_the-perfume-shop") },
    }));
    ok(res.status === 200, await res.text());
    const got = await sql<{ sku: string; status: string; variant_id: string | null }[]>`
      select retailer_sku as sku, status, variant_id from public.retailer_listings where retailer_sku like ${`EVAL-${run}-%`}`;
    const bySku = new Map(got.map((g) => [g.sku, g]));
    let right = 0, wrong = 0, review = 0;
    const mistakes: string[] = [];
    offers.forEach((o, i) => {
      const g = bySku.get(o.sku)!;
      if (g.status === "matched") {
        if (g.variant_id === truth[i].variant_id) right++;
        else (wrong++, mistakes.push(o.title));
      } else if (g.status === "review") review++;
    });
    const n = offers.length;
    console.log(`report: matching ${n} seed titles without GTIN: ${JSON.stringify({ precision: Number((right / Math.max(1, right + wrong)).toFixed(4)), auto_matched: Number(((right + wrong) / n).toFixed(3)), to_review: Number((review / n).toFixed(3)), unmatched: Number(((n - right - wrong - review) / n).toFixed(3)) })}`);
    ok(wrong === 0, `wrong auto-matches: ${mistakes.slice(0, 10).join(" | ")}`);
    ok(right / n >= 0.85, `only ${right}/${n} auto-matched`);
  } finally {
    await sql.end();
  }
});
