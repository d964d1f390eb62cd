import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { csvRecords, decode, jsonRecords, sniffDelimiter, UnreadableFile } from "./records.ts";

async function* chunks(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
const all = async <T>(g: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
};
const csv = (text: string, size = 1_000, delimiter?: string) => all(csvRecords(chunks(text, size), delimiter));

const MESSY = 'Name,Notes,Perfumers\r\n"Rêve d\'Or","Rose, Oud","Jane ""JD"" Doe"\r\nPlain,,\n"two\nlines","a,b",x\r\n\r\nlast,one,"quoted"';
const PARSED = [
  ["Name", "Notes", "Perfumers"],
  ["Rêve d'Or", "Rose, Oud", 'Jane "JD" Doe'],
  ["Plain", "", ""],
  ["two\nlines", "a,b", "x"],
  ["last", "one", "quoted"],
];

Deno.test("csv: quoted fields hold delimiters, doubled quotes and line breaks; CRLF, LF and blank lines", async () => {
  assertEquals(await csv(MESSY), PARSED);
});

Deno.test("csv: the same records whatever the chunk size (a chunk may end inside a quote, a CRLF or a doubled quote)", async () => {
  for (const size of [1, 2, 3, 5, 7, 64]) assertEquals(await csv(MESSY, size), PARSED, `chunks of ${size}`);
});

Deno.test("csv: the delimiter is sniffed from the header (comma, semicolon, tab, pipe), outside quotes", async () => {
  assertEquals(sniffDelimiter('"a;b",c,d'), ",");
  assertEquals(sniffDelimiter("url;Perfume;Brand"), ";");
  assertEquals(sniffDelimiter("a\tb\tc"), "\t");
  assertEquals(sniffDelimiter("a|b|c"), "|");
  for (const size of [1, 3, 100]) assertEquals(await csv('url;Perfume\nx;"4,5"\n', size), [["url", "Perfume"], ["x", "4,5"]]);
  assertEquals(await csv("a,b;c\n1,2;3\n", 100, ";"), [["a,b", "c"], ["1,2", "3"]], "a given delimiter wins");
});

Deno.test("csv: a quote never closed is an error naming its line, not a silently merged file", async () => {
  await rejects(csv('a,b\n1,"open\n2,3\n'), (e) => e instanceof UnreadableFile && /line 2 never closes/.test(e.message));
});

Deno.test("csv: a stray quote after a closing quote is kept, a last line without a line break is read", async () => {
  assertEquals(await csv('a,b\n"x"y,z'), [["a", "b"], ["xy", "z"]]);
});

async function* bytes(...parts: number[][]) {
  for (const p of parts) yield new Uint8Array(p);
}

Deno.test("decode: UTF-8 across chunk boundaries, a byte-order mark dropped", async () => {
  const utf8 = new TextEncoder().encode("\ufeffRêve");
  assertEquals((await all(decode(bytes([...utf8.slice(0, 5)], [...utf8.slice(5)])))).join(""), "Rêve");
});

Deno.test("decode: Latin-1 sent as UTF-8 is refused with what to do; declared, it reads right", async () => {
  const latin1 = [0x52, 0xea, 0x76, 0x65]; // "Rêve" in ISO-8859-1
  await rejects(all(decode(bytes(latin1))), (e) => e instanceof UnreadableFile && /declare it/.test(e.message));
  assertEquals((await all(decode(bytes(latin1), "latin1"))).join(""), "Rêve");
});

const json = (text: string, size = 1_000) => all(jsonRecords(chunks(text, size)));

Deno.test("json: the objects of an array, one at a time, whatever the chunking; NDJSON too", async () => {
  const text = '[ {"name": "A, \\"quoted\\" }", "top": ["x", "y"]},\n {"name": "B", "n": {"deep": [1, {"k": "]"}]}} ]';
  const want = [{ name: 'A, "quoted" }', top: ["x", "y"] }, { name: "B", n: { deep: [1, { k: "]" }] } }];
  for (const size of [1, 4, 1000]) assertEquals(await json(text, size), want);
  assertEquals(await json('{"a": 1}\n{"a": 2}\n'), [{ a: 1 }, { a: 2 }]);
  assertEquals(await json("[]"), []);
});

Deno.test("json: what is not an array of objects is refused with the record it happened at", async () => {
  await rejects(json('[{"a": 1}, 2]'), (e) => e instanceof UnreadableFile && /record 2: expected a JSON object/.test(e.message));
  await rejects(json('[{"a": 1}, {"b": '), (e) => e instanceof UnreadableFile && /ends inside record 2/.test(e.message));
  await rejects(json('[{"a": tru}]'), (e) => e instanceof UnreadableFile && /record 1 is not valid JSON/.test(e.message));
});
