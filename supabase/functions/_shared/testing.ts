/** Helpers for Deno tests: the environment `npm test` sets, and tokens for each API role. */
import { signJwt } from "./jwt.ts";

export function env(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\``);
  return v;
}

/** A JWT for an API role (optionally a user), signed with the stack's secret. */
export function tokenFor(role: "anon" | "authenticated" | "service_role", sub?: string, ttlSeconds = 3600) {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  return signJwt({ role, ...(sub ? { sub } : {}), exp, iss: "supabase-demo" }, env("SUPABASE_JWT_SECRET"));
}

/** Calls a function through the local gateway, as a frontend would. */
export async function callFunction(name: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  return await fetch(`${env("FUNCTIONS_URL")}/${name}`, { ...init, headers });
}
