/**
 * `POST /functions/v1/notify` (service_role): delivers price-alert notifications from the outbox
 * (public.alert_notifications) to each owner's webhook. Claims due ones (private.claim_notifications),
 * POSTs each as JSON signed like our own webhook (X-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">
 * with the owner's secret) with its id as Idempotency-Key, and settles them in one call
 * (private.settle_notifications): 2xx is delivered; anything else is retried with backoff, then
 * dead-lettered. Repeats until nothing is due or the time budget is spent. Called by pg_cron through
 * pg_net on hosted Supabase, and by the local stack's scheduler.
 */
import { requireRole } from "../_shared/auth.ts";
import { db, type Sql } from "../_shared/db.ts";
import { allowMethods, handle, json } from "../_shared/http.ts";
import { sign } from "../_shared/signature.ts";

export type NotifyOptions = { batchSize?: number; budgetMs?: number; timeoutMs?: number; fetch?: typeof fetch };
export type NotifyReport = { claimed: number; delivered: number; retrying: number; dead: number };

type Claimed = { id: string; url: string; secret: string; payload: Record<string, unknown>; attempts: number };

/** One delivery: null when the webhook answered 2xx, else why not (a status or a network error, never the URL or secret). */
async function deliver(n: Claimed, timeoutMs: number, send: typeof fetch): Promise<string | null> {
  const body = JSON.stringify({ id: Number(n.id), ...n.payload });
  try {
    const res = await send(n.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "ScentMatch-Notify/1",
        "X-Signature": await sign(body, n.secret),
        "Idempotency-Key": `notification-${n.id}`,
      },
      body,
      redirect: "manual", // a redirect is not a delivery: the user's URL is the one signed for
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error;
    return e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `network error: ${e.name}`;
  }
}

/** Works the outbox until nothing is due or budgetMs has passed. */
export async function deliverDue(sql: Sql, options: NotifyOptions = {}): Promise<NotifyReport> {
  const { batchSize = 50, budgetMs = 25_000, timeoutMs = 10_000, fetch: send = fetch } = options;
  const started = performance.now();
  const startedAt = new Date();
  const report: NotifyReport = { claimed: 0, delivered: 0, retrying: 0, dead: 0 };
  while (performance.now() - started < budgetMs) {
    const due = await sql<Claimed[]>`select id::text, url, secret, payload, attempts from private.claim_notifications(${batchSize})`;
    if (due.length === 0) break;
    report.claimed += due.length;
    const outcomes = await Promise.all(due.map((n) => deliver(n, timeoutMs, send)));
    const delivered = due.filter((_, i) => outcomes[i] === null).map((n) => n.id);
    const failed = due.flatMap((n, i) => outcomes[i] === null ? [] : [{ id: Number(n.id), error: outcomes[i] }]);
    // ids as one text literal: postgres-js may send a JavaScript array as text on a connection's first query
    const [s] = await sql`
      select delivered_count, retrying, dead from private.settle_notifications(${`{${delivered.join(",")}}`}::bigint[], ${sql.json(failed)})`;
    report.delivered += s.delivered_count;
    report.retrying += s.retrying;
    report.dead += s.dead;
    if (due.length < batchSize) break;
  }
  if (report.claimed > 0) {
    await sql`
      select private.record_pipeline_run('notify', ${startedAt}, ${report.claimed}, ${report.delivered},
                                         ${report.retrying + report.dead}, null, ${sql.json(report)}, null)`;
  }
  return report;
}

export function notifyHandler(sql: () => Sql, options: NotifyOptions = {}) {
  return handle(async (req) => {
    allowMethods(req, "POST");
    await requireRole(req, "service_role");
    const report = await deliverDue(sql(), options);
    if (report.claimed) console.log(JSON.stringify({ level: report.retrying || report.dead ? "warn" : "info", fn: "notify", ...report }));
    return json(report);
  }, { deadlineMs: 50_000 });
}

export const handler = notifyHandler(() => db(30));

if (import.meta.main) Deno.serve(handler);
