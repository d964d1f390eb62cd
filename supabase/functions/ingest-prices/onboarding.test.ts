/**
 * docs/PRICES.md's "Onboarding a retailer" recipe, run as written (bash, psql, openssl, curl) against
 * the test stack, under a retailer slug of its own: the steps a data engineer follows cannot rot.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { env } from "../_shared/testing.ts";

const doc = await Deno.readTextFile(new URL("../../../docs/PRICES.md", import.meta.url));

/** The sh blocks of a section, in order. */
function shBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  ok(start >= 0, `docs/PRICES.md has a "## ${heading}" section`);
  const end = markdown.indexOf("\n## ", start + 4);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

Deno.test("the retailer onboarding recipe in docs/PRICES.md works as written", async () => {
  const slug = `parfum-example-${crypto.randomUUID().slice(0, 8)}`;
  const script = shBlocks(doc, "Onboarding a retailer").join("\n")
    .replaceAll("postgresql://postgres:postgres@127.0.0.1:54322/postgres", env("SUPABASE_DB_URL"))
    .replaceAll("http://127.0.0.1:54321/functions/v1", env("FUNCTIONS_URL"))
    .replaceAll("parfum-example", slug);
  const dir = await Deno.makeTempDir();
  const sql = connect(env("SUPABASE_DB_URL"), { max: 1 });
  try {
    const out = await new Deno.Command("bash", { args: ["-euo", "pipefail", "-c", script], cwd: dir, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout);
    assertEquals(out.code, 0, `${text}\n${new TextDecoder().decode(out.stderr)}`);
    const answers = text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    assertEquals(answers.map((a) => [a.accepted, a.matched, a.rejects.length]), [[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 1, 0]],
      "each of the four formats is accepted and matched");
    const rows = await sql`
      select l.retailer_sku, o.shipping::float, o.in_stock from public.retailer_listings l join public.current_offers o on o.listing_id = l.id
      join public.retailers r on r.id = l.retailer_id where r.slug = ${slug} order by 1`;
    assertEquals(rows.map((r) => [r.retailer_sku, r.shipping, r.in_stock]),
      [["PE-1", 4.9, true], ["PE-2", null, true], ["PE-3", 0, true], ["PE-4", null, false]]);
    ok(/succeeded/.test(text), "step 4 shows the recorded runs");
  } finally {
    // later suites check data quality over the whole database
    await sql`delete from public.retailer_listings where retailer_id = (select id from public.retailers where slug = ${slug})`;
    await sql`delete from private.ingest_batches where retailer_id = (select id from public.retailers where slug = ${slug})`;
    await sql`delete from public.retailers where slug = ${slug}`;
    await sql.end();
    await Deno.remove(dir, { recursive: true });
  }
});
