// The owner counts a new user's recommendations read (supabase/schemas/users/fragrance_owners.sql)
// between concurrent transactions, where pgTAP cannot go: collections changed at the same time,
// many entries a statement and in opposite orders, all commit (the counts are locked in fragrance
// order, so they wait instead of deadlocking) and no owner is lost or counted twice.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { connect } from "./db.ts";
import { env } from "./testing.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 8 });
const USERS = 6;

/** Owners kept and owned entries counted, per fragrance of `ids`, as "id owners" lines. */
async function countsOf(ids: string[]) {
  const kept = await sql`select o.fragrance_id || ' ' || o.owners as c from private.fragrance_owners o
                         where o.fragrance_id = any (${ids}::uuid[]) order by 1`;
  const owned = await sql`select c.fragrance_id || ' ' || count(*) as c from public.collection_entries c
                          where c.status = 'owned' and c.fragrance_id = any (${ids}::uuid[]) group by c.fragrance_id order by 1`;
  return { kept: kept.map((r) => r.c), owned: owned.map((r) => r.c) };
}

Deno.test("owner counts: concurrent collections of many entries, in opposite orders, all commit and are counted once", async () => {
  const tag = Date.now().toString(36);
  const users = Array.from(
    { length: USERS },
    (_, i) => `0c0c0c0c-0000-4000-8000-${(Date.now() + i).toString(16).padStart(12, "0").slice(-12)}`,
  );
  await sql`insert into auth.users (id, email, aud, role)
            select u, 'owner-' || u || '@example.com', 'authenticated', 'authenticated' from unnest(${users}::uuid[]) u`;
  await sql`insert into public.profiles (id) select u from unnest(${users}::uuid[]) u on conflict do nothing`;
  const [{ brand }] =
    await sql`insert into public.brands (slug, name) values (${`owners-${tag}`}, ${`Owners ${tag}`}) returning id as brand`;
  const ids = (await sql`insert into public.fragrances (brand_id, slug, name, concentration)
                         select ${brand}, ${`owners-${tag}-`} || i, 'Owners ' || i, 'edp' from generate_series(1, 4) i returning id`)
    .map((r) => r.id);
  try {
    // Each user owns all four in one statement, half of them listed backwards; all at once.
    await Promise.all(users.map((u, i) =>
      sql.begin(async (tx) => {
        const order = i % 2 ? [...ids].reverse() : ids;
        await tx`insert into public.collection_entries (user_id, fragrance_id, status)
               select ${u}, f, 'owned' from unnest(${order}::uuid[]) with ordinality x (f, n) order by n`;
        await tx`select pg_sleep(0.05)`;
      })
    ));
    assertEquals(await countsOf(ids), {
      kept: ids.map((id) => `${id} ${USERS}`).sort(),
      owned: ids.map((id) => `${id} ${USERS}`).sort(),
    });

    // Then, at once: half delete their entries, the others stop owning two of the four.
    await Promise.all(users.map((u, i) =>
      sql.begin(async (tx) => {
        if (i % 2) await tx`delete from public.collection_entries where user_id = ${u}`;
        else {await tx`update public.collection_entries set status = 'tried' where user_id = ${u} and fragrance_id = any (${
            ids.slice(1, 3)
          }::uuid[])`;}
        await tx`select pg_sleep(0.05)`;
      })
    ));
    const after = await countsOf(ids);
    assertEquals(after.kept, after.owned, "the counts are the owned entries");
    assertEquals(
      after.kept,
      [ids[0], ids[3]].map((id) => `${id} ${USERS / 2}`).sort(),
      "two kept by three owners each, two by none (no row)",
    );
  } finally {
    await sql`delete from public.fragrances where brand_id = ${brand}`;
    await sql`delete from public.brands where id = ${brand}`;
    await sql`delete from auth.users where id = any (${users}::uuid[])`;
  }
});
