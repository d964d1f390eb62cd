import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { byHeader, checkHeader, mappingNamed, MappingError, mapRecord, parseMapping } from "./mappings.ts";

Deno.test("parfumo mapping: NA is missing, lists split on commas (repeats dropped), the URL is the key (the number when no URL)", () => {
  const m = mappingNamed("parfumo");
  const row = mapRecord({
    Number: "17", Name: "Rêve d'Or", Brand: "Maison Lumière", Release_Year: "NA", Concentration: "Eau de Parfum",
    Rating_Value: "8.2", Rating_Count: "12", Main_Accords: "amber, woody", Top_Notes: "Pink Pepper, NA, Yuzu",
    Middle_Notes: "NA", Base_Notes: "", Perfumers: "Jane Doe, jane doe", URL: "https://p.example/17",
  }, m, 3);
  assertEquals(row, {
    line: 3, key: "https://p.example/17", brand: "Maison Lumière", name: "Rêve d'Or", concentration: "Eau de Parfum",
    url: "https://p.example/17", rating_value: "8.2", rating_count: "12", accords: ["amber", "woody"],
    top: ["Pink Pepper", "Yuzu"], perfumers: ["Jane Doe"],
  });
  assertEquals(mapRecord({ Number: "18", Name: "X", Brand: "Y", URL: "NA" }, m, 1).key, "18");
});

Deno.test("fragrantica mapping: decimal comma, one accord per column, 'unknown' perfumers dropped", () => {
  const row = mapRecord({
    url: "u1", Perfume: "Sauvage Eau de Parfum", Brand: "Dior", Gender: "men", "Rating Value": "4,12", "Rating Count": "3",
    Year: "2018", Top: "Bergamot", Middle: "", Base: "Ambroxan, Cedar", Perfumer1: "François Demachy", Perfumer2: "unknown",
    mainaccord1: "fresh spicy", mainaccord2: "amber", mainaccord3: "", mainaccord4: "", mainaccord5: "",
  }, mappingNamed("fragrantica"), 1);
  assertEquals(row, {
    line: 1, key: "u1", brand: "Dior", name: "Sauvage Eau de Parfum", gender: "men", year: "2018", url: "u1",
    rating_value: "4.12", rating_count: "3", accords: ["fresh spicy", "amber"], top: ["Bergamot"], base: ["Ambroxan", "Cedar"],
    perfumers: ["François Demachy"],
  });
});

Deno.test("scentmatch mapping: JSON arrays and numbers are taken as they are", () => {
  assertEquals(mapRecord({ key: 7, brand: "B", name: "N", year: 2001, top: ["a", " b ", ""], accords: "x, y" }, mappingNamed("scentmatch"), 1),
    { line: 1, key: "7", brand: "B", name: "N", year: "2001", top: ["a", "b"], accords: ["x", "y"] });
});

Deno.test("header: brand and name columns are required; other missing columns are listed", () => {
  const m = mappingNamed("parfumo");
  throws(() => checkHeader(["Name", "Marke"], m), (e) => e instanceof MappingError && /no "Brand" column/.test(e.message));
  assertEquals(checkHeader(["Name", "Brand", "URL"], m).includes("Top_Notes"), true);
});

Deno.test("a row of another width than the header says so (and is rejected by the import)", () => {
  assertEquals(byHeader(["a", "b"], ["1"], 4), { record: { a: "1", b: "" }, error: "has 1 fields, the header has 2 (line 4)" });
  assertEquals(byHeader(["a", "b"], ["1", "2"], 4), { record: { a: "1", b: "2" } });
});

Deno.test("mappings: an unknown name or a malformed custom mapping is refused, a custom one accepted", () => {
  throws(() => mappingNamed("nope"), (e) => e instanceof MappingError && /ready ones: scentmatch, parfumo, fragrantica/.test(e.message));
  throws(() => parseMapping({ name: "x", fields: { brand: "B" } }), MappingError);
  throws(() => parseMapping({ name: "x", fields: { brand: "B", name: "N", colour: "C" } }), MappingError);
  const m = parseMapping({ name: "shop", fields: { brand: "Marke", name: "Duft" }, lists: { top: ["Kopfnote"] } });
  assertEquals(mapRecord({ Marke: "Dior", Duft: "Sauvage", Kopfnote: "Bergamotte, Pfeffer" }, m, 1),
    { line: 1, brand: "Dior", name: "Sauvage", top: ["Bergamotte", "Pfeffer"] });
});
