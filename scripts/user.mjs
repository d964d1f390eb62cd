#!/usr/bin/env node
// `npm run user -- <email> [--name NAME] [--hours N]`: a signed-in user on the local stack, which has
// no Auth server. Creates the user in auth.users as GoTrue would (the profile trigger fires), or finds
// it, and prints a session JWT signed with the local secret (one hour by default), for
//   createClient('http://127.0.0.1:54321', anonKey, { accessToken: async () => token })
// stdout is the token alone (for scripts: TOKEN=$(npm run -s user -- me@example.com)); stderr says who.
import { parseArgs } from "node:util";
import postgres from "postgres";
import { JWT_SECRET, signJwt } from "./stack/keys.mjs";
import { LOCAL_API_URL, LOCAL_DB_URL } from "./stack/local.mjs";

/** The user's row: found by e-mail, or created with what GoTrue writes for an e-mail sign-up. */
export async function localUser(sql, email, name) {
  const [found] = await sql`select id, email from auth.users where email = ${email}`;
  if (found) return { ...found, created: false };
  const [created] = await sql`
    insert into auth.users (email, aud, role, raw_app_meta_data, raw_user_meta_data)
    values (${email}, 'authenticated', 'authenticated', ${sql.json({ provider: "email", providers: ["email"] })},
            ${sql.json(name ? { name } : {})})
    returning id, email`;
  return { ...created, created: true };
}

/** A session JWT as GoTrue issues it, signed with the local secret. */
export function sessionToken(user, hours = 1, now = Math.floor(Date.now() / 1000)) {
  return signJwt({
    iss: `${LOCAL_API_URL}/auth/v1`, aud: "authenticated", role: "authenticated", sub: user.id, email: user.email,
    iat: now, exp: now + Math.round(hours * 3600), aal: "aal1", amr: [{ method: "password", timestamp: now }],
    app_metadata: { provider: "email", providers: ["email"] }, is_anonymous: false, session_id: crypto.randomUUID(),
  }, JWT_SECRET);
}

if (process.argv[1] === import.meta.filename) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: "string" }, hours: { type: "string", default: "1" } },
  });
  const email = positionals[0]?.trim().toLowerCase();
  const hours = Number(values.hours);
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || !(hours > 0 && hours <= 24 * 30)) {
    console.error("usage: npm run user -- <email> [--name NAME] [--hours N (1..720)]");
    process.exit(2);
  }

  const sql = postgres(process.env.SUPABASE_DB_URL || LOCAL_DB_URL, { max: 1, onnotice: () => {} });
  try {
    const user = await localUser(sql, email, values.name);
    console.error(`user: ${user.created ? "created" : "found"} ${user.email} (${user.id}); the token below is valid for ${hours} h`);
    console.log(sessionToken(user, hours));
  } catch (err) {
    console.error(`user: ${err.code === "ECONNREFUSED" ? "the local stack is not running: run npm start first" : err.message}`);
    process.exitCode = 1;
  } finally {
    await sql.end();
  }
}
