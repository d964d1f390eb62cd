// The demo page (examples/web) driven in headless Chromium (Debian's `chromium`, installed by
// `scripts/setup.sh --test`) through playwright-core, against a function server of its own on npm
// test's database: what renders is compared with the same RPCs called in SQL.
// DEMO_SCREENSHOT=<file.png> also saves a screenshot of the signed-in page (docs/demo.png is one).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import postgres from "postgres";
import { chromium } from "playwright-core";
import { freePort } from "../../scripts/stack/cluster.mjs";
import { startFunctions, stopFunctions } from "../../scripts/stack/functions.mjs";
import { SERVICE_ROLE_KEY } from "../../scripts/stack/keys.mjs";
import { localUser, sessionToken } from "../../scripts/user.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const dbUrl = process.env.SUPABASE_DB_URL;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "scentmatch-demo-"));
let sql, pid, base, browser;
const pageErrors = [];

/** The answer of an RPC in SQL, as the role and user the page calls it as. */
async function asCaller(userId, text, args = []) {
  return sql.begin(async (tx) => {
    const claims = userId ? { role: "authenticated", sub: userId } : { role: "anon" };
    await tx`select set_config('role', ${claims.role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return tx.unsafe(text, args);
  });
}

/** A page on the demo, with requests to anywhere but the local server answered locally (no network). */
async function open(hash = "") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route((url) => !url.href.startsWith(base), (route) => route.fulfill({ status: 200, body: "retailer page" }));
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${base}/demo/${hash}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function searchFor(page, q) {
  await page.fill("#q", q);
  await page.waitForSelector(`#result-list[data-query="${q}"] li`);
}

before(async () => {
  assert.ok(dbUrl, "SUPABASE_DB_URL is set by npm test");
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run 'bash scripts/setup.sh --test'`);
  sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const port = await freePort(54520);
  pid = await startFunctions({ dbUrl }, port, path.join(logDir, "functions.log"));
  base = `http://127.0.0.1:${port}`;
  // Similar fragrances need the catalog embedded: what the scheduled embed call does on the stack.
  for (let i = 0; i < 100; i++) {
    const [{ n }] = await sql`select count(*)::int as n from private.embedding_jobs where status = 'queued'`;
    if (n === 0) break;
    await fetch(`${base}/functions/v1/embed`, { method: "POST", headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}` }, body: "{}" });
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  stopFunctions(pid);
  await sql?.end();
  fs.rmSync(logDir, { recursive: true, force: true });
});

test("demo: typing a name lists matching fragrances with their lowest price", async () => {
  const page = await open();
  await searchFor(page, "sauvage");
  const items = await page.locator("#result-list li").allTextContents();
  assert.ok(items.length >= 3, items.join("\n"));
  assert.match(items[0], /Sauvage/);
  assert.ok(items.some((t) => /from €\d/.test(t)), `a result with a price: ${items.join(" | ")}`);
  await page.context().close();
});

test("demo: a fragrance shows its best offers, a weekly price chart and similar fragrances, as the RPCs answer them", async () => {
  const page = await open();
  await searchFor(page, "dior sauvage eau de parfum");
  const [{ id }] = await sql`select id from public.fragrances where slug = 'dior-sauvage-edp'`;
  await page.click(`#result-list a[data-fragrance-id="${id}"]`);
  await page.waitForSelector(`#detail[data-fragrance-id="${id}"] #history svg`);
  const [logged] = await sql`select q.query, c.position from private.search_clicks c join private.search_queries q on q.id = c.search_id
                             where c.fragrance_id = ${id} order by c.id desc limit 1`;
  const position = await page.locator("#result-list li").evaluateAll((lis, id) => lis.findIndex((li) => li.querySelector(`a[data-fragrance-id="${id}"]`)) + 1, id);
  assert.deepEqual([logged?.query, logged?.position], ["dior sauvage eau de parfum", position], "the click is logged with its position");

  const offers = await asCaller(null, "select * from public.best_offers($1, 'EUR')", [id]);
  const rows = page.locator("#offers tbody tr");
  assert.equal(await rows.count(), offers.length);
  const shown = await page.locator("#offers tbody tr td:nth-child(2)").allTextContents();
  assert.deepEqual(shown.toSorted(), offers.map((o) => o.retailer_name).toSorted());
  for (const offer of offers) { // one best offer per bottle, its price converted to the page's currency
    const row = await page.locator(`#offers tbody tr[data-variant-id="${offer.variant_id}"]`).textContent();
    assert.ok(row.includes(`€${Number(offer.price_converted).toFixed(2)}`) && row.includes(offer.retailer_name), `${row} shows ${offer.price_converted}`);
  }

  const charted = await page.getAttribute("#history", "data-variant-id");
  const weeks = await asCaller(null, "select * from public.price_history($1, now() - interval '8 weeks', now(), 'week')", [charted]);
  assert.ok(weeks.length >= 5, "the seed has weeks of history");
  assert.equal(await page.locator("#history svg circle").count(), weeks.length);
  const mins = await page.locator("#history svg circle").evaluateAll((cs) => cs.map((c) => Number(c.dataset.min)));
  assert.deepEqual(mins, weeks.map((w) => Number(w.min_price)));

  const similar = await asCaller(null, "select * from public.similar_fragrances($1, 6)", [id]);
  assert.ok(similar.length > 0, "the seed catalog has neighbours");
  assert.deepEqual(await page.locator("#similar li a").evaluateAll((as) => as.map((a) => a.dataset.fragranceId)),
    similar.map((s) => s.similar_fragrance_id));
  await page.context().close();
});

test("demo: Buy records an affiliate click for the page's session and opens the retailer", async () => {
  const page = await open();
  await searchFor(page, "chanel no 5");
  await page.locator("#result-list a").first().click();
  await page.waitForSelector("#offers tbody tr button");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.locator("#offers tbody tr button").first().click()]);
  const clickId = await page.getAttribute("#offers tbody tr button >> nth=0", "data-click-id");
  const session = await page.evaluate(() => sessionStorage.sessionId);
  const [click] = await sql`select session_id, user_id from public.affiliate_clicks where id = ${clickId}`;
  assert.deepEqual([click.session_id, click.user_id], [session, null]);
  assert.match(popup.url(), /^https:\/\//);
  await page.context().close();
});

test("demo: a local user's token shows their collection and recommendations; saving adds to the collection", async () => {
  const user = await localUser(sql, `demo-${Date.now()}@example.com`, "Demo");
  const page = await open(`#token=${sessionToken(user)}`);
  assert.equal(await page.textContent("#who"), user.email);
  assert.equal(page.url().includes("token="), false, "the token leaves the address bar");
  await page.waitForSelector("#recommendations li");
  const recommended = await asCaller(user.id, "select * from public.recommend_for_me(6)");
  assert.deepEqual(await page.locator("#recommendations li a").evaluateAll((as) => as.map((a) => a.dataset.fragranceId)),
    recommended.map((r) => r.fragrance_id));
  assert.match(await page.textContent("#collection"), /Nothing saved yet/);

  await searchFor(page, "shalimar");
  const first = page.locator("#result-list a").first();
  const picked = await first.getAttribute("data-fragrance-id");
  await first.click();
  await page.waitForSelector(`#detail[data-fragrance-id="${picked}"] #save-row:not([hidden])`);
  await page.selectOption("#save-status", "wishlist");
  await page.click("#save");
  await page.waitForSelector(`#collection a[data-fragrance-id="${picked}"]`);
  const mine = await asCaller(user.id, "select * from public.my_collection()");
  assert.deepEqual(mine.map((c) => [c.fragrance_id, c.status]), [[picked, "wishlist"]]);
  const now = await page.locator("#recommendations li a").evaluateAll((as) => as.map((a) => a.dataset.fragranceId));
  assert.ok(!now.includes(picked), "a saved fragrance is no longer recommended");
  if (process.env.DEMO_SCREENSHOT) await page.screenshot({ path: process.env.DEMO_SCREENSHOT, fullPage: true });
  await page.context().close();
});

test("demo: a token the database refuses signs the page out and says so", async () => {
  const forged = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ role: "authenticated", email: "mallory@example.com" })).toString("base64url")}.bad`;
  const page = await open(`#token=${forged}`);
  await page.waitForSelector("#signin:not([hidden])");
  assert.match(await page.textContent("#status"), /session token was refused/);
  assert.equal(await page.isHidden("#signed-in"), true);
  assert.equal(await page.evaluate(() => sessionStorage.token ?? null), null);
  await page.context().close();
});

test("demo: the page ran without script errors", () => {
  assert.deepEqual(pageErrors, []);
});
