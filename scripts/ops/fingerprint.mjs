// Row count and checksum of every table of a database: two databases with
// the same fingerprints hold the same data. Used to prove a restore.
import postgres from "postgres";

/** {"schema.table": {rows, md5}} for every table (partitions by leaf) outside the system schemas. */
export async function fingerprints(dbUrl) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql`
      select format('%I.%I', n.nspname, c.relname) as name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      -- (other sessions' temporary tables, e.g. the ingest function's staging, are neither data nor readable)
      where c.relkind = 'r' and c.relpersistence <> 't' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      order by 1`;
    const out = {};
    for (const { name } of tables) {
      // Rows as text, sorted as text: independent of physical order and of ids' types.
      const [r] = await sql.unsafe(`select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${name} t`);
      out[name] = r;
    }
    return out;
  } finally {
    await sql.end();
  }
}

/** The tables whose fingerprints differ (or exist on one side only), with both sides. */
export function differences(expected, actual) {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((n) => JSON.stringify(expected[n]) !== JSON.stringify(actual[n]))
    .map((n) => ({ table: n, expected: expected[n] ?? null, actual: actual[n] ?? null }));
}
