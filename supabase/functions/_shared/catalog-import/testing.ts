/** Test helpers for catalog imports: the fixtures, and putting the test database's catalog back as it was. */
import type { Sql } from "../db.ts";

export const FIXTURES = new URL("./fixtures/", import.meta.url);

/** A fixture file's bytes as a stream of chunks of `size` bytes (optionally failing after `failAfter` bytes). */
export async function* fixtureBytes(name: string, { size = 4096, failAfter = Infinity } = {}): AsyncGenerator<Uint8Array> {
  const bytes = await Deno.readFile(new URL(name, FIXTURES));
  for (let i = 0; i < bytes.length; i += size) {
    if (i >= failAfter) throw new Error("connection lost (test)");
    yield bytes.slice(i, i + size);
  }
}

export async function sha256(name: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(new URL(name, FIXTURES)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Remembers when the test started; `restore()` deletes every catalog row made since (fragrances,
 * brands, notes, accords, perfumers) and every import run, so the suites after this one see the seed.
 */
export async function catalogCheckpoint(sql: Sql) {
  const [{ at }] = await sql<{ at: Date }[]>`select clock_timestamp() as at`;
  return {
    at,
    async restore() {
      await sql.begin(async (tx) => {
        await tx`delete from private.catalog_import_reviews`;
        await tx`delete from private.catalog_source_rows`;
        await tx`delete from private.fragrance_field_sources`;
        await tx`delete from private.catalog_import_rejects`;
        await tx`delete from private.catalog_import_runs`;
        await tx`delete from private.pipeline_runs where pipeline = 'catalog-import'`;
        await tx`delete from public.fragrances where created_at >= ${at}`;
        await tx`delete from public.brands where created_at >= ${at}`;
        await tx`delete from public.notes where created_at >= ${at}`;
        await tx`delete from public.accords where created_at >= ${at}`;
        await tx`delete from public.perfumers where created_at >= ${at}`;
      });
    },
  };
}

/**
 * What the imports since `at` made of the catalog, by names (ids differ between runs): each new
 * fragrance with its fields, pyramid, accords and perfumers, and each source row with its status.
 */
export async function catalogFingerprint(sql: Sql, at: Date): Promise<string> {
  const [{ fp }] = await sql<{ fp: string }[]>`
    select md5(coalesce(string_agg(x, E'\n' order by x), '')) as fp from (
      select concat_ws('|', b.name, f.name, f.concentration, f.gender, f.launch_year,
        (select string_agg(fn.tier::text || fn.position || n.name, ',' order by fn.tier, fn.position) from public.fragrance_notes fn join public.notes n on n.id = fn.note_id where fn.fragrance_id = f.id),
        (select string_agg(a.name || fa.strength::text, ',' order by a.name) from public.fragrance_accords fa join public.accords a on a.id = fa.accord_id where fa.fragrance_id = f.id),
        (select string_agg(p.name, ',' order by p.name) from public.fragrance_perfumers fp join public.perfumers p on p.id = fp.perfumer_id where fp.fragrance_id = f.id)) as x
      from public.fragrances f join public.brands b on b.id = f.brand_id
      where f.created_at >= ${at} or exists (select from private.catalog_source_rows s where s.fragrance_id = f.id)
      union all
      select concat_ws('|', s.source, s.source_key, s.status, s.content_hash,
        (select concat_ws('/', b.name, f.name, f.concentration) from public.fragrances f join public.brands b on b.id = f.brand_id where f.id = s.fragrance_id))
      from private.catalog_source_rows s
    ) t`;
  return fp;
}
