/**
 * `GET /functions/v1/ops-status` (service_role): the operational status of the
 * backend, one item per watched thing with ok, warn or critical, from
 * private.ops_status(). `status` is the worst item's. docs/RUNBOOK.md says
 * what each item means and what to do about it.
 */
import { requireRole } from "../_shared/auth.ts";
import { db, type Sql } from "../_shared/db.ts";
import { allowMethods, handle, json } from "../_shared/http.ts";

export type Level = "ok" | "warn" | "critical";
export type OpsItem = { item: string; status: Level; summary: string; details: Record<string, unknown> };

const RANK: Record<Level, number> = { ok: 0, warn: 1, critical: 2 };

/** The worst level among the items (ok when there are none). */
export function worst(items: OpsItem[]): Level {
  return items.reduce<Level>((w, i) => (RANK[i.status] > RANK[w] ? i.status : w), "ok");
}

export function opsStatusHandler(sql: () => Sql) {
  return handle(async (req) => {
    allowMethods(req, "GET");
    await requireRole(req, "service_role");
    const items = await sql()<OpsItem[]>`select item, status, summary, details from private.ops_status()`;
    return json({ status: worst(items), checked_at: new Date().toISOString(), items });
  }, { deadlineMs: 10_000 });
}

export const handler = opsStatusHandler(db);

if (import.meta.main) Deno.serve(handler);
