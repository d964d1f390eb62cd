// The set-wise references a price batch writes through (supabase/schemas/foundation/references.sql)
// between concurrent transactions, where pgTAP cannot go: a parent that a writer's uncommitted rows
// refer to is locked as a foreign key locks it, so a concurrent delete waits and then takes those
// rows with it, and a row referring to a parent whose delete is uncommitted waits and is refused.
import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import type postgres from "postgres";
import { connect } from "../_shared/db.ts";
import { env } from "../_shared/testing.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 });
let seq = 0;

/** A committed listing of notino-de, with nothing referring to it yet. */
async function listing(): Promise<string> {
  const sku = `REF-${Date.now().toString(36)}-${++seq}`;
  const [{ id }] = await sql`
    insert into public.retailer_listings (retailer_id, retailer_sku, title, url)
    values ((select id from public.retailers where slug = 'notino-de'), ${sku}, 'Reference Test', ${`https://shop.example/${sku}`})
    returning id`;
  return id;
}

const insertOffer = (tx: postgres.TransactionSql | postgres.ReservedSql, listingId: string) => tx`
  insert into public.current_offers (listing_id, retailer_id, price, currency, price_base, in_stock, observed_at, batch_id)
  values (${listingId}, (select id from public.retailers where slug = 'notino-de'), 10, 'EUR', 10, true, now(), 0)`;

const offers = async (listingId: string) =>
  (await sql`select count(*)::int as n from public.current_offers where listing_id = ${listingId}`)[0].n;

Deno.test("references: a listing's delete waits for an uncommitted offer of it, then takes the offer with it", async () => {
  const id = await listing();
  const writer = await sql.reserve();
  try {
    await writer`begin`;
    await insertOffer(writer, id);
    // While the offer is uncommitted, the listing is locked FOR KEY SHARE: a delete cannot go ahead.
    await rejects(sql.begin(async (tx) => {
      await tx`set local lock_timeout = '300ms'`;
      await tx`delete from public.retailer_listings where id = ${id}`;
    }), (e: { code?: string }) => e.code === "55P03");
    await writer`commit`;
  } finally {
    writer.release();
  }
  assertEquals(await offers(id), 1);
  await sql`delete from public.retailer_listings where id = ${id}`;
  assertEquals(await offers(id), 0, "the committed offer went with its listing");
});

Deno.test("references: an offer of a listing whose delete is uncommitted waits, and is refused once it commits", async () => {
  const id = await listing();
  const deleter = await sql.reserve();
  try {
    await deleter`begin`;
    await deleter`delete from public.retailer_listings where id = ${id}`;
    await rejects(sql.begin(async (tx) => {
      await tx`set local lock_timeout = '300ms'`;
      await insertOffer(tx, id);
    }), (e: { code?: string }) => e.code === "55P03", "the offer waits for the delete");
    await deleter`commit`;
  } finally {
    deleter.release();
  }
  await rejects(sql.begin((tx) => insertOffer(tx, id)), (e: { code?: string }) => e.code === "23503", "then it is refused");
  assertEquals(await offers(id), 0);
});
