/**
 * Streaming readers of catalog files: CSV (any delimiter, quoted fields, CRLF) and JSON (an array
 * of objects, or one object per line). Each yields one record at a time, so a file is never held
 * whole. Bytes are decoded as UTF-8 (strict: a Latin-1 file is refused with a clear error, not
 * silently garbled) or as Latin-1 when declared.
 */

export type Encoding = "utf-8" | "latin1";

/** A file the readers cannot read (bad encoding, unbalanced quotes, not JSON). */
export class UnreadableFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableFile";
  }
}

/** Text chunks of a byte stream, decoded as declared. */
export async function* decode(bytes: AsyncIterable<Uint8Array>, encoding: Encoding = "utf-8"): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding === "latin1" ? "windows-1252" : "utf-8", { fatal: true });
  let first = true;
  try {
    for await (const chunk of bytes) {
      let text = decoder.decode(chunk, { stream: true });
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
        first = false;
      }
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (err) {
    if (err instanceof TypeError) {
      throw new UnreadableFile(
        encoding === "utf-8"
          ? "the file is not UTF-8; if it is Latin-1 (ISO-8859-1, Windows-1252), declare it (--encoding latin1, ?encoding=latin1)"
          : `the file cannot be decoded as ${encoding}`,
      );
    }
    throw err;
  }
}

const DELIMITERS = [",", ";", "\t", "|"];

/** The delimiter of a CSV header line: the candidate found most often outside quotes. */
export function sniffDelimiter(headerLine: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  return [...counts.entries()].reduce((best, e) => (e[1] > best[1] ? e : best), [",", 0])[0];
}

/** The chunks of text, held back until the header line is whole, whose delimiter is reported first. */
async function* sniffed(text: AsyncIterable<string>, report: (delimiter: string) => void): AsyncGenerator<string> {
  let head = "";
  let found = false;
  for await (const chunk of text) {
    if (found) {
      yield chunk;
      continue;
    }
    head += chunk;
    const end = head.search(/[\r\n]/);
    if (end >= 0) {
      report(sniffDelimiter(head.slice(0, end)));
      found = true;
      yield head;
    }
  }
  if (!found) {
    report(sniffDelimiter(head));
    if (head) yield head;
  }
}

/**
 * CSV records (arrays of fields) from text chunks, RFC 4180: a field in double quotes may hold the
 * delimiter, line breaks and doubled quotes; LF, CRLF and CR end records. The delimiter is sniffed
 * from the header line unless given. Blank lines are skipped. State is kept across chunks, so a
 * chunk may end anywhere.
 */
export async function* csvRecords(text: AsyncIterable<string>, delimiter?: string): AsyncGenerator<string[]> {
  type State = "start" | "plain" | "quoted" | "quote"; // field start, unquoted, inside quotes, a quote inside quotes
  let state: State = "start";
  let field = "";
  let record: string[] = [];
  let skipLf = false; // the last record ended with CR: an LF right after it belongs to it
  let line = 1;
  let quoteLine = 1;
  const endRecord = function* () {
    record.push(field);
    field = "";
    state = "start";
    if (!(record.length === 1 && record[0] === "")) yield record;
    record = [];
  };
  for await (const chunk of delimiter === undefined ? sniffed(text, (d) => (delimiter = d)) : text) {
    for (const c of chunk) {
      if (skipLf) {
        skipLf = false;
        if (c === "\n") continue;
      }
      if (state === "quoted") {
        if (c === '"') state = "quote";
        else {
          if (c === "\n") line++;
          field += c;
        }
        continue;
      }
      if (state === "quote") {
        if (c === '"') {
          field += '"';
          state = "quoted";
          continue;
        }
        state = "plain"; // the closing quote; anything but a delimiter or line end is kept as written
      }
      if (c === delimiter) {
        record.push(field);
        field = "";
        state = "start";
      } else if (c === "\n" || c === "\r") {
        line++;
        skipLf = c === "\r";
        yield* endRecord();
      } else if (c === '"' && state === "start") {
        state = "quoted";
        quoteLine = line;
      } else {
        field += c;
        state = "plain";
      }
    }
  }
  if (state === "quoted") throw new UnreadableFile(`a quoted field opened on line ${quoteLine} never closes`);
  if (field !== "" || record.length > 0) yield* endRecord();
}

/**
 * JSON records from text chunks: the objects of a top-level array (`[{...}, {...}]`), or one object
 * per line (NDJSON). Each object is parsed alone, so the array is never held whole.
 */
export async function* jsonRecords(text: AsyncIterable<string>): AsyncGenerator<Record<string, unknown>> {
  let depth = 0; // nesting inside the current record
  let inString = false;
  let escaped = false;
  let current = "";
  let topArray: boolean | undefined;
  let index = 0;
  for await (const chunk of text) {
    for (const c of chunk) {
      if (topArray === undefined) {
        if (/\s/.test(c)) continue;
        topArray = c === "[";
        if (topArray) continue;
      }
      if (depth === 0) {
        if (/\s|,/.test(c)) continue;
        if (c === "]" && topArray) {
          topArray = false; // the array closed; only whitespace may follow
          continue;
        }
        if (c !== "{") throw new UnreadableFile(`record ${index + 1}: expected a JSON object, found "${c}"`);
      }
      current += c;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") {
        depth--;
        if (depth === 0) {
          index++;
          try {
            yield JSON.parse(current);
          } catch {
            throw new UnreadableFile(`record ${index} is not valid JSON`);
          }
          current = "";
        }
      }
    }
  }
  if (depth !== 0 || inString) throw new UnreadableFile(`the JSON ends inside record ${index + 1}`);
}
