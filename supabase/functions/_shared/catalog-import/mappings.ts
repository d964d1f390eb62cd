/**
 * Column mappings: which column of a source file is which field of a catalog row. Ready mappings
 * exist for ScentMatch's own layout, a Parfumo-style export and a Fragrantica-style one; a custom
 * mapping is a JSON file of the same shape (docs/CATALOG_IMPORT.md).
 */

/** The fields of a catalog row, as private.import_catalog_batch reads them. */
export const SCALAR_FIELDS = ["brand", "name", "concentration", "gender", "year", "url", "rating_value", "rating_count"] as const;
export const LIST_FIELDS = ["accords", "top", "heart", "base", "perfumers"] as const;
export type ScalarField = typeof SCALAR_FIELDS[number];
export type ListField = typeof LIST_FIELDS[number];

export type Mapping = {
  name: string;
  /** CSV delimiter; sniffed from the header when absent. */
  delimiter?: string;
  /** Numbers are written with a decimal comma ("4,25"). */
  decimal_comma?: boolean;
  /** Values that mean "missing" (compared trimmed, case-insensitive); the empty string always does. */
  missing?: string[];
  /** Columns holding the row's id in its source, tried in order; none: the row's brand, name and concentration are its key. */
  key?: string[];
  /** A column per scalar field; brand and name are required. */
  fields: Partial<Record<ScalarField, string>> & { brand: string; name: string };
  /** Columns per list field: each column holds one item, or several separated by commas (repeats dropped, case aside). */
  lists?: Partial<Record<ListField, string[]>>;
};

export const MAPPINGS: Record<string, Mapping> = {
  scentmatch: {
    name: "scentmatch",
    key: ["key"],
    fields: {
      brand: "brand", name: "name", concentration: "concentration", gender: "gender", year: "year", url: "url",
      rating_value: "rating_value", rating_count: "rating_count",
    },
    lists: { accords: ["accords"], top: ["top"], heart: ["heart"], base: ["base"], perfumers: ["perfumers"] },
  },
  parfumo: {
    name: "parfumo",
    missing: ["NA", "N/A"],
    key: ["URL", "Number"],
    fields: {
      brand: "Brand", name: "Name", concentration: "Concentration", year: "Release_Year", url: "URL",
      rating_value: "Rating_Value", rating_count: "Rating_Count",
    },
    lists: {
      accords: ["Main_Accords"], top: ["Top_Notes"], heart: ["Middle_Notes"], base: ["Base_Notes"], perfumers: ["Perfumers"],
    },
  },
  fragrantica: {
    name: "fragrantica",
    delimiter: ";",
    decimal_comma: true,
    missing: ["unknown", "NA", "N/A"],
    key: ["url"],
    fields: {
      brand: "Brand", name: "Perfume", gender: "Gender", year: "Year", url: "url",
      rating_value: "Rating Value", rating_count: "Rating Count",
    },
    lists: {
      accords: ["mainaccord1", "mainaccord2", "mainaccord3", "mainaccord4", "mainaccord5"],
      top: ["Top"], heart: ["Middle"], base: ["Base"], perfumers: ["Perfumer1", "Perfumer2"],
    },
  },
};

/** A mapping the caller got wrong, or a file that does not fit it: nothing is imported. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

/** Checks a custom mapping's shape (from a JSON file). */
export function parseMapping(value: unknown): Mapping {
  const m = value as Mapping;
  const ok = m && typeof m === "object" && typeof m.name === "string" && m.fields && typeof m.fields === "object" &&
    typeof m.fields.brand === "string" && typeof m.fields.name === "string" &&
    Object.keys(m.fields).every((k) => (SCALAR_FIELDS as readonly string[]).includes(k)) &&
    Object.entries(m.lists ?? {}).every(([k, v]) =>
      (LIST_FIELDS as readonly string[]).includes(k) && Array.isArray(v) && v.every((c) => typeof c === "string")
    ) &&
    (m.key === undefined || (Array.isArray(m.key) && m.key.every((c) => typeof c === "string")));
  if (!ok) {
    throw new MappingError(
      `a mapping needs name, fields.brand and fields.name (columns), and only the fields ${SCALAR_FIELDS.join(", ")}` +
        ` and lists ${LIST_FIELDS.join(", ")}`,
    );
  }
  return m;
}

/** A built-in mapping by name. */
export function mappingNamed(name: string): Mapping {
  const m = MAPPINGS[name];
  if (!m) throw new MappingError(`no mapping "${name}"; ready ones: ${Object.keys(MAPPINGS).join(", ")}`);
  return m;
}

/** The columns a mapping reads. */
function mappedColumns(m: Mapping): string[] {
  return [...(m.key ?? []), ...Object.values(m.fields), ...Object.values(m.lists ?? {}).flat()].filter((c): c is string => !!c);
}

/**
 * Checks a file's header against the mapping: brand and name columns must exist; returns the
 * mapped columns the file lacks (their fields are simply missing).
 */
export function checkHeader(header: string[], m: Mapping): string[] {
  const have = new Set(header.map((h) => h.trim()));
  for (const f of ["brand", "name"] as const) {
    if (!have.has(m.fields[f])) {
      throw new MappingError(
        `the file has no "${m.fields[f]}" column (${f} in mapping ${m.name}); its columns: ${header.slice(0, 30).join(", ")}`,
      );
    }
  }
  return [...new Set(mappedColumns(m))].filter((c) => !have.has(c));
}

/** A catalog row as private.import_catalog_batch takes it. */
export type CatalogRow = { line: number; key?: string; errors?: { field: string; reason: string }[] } & Partial<
  Record<ScalarField, string>
> & Partial<Record<ListField, string[]>>;

const text = (v: unknown): string | undefined =>
  v === null || v === undefined ? undefined : typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

/** Maps one record (a CSV row by its header, or a JSON object) to a catalog row. */
export function mapRecord(record: Record<string, unknown>, m: Mapping, line: number): CatalogRow {
  const missing = new Set((m.missing ?? []).map((s) => s.toLowerCase()));
  const value = (column: string | undefined): string | undefined => {
    if (!column) return undefined;
    const t = text(record[column])?.trim();
    return t === undefined || t === "" || missing.has(t.toLowerCase()) ? undefined : t;
  };
  const row: CatalogRow = { line };
  const key = (m.key ?? []).map(value).find((k) => k !== undefined);
  if (key !== undefined) row.key = key;
  for (const f of SCALAR_FIELDS) {
    let v = value(m.fields[f]);
    if (v !== undefined && m.decimal_comma && (f === "rating_value" || f === "rating_count" || f === "year")) {
      v = v.replace(/^(\d+),(\d+)$/, "$1.$2");
    }
    if (v !== undefined) row[f] = v;
  }
  for (const f of LIST_FIELDS) {
    const items: string[] = [];
    const seen = new Set<string>();
    for (const column of m.lists?.[f] ?? []) {
      const raw = record[column];
      const parts = Array.isArray(raw) ? raw.map(text) : (value(column) ?? "").split(",");
      for (const p of parts) {
        const t = p?.trim();
        if (t && !missing.has(t.toLowerCase()) && !seen.has(t.toLowerCase())) {
          seen.add(t.toLowerCase());
          items.push(t);
        }
      }
    }
    if (items.length) row[f] = items;
  }
  return row;
}

/** A CSV record by its header's names; a record of another width keeps its fields and says so. */
export function byHeader(header: string[], values: string[], line: number): { record: Record<string, string>; error?: string } {
  const record: Record<string, string> = {};
  header.forEach((h, i) => (record[h.trim()] = values[i] ?? ""));
  return values.length === header.length
    ? { record }
    : { record, error: `has ${values.length} fields, the header has ${header.length} (line ${line})` };
}
