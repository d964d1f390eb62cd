/**
 * Webhook signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * Verified in constant time (crypto.subtle.verify), within a 5-minute window against replays.
 */

export const TOLERANCE_SECONDS = 5 * 60;

const enc = new TextEncoder();

const key = (secret: string, usage: KeyUsage) =>
  crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);

function signedBytes(t: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = enc.encode(`${t}.`);
  const bytes = new Uint8Array(prefix.length + body.length);
  bytes.set(prefix);
  bytes.set(body, prefix.length);
  return bytes;
}

const toHex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
}

/** The X-Signature header value for a body, as a retailer computes it. */
export async function sign(body: Uint8Array | string, secret: string, t = Math.floor(Date.now() / 1000)): Promise<string> {
  const bytes = typeof body === "string" ? enc.encode(body) : body;
  const mac = await crypto.subtle.sign("HMAC", await key(secret, "sign"), signedBytes(String(t), bytes));
  return `t=${t},v1=${toHex(mac)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Checks a signature header against any of the secrets (current, and the previous one during rotation). */
export async function verify(header: string | null, body: Uint8Array, secrets: string[], nowSeconds = Date.now() / 1000): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "missing X-Signature header" };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = parts.find(([k]) => k === "t")?.[1];
  const signatures = parts.filter(([k]) => k === "v1").map(([, v]) => fromHex(v ?? ""));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0 || signatures.some((s) => s === null)) {
    return { ok: false, reason: "malformed X-Signature header (expected t=<unix seconds>,v1=<hex>)" };
  }
  if (Math.abs(nowSeconds - Number(t)) > TOLERANCE_SECONDS) {
    return { ok: false, reason: `signature timestamp is more than ${TOLERANCE_SECONDS / 60} minutes from now` };
  }
  const data = signedBytes(t, body);
  for (const secret of secrets) {
    const k = await key(secret, "verify");
    for (const sig of signatures) {
      if (await crypto.subtle.verify("HMAC", k, sig!, data)) return { ok: true, timestamp: Number(t) };
    }
  }
  return { ok: false, reason: "signature does not match" };
}

/** Hex SHA-256 of the raw body: the batch's payload hash. */
export async function sha256Hex(body: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", body));
}
