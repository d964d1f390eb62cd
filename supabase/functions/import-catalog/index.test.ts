import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { connect } from "../_shared/db.ts";
import { callFunction, env, tokenFor } from "../_shared/testing.ts";
import { catalogCheckpoint, FIXTURES, sha256 } from "../_shared/catalog-import/testing.ts";

const sql = connect(env("SUPABASE_DB_URL"), { max: 2 });
const expected = JSON.parse(await Deno.readTextFile(new URL("expected.json", FIXTURES)));

const post = async (query: string, body: BodyInit | null, type = "text/csv", token?: string) =>
  await callFunction(`import-catalog?${query}`, {
    method: "POST", body, headers: { "Content-Type": type }, token: token ?? await tokenFor("service_role"),
  });
const file = (name: string) => Deno.readFile(new URL(name, FIXTURES));

Deno.test("import-catalog: only the service role may import", async () => {
  for (const role of ["anon", "authenticated"] as const) {
    const res = await post("source=x", "brand,name\n", "text/csv", await tokenFor(role, role === "anon" ? undefined : crypto.randomUUID()));
    assertEquals([res.status, (await res.json()).error.code], [403, "forbidden"], role);
  }
});

Deno.test("import-catalog: a bad request is refused before anything is imported", async () => {
  const cases: [string, BodyInit | null, string, number, string][] = [
    ["source=Not%20Kebab", "brand,name\n", "text/csv", 400, "bad_source"],
    ["source=x", "brand,name\n", "application/pdf", 415, "unsupported_media_type"],
    ["source=x&mapping=nope", "brand,name\n", "text/csv", 400, "bad_mapping"],
    ["source=x&encoding=ebcdic", "brand,name\n", "text/csv", 400, "bad_encoding"],
    ["source=x&sha256=abc", "brand,name\n", "text/csv", 400, "bad_sha256"],
  ];
  for (const [query, body, type, status, code] of cases) {
    const res = await post(query, body, type);
    assertEquals([res.status, (await res.json()).error.code], [status, code], query);
  }
});

Deno.test("import-catalog: a file that does not fit its mapping or encoding is a 422 that says why", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const noBrand = await post("source=fn-test&mapping=parfumo", "Name,Marke\nX,Y\n");
    assertEquals([noBrand.status, /no "Brand" column/.test((await noBrand.json()).error.message)], [422, true]);
    const latin1 = await post("source=fn-test&mapping=fragrantica", await file("fragrantica.csv"));
    assertEquals([latin1.status, /not UTF-8/.test((await latin1.json()).error.message)], [422, true]);
  } finally {
    await checkpoint.restore();
  }
});

Deno.test("import-catalog: a Fragrantica-style Latin-1 file, then the same file again: the summary, then all unchanged", async () => {
  const checkpoint = await catalogCheckpoint(sql);
  try {
    const query = `source=fragrantica&mapping=fragrantica&encoding=latin1&sha256=${await sha256("fragrantica.csv")}&file_name=fragrantica.csv`;
    const first = await post(query, await file("fragrantica.csv"), "text/csv; charset=iso-8859-1");
    assertEquals(first.status, 200);
    const s = await first.json();
    const want = expected["fragrantica.csv"];
    assertEquals([s.status, s.rows, s.counts.rejected], ["succeeded", want.rows, want.counts.rejected]);
    assertEquals(s.rejects.map((r: { line: number; field: string }) => ({ line: r.line, field: r.field })), want.rejects);
    const again = await (await post(query, await file("fragrantica.csv"))).json();
    assertEquals([again.counts.unchanged, again.counts.inserted, again.counts.merged], [want.rows - want.counts.rejected, 0, 0]);
    const json = await post("source=fn-json", await file("scentmatch.json"), "application/json");
    assertEquals((await json.json()).counts.rejected, expected["scentmatch.json"].counts.rejected);
  } finally {
    await checkpoint.restore();
  }
});
