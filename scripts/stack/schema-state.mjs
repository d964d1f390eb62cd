// The declarative schema (supabase/schemas, in the order of config.toml's
// schema_paths) and what a database holds: its schema, its cron jobs and the
// rows its definitions insert. npm test builds one database from the
// migrations and one from the schema files and compares the two with these.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PG_BIN, psql, ROOT, StackError } from "./cluster.mjs";

const CONFIG = path.join(ROOT, "supabase/config.toml");

/** The schema files, in apply order, as config.toml's [db.migrations] schema_paths lists them (relative to supabase/). */
export function schemaFiles() {
  const m = /\nschema_paths = \[([\s\S]*?)\]\n/.exec(fs.readFileSync(CONFIG, "utf8"));
  if (!m) throw new StackError("supabase/config.toml has no [db.migrations] schema_paths");
  return [...m[1].matchAll(/^\s*"([^"]+)",?/gm)].map((x) => path.normalize(path.join("supabase", x[1])));
}

/** Every .sql file under supabase/schemas (relative to the project root). */
export function filesUnderSchemas() {
  const dir = path.join(ROOT, "supabase/schemas");
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".sql")).map((f) => path.join("supabase/schemas", f)).sort();
}

/** Applies the schema files to a bootstrapped cluster as `postgres`, in one transaction. */
export function applySchemaFiles(c) {
  const args = ["-d", c.dbUrl, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
    ...schemaFiles().flatMap((f) => ["-f", path.join(ROOT, f)])];
  const r = spawnSync(`${PG_BIN}/psql`, args, { encoding: "utf8" });
  if (r.status !== 0) throw new StackError(`applying supabase/schemas failed:\n${r.stderr.trim().split("\n").slice(-10).join("\n")}`);
}

/** Schema of everything but the CLI's own bookkeeping, plus the scheduled jobs (rows of cron.job). */
export function schemaSnapshot(c) {
  const r = spawnSync(`${PG_BIN}/pg_dump`, ["-h", c.socketDir, "-p", String(c.port), "-U", "supabase_admin", "-d", "postgres",
    "--schema-only", "--exclude-schema=supabase_migrations"], { encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new StackError(`pg_dump failed: ${r.stderr}`);
  const jobs = psql(c, { as: "super", sql: "select string_agg(jobname || ' ' || schedule || ' ' || command, E'\\n' order by jobname) from cron.job" });
  // pg_dump >= 15.14 brackets the dump with a random \restrict key; it is not schema.
  const schema = r.stdout.replace(/^\\(un)?restrict .*$/gm, "");
  return `${schema}\n-- cron jobs\n${jobs}`;
}

/** Tables that scheduled jobs and requests write, not the definitions: a cron run may land in them at any time. */
const WRITTEN_BY_JOBS = ["private.pipeline_runs", "private.audit_log", "private.rate_limits", "private.data_quality_results",
  "private.freshness_breaches"];

/**
 * Row count and checksum of every table of the project's schemas (partitioned tables through their
 * parent), timestamps left out: on a fresh database these are the rows the definitions insert
 * (settings, lookups, the pipeline registry, dim_date). Tables jobs write are left out.
 */
export function definitionRows(c) {
  return psql(c, {
    as: "super",
    sql: `
      do $$
      declare t record; n bigint; h text; out text := '';
      begin
        for t in select format('%I.%I', ns.nspname, cl.relname) as name
                 from pg_class cl join pg_namespace ns on ns.oid = cl.relnamespace
                 where ns.nspname in ('public', 'private', 'analytics') and cl.relkind in ('r', 'p') and not cl.relispartition
                   and format('%I.%I', ns.nspname, cl.relname) <> all (string_to_array('${WRITTEN_BY_JOBS.join(",")}', ','))
                 order by 1
        loop
          execute format($q$select count(*), md5(coalesce(string_agg(x::text, E'\\n' order by x::text), ''))
                         from (select to_jsonb(r) - 'created_at' - 'updated_at' as x from %s r) s$q$, t.name) into n, h;
          if n > 0 then out := out || t.name || ' ' || n || ' ' || h || E'\\n'; end if;
        end loop;
        perform set_config('scentmatch.rows', out, false);
      end $$;
      select current_setting('scentmatch.rows');`,
  });
}
