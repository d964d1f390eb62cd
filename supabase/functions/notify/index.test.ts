import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { sign, verify } from "../_shared/signature.ts";
import { handler as ingest } from "../ingest-prices/index.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { deliverDue } from "./index.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 4 });

type Received = { body: string; signature: string | null; key: string | null };

/** A local webhook receiver: answers each request with the next status of `statuses` (then 200), and keeps what it got. */
function receiver(statuses: number[] = []) {
  const got: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    got.push({ body: await req.text(), signature: req.headers.get("X-Signature"), key: req.headers.get("Idempotency-Key") });
    return new Response(null, { status: statuses.shift() ?? 200 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/hook`, got, close: () => server.shutdown() };
}

/** A user with a webhook at url and `n` pending notifications; returns their id, the secret, and the notification ids. */
async function userWithNotifications(url: string, n: number) {
  const email = `notify-${crypto.randomUUID()}@example.com`;
  const [{ id }] = await sql`insert into auth.users (email) values (${email}) returning id`;
  // what set_notification_webhook does for a signed-in user (a test has no session): here with a known secret
  const secret = `whsec_test_${crypto.randomUUID()}`;
  await sql`insert into private.notification_webhooks (user_id, url, secret) values (${id}, ${url}, ${secret})`;
  const [{ alert }] = await sql`
    insert into public.price_alerts (user_id, fragrance_id, kind) select ${id}, f.id, 'back_in_stock' from public.fragrances f
    where f.slug = 'dior-sauvage-edp' returning id as alert`;
  const rows = await sql`
    insert into public.alert_notifications (user_id, alert_id, event, payload)
    select ${id}, ${alert}, -i, jsonb_build_object('type', 'price_alert', 'kind', 'back_in_stock', 'price', 10 + i) from generate_series(1, ${n}) i
    returning id::text`;
  return { id: id as string, secret, ids: rows.map((r) => r.id as string), drop: () => sql`delete from auth.users where id = ${id}` };
}

const statusOf = async (ids: string[]) =>
  (await sql`select status, attempts, last_error from public.alert_notifications where id = any(${`{${ids.join(",")}}`}::bigint[]) order by id`)
    .map((r) => [r.status, r.attempts, r.last_error]);

Deno.test("notify: only the service role may call it", async () => {
  const anon = await callFunction("notify", { method: "POST", body: "{}", token: await tokenFor("anon") });
  assertEquals([anon.status, (await anon.json()).error.code], [403, "forbidden"]);
});

Deno.test("notify delivers each notification to its owner's webhook, signed, with its id as Idempotency-Key, once", async () => {
  const hook = receiver();
  const user = await userWithNotifications(hook.url, 3);
  try {
    await deliverDue(sql, { batchSize: 2 }); // (the local scheduler's notify may deliver some first: the outcome is the same)
    assertEquals(await statusOf(user.ids), user.ids.map(() => ["delivered", 1, null]));
    const mine = hook.got.filter((g) => user.ids.includes(String(JSON.parse(g.body).id)));
    assertEquals(mine.map((g) => JSON.parse(g.body).price).sort(), [11, 12, 13]);
    for (const g of mine) {
      const check = await verify(g.signature, new TextEncoder().encode(g.body), [user.secret]);
      ok(check.ok, "the body is signed with the user's secret");
      assertEquals(g.key, `notification-${JSON.parse(g.body).id}`);
    }
    await deliverDue(sql);
    assertEquals(hook.got.filter((g) => user.ids.includes(String(JSON.parse(g.body).id))).length, 3, "a delivered notification is not sent again");
  } finally {
    await user.drop();
    await hook.close();
  }
});

Deno.test("notify retries a failing webhook with backoff, then dead-letters it; the error names no URL or secret", async () => {
  const hook = receiver([500, 503]);
  const user = await userWithNotifications(hook.url, 1);
  try {
    await sql`update private.settings set value = '2' where key = 'notification_max_attempts'`;
    await deliverDue(sql);
    assertEquals(await statusOf(user.ids), [["failed", 1, "HTTP 500"]]);
    await deliverDue(sql);
    assertEquals(await statusOf(user.ids), [["failed", 1, "HTTP 500"]], "not retried before its backoff");
    await sql`update public.alert_notifications set next_attempt_at = now() where id = ${user.ids[0]}`;
    await deliverDue(sql);
    assertEquals(await statusOf(user.ids), [["dead", 2, "HTTP 503"]], "the second failure is the last");
    const [{ n }] = await sql`select count(*)::int as n from private.pipeline_runs where pipeline = 'notify' and details ->> 'dead' = '1'`;
    ok(n >= 1, "each call that claimed something is a recorded notify run");
  } finally {
    await sql`update private.settings set value = '8' where key = 'notification_max_attempts'`;
    await user.drop();
    await hook.close();
  }
});

Deno.test("notify: an unreachable webhook or one that never answers is a retry, not a crash", async () => {
  const hook = receiver();
  const port = new URL(hook.url).port;
  await hook.close(); // nothing listens there now
  // answers only after the delivery has given up (300 ms), so shutdown does not wait long for it
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Promise<Response>((r) => setTimeout(() => r(new Response(null)), 1500)));
  const gone = await userWithNotifications(`http://127.0.0.1:${port}/hook`, 1);
  const silent = await userWithNotifications(`http://127.0.0.1:${slow.addr.port}/hook`, 1);
  try {
    await deliverDue(sql, { timeoutMs: 300 });
    const [g] = await statusOf(gone.ids);
    const [s] = await statusOf(silent.ids);
    assertEquals([g[0], s[0], s[2]], ["failed", "failed", "no answer within 300 ms"]);
    ok(String(g[2]).startsWith("network error") && !String(g[2]).includes(port), String(g[2]));
  } finally {
    await gone.drop();
    await silent.drop();
    await slow.shutdown();
  }
});

Deno.test("a price batch fires an alert end to end: ingest, outbox, notify, the user's webhook", async () => {
  const hook = receiver();
  const email = `alert-e2e-${crypto.randomUUID()}@example.com`;
  const [{ id: user }] = await sql`insert into auth.users (email) values (${email}) returning id`;
  try {
    await sql`insert into private.notification_webhooks (user_id, url, secret) values (${user}, ${hook.url}, 'whsec_e2e')`;
    const [{ variant, fragrance }] = await sql`
      select v.id as variant, f.id as fragrance from public.variants v join public.fragrances f on f.id = v.fragrance_id
      where f.slug = 'dior-sauvage-edp' and v.size_ml = 100 and v.packaging = 'retail'`;
    await sql`insert into public.price_alerts (user_id, fragrance_id, variant_id, kind, target) values (${user}, ${fragrance}, ${variant}, 'price_below', 1)`;
    const sku = `ALERT-E2E-${Date.now()}`;
    const body = JSON.stringify({ offers: [{ sku, title: "Dior Sauvage Eau de Parfum 100 ml", price: 0.99, currency: "EUR", url: `https://www.notino.de/p/${sku}` }] });
    const res = await ingest(new Request("http://x/functions/v1/ingest-prices", {
      method: "POST", body,
      headers: { "Content-Type": "application/json", "X-Retailer": "notino-de", "X-Signature": await sign(body, "whsec_dev_notino-de") },
    }));
    assertEquals([res.status, (await res.json()).matched], [200, 1]);
    const [{ held }] = await sql`select count(*)::int as held from private.price_anomalies a join public.retailer_listings l on l.id = a.listing_id where l.retailer_sku = ${sku}`;
    if (held) {
      // a price this far under the others is held for review first; approving it makes it current
      await sql`select public.review_price_anomaly(a.id, true) from private.price_anomalies a join public.retailer_listings l on l.id = a.listing_id where l.retailer_sku = ${sku}`;
    }
    const [{ n }] = await sql`select count(*)::int as n from public.alert_notifications where user_id = ${user}`;
    assertEquals(n, 1, "the batch (or the approval) that made the price current fired the alert");
    await deliverDue(sql);
    const mine = hook.got.map((g) => JSON.parse(g.body)).filter((b) => b.kind === "price_below" && b.url?.endsWith(sku));
    assertEquals(mine.map((b) => [b.price, b.currency, b.fragrance.slug]), [[0.99, "EUR", "dior-sauvage-edp"]]);
  } finally {
    await sql`delete from public.retailer_listings where retailer_sku like 'ALERT-E2E-%'`;
    await sql`delete from auth.users where id = ${user}`;
    await hook.close();
    await sql.end();
  }
});
