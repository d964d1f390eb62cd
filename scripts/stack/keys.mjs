// The local JWT secret and the anon/service_role keys signed with it, the same
// well-known development values `supabase start` prints. Never used in production.
import { createHmac } from "node:crypto";

export const JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

const b64url = (s) => Buffer.from(s).toString("base64url");

/** Signs an HS256 JWT. */
export function signJwt(payload, secret = JWT_SECRET) {
  const body = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

export const ANON_KEY = signJwt({ iss: "supabase-demo", role: "anon", exp: 1983812996 });
export const SERVICE_ROLE_KEY = signJwt({ iss: "supabase-demo", role: "service_role", exp: 1983812996 });
