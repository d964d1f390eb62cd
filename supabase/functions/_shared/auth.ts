/** Who is calling: the claims of the request's JWT, and the role checks functions make. */
import { HttpError } from "./http.ts";
import { bearerToken, type Claims, verifyJwt } from "./jwt.ts";

/**
 * The caller's claims. The gateway has verified the token (verify_jwt = true);
 * where the JWT secret is at hand (the local stack, tests) it is verified
 * again, so a function never trusts an unsigned token.
 */
export async function callerClaims(req: Request, secret = Deno.env.get("SUPABASE_JWT_SECRET")): Promise<Claims> {
  const token = bearerToken(req);
  if (!token) throw new HttpError(401, "unauthorized", "missing authorization header (Bearer <jwt>)");
  const claims = secret ? await verifyJwt(token, secret) : decodeClaims(token);
  if (!claims) throw new HttpError(401, "unauthorized", "invalid or expired JWT");
  return claims;
}

function decodeClaims(token: string): Claims | null {
  try {
    const body = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(body.padEnd(Math.ceil(body.length / 4) * 4, "=")));
  } catch {
    return null;
  }
}

/** Throws 403 unless the caller's role is one of `roles`; returns the claims. */
export async function requireRole(req: Request, ...roles: string[]): Promise<Claims> {
  const claims = await callerClaims(req);
  if (!roles.includes(String(claims.role))) {
    throw new HttpError(403, "forbidden", `this function needs the ${roles.join(" or ")} role`);
  }
  return claims;
}
