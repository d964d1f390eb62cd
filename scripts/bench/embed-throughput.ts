/** Texts per second of the local embedding model on the catalog's real documents; prints one JSON line. */
import { connect } from "../../supabase/functions/_shared/db.ts";
import { LocalProvider } from "../../supabase/functions/_shared/embeddings/mod.ts";

const sql = connect();
const docs = (await sql`select document from public.fragrance_documents order by fragrance_id`).map((r) => r.document as string);
await sql.end();
const provider = new LocalProvider(64);
await provider.embed(docs.slice(0, 8)); // load the model and warm up
const started = performance.now();
await provider.embed(docs);
const seconds = (performance.now() - started) / 1000;
const chars = docs.reduce((n, d) => n + d.length, 0);
console.log(JSON.stringify({ texts: docs.length, mean_chars: Math.round(chars / docs.length), texts_per_second: Math.round((docs.length / seconds) * 10) / 10 }));
