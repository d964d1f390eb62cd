// The set-wise references a price batch writes through (supabase/schemas/foundation/references.sql)
// between concurrent transactions, where pgTAP cannot go: a parent that a writer's uncommitted rows
// refer to is locked as a foreign key locks it, so a concurrent delete waits and then takes those
// rows with it, and a row referring to a parent whose delete is uncommitted waits and is refused.
// (Waiting is seen in pg_stat_activity, not by lock_timeout: the year-ahead run fakes the clock, and
// its server's timeouts never fire.)
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
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

const insertOffer = (tx: postgres.ReservedSql, listingId: string) => tx`
  insert into public.current_offers (listing_id, retailer_id, price, currency, price_base, in_stock, observed_at, batch_id)
  values (${listingId}, (select id from public.retailers where slug = 'notino-de'), 10, 'EUR', 10, true, now(), 0)`;

const offers = async (listingId: string) =>
  (await sql`select count(*)::int as n from public.current_offers where listing_id = ${listingId}`)[0].n;

/** Whether the backend `pid` comes to wait on a lock (within ~5 s). */
async function waitsOnLock(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const [row] = await sql`select wait_event_type from pg_stat_activity where pid = ${pid}`;
    if (row?.wait_event_type === "Lock") return true;
    await new Promise((done) => setTimeout(done, 10));
  }
  return false;
}

/** Two connections of their own, released after `body`. */
async function twoConnections(body: (a: postgres.ReservedSql, b: postgres.ReservedSql, bPid: number) => Promise<void>) {
  const a = await sql.reserve();
  const b = await sql.reserve();
  try {
    const [{ pid }] = await b`select pg_backend_pid() as pid`;
    await body(a, b, pid);
  } finally {
    a.release();
    b.release();
  }
}

Deno.test("references: a listing's delete waits for an uncommitted offer of it, then takes the offer with it", async () => {
  const id = await listing();
  await twoConnections(async (writer, deleter, deleterPid) => {
    await writer`begin`;
    await insertOffer(writer, id);
    const deleted = deleter`delete from public.retailer_listings where id = ${id}`.execute();
    ok(await waitsOnLock(deleterPid), "the delete waits for the writer (its offer locked the listing FOR KEY SHARE)");
    await writer`commit`;
    await deleted;
  });
  assertEquals(await offers(id), 0, "the committed offer went with its listing");
});

Deno.test("references: an offer of a listing whose delete is uncommitted waits, and is refused once it commits", async () => {
  const id = await listing();
  await twoConnections(async (deleter, writer, writerPid) => {
    await deleter`begin`;
    await deleter`delete from public.retailer_listings where id = ${id}`;
    // (its outcome is caught at once: it may arrive before the commit's answer does)
    const written = insertOffer(writer, id).execute().then(() => null, (e: { code?: string }) => e);
    ok(await waitsOnLock(writerPid), "the offer waits for the delete");
    await deleter`commit`;
    assertEquals((await written)?.code, "23503", "then it is refused");
  });
  assertEquals(await offers(id), 0);
});
