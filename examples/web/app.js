// ScentMatch demo: the calls a frontend makes, with supabase-js in the browser (window.supabase, the UMD build).
// Search as you type (the `search` edge function: hybrid keyword + meaning), a fragrance's best offers
// (best_offers), the price history of one of its bottles (price_history) drawn as SVG, similar fragrances
// (similar_fragrances), and for a signed-in user their collection (my_collection, save_to_collection) and
// recommendations (recommend_for_me). Every value from the API is written with textContent, never as HTML.

const config = await (await fetch("config.json")).json(); // { url, anonKey }: written by the local server
const auth = { persistSession: false, autoRefreshToken: false };
const anon = supabase.createClient(config.url, config.anonKey, { auth });
const sessionId = sessionStorage.sessionId ??= crypto.randomUUID(); // for affiliate clicks
let token = takeTokenFromUrl() ?? sessionStorage.token ?? null;
let current = null; // the fragrance shown in #detail: { id, label }

const $ = (id) => document.getElementById(id);
/** An element with properties and children; strings become text nodes. */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The client for the current caller: anon, or the signed-in user's session token (`npm run user`). */
function client() {
  return token ? supabase.createClient(config.url, config.anonKey, { auth, accessToken: async () => token }) : anon;
}

function takeTokenFromUrl() {
  const found = new URLSearchParams(location.hash.slice(1)).get("token");
  if (found) history.replaceState(null, "", location.pathname + location.search);
  return found;
}

/** Unwraps a supabase-js answer; a failure becomes an error naming what failed. */
function answer({ data, error, status }, what) {
  if (error) throw Object.assign(new Error(`${what}: ${error.message ?? error}`), { status: status ?? error.context?.status });
  return data;
}

/** An event handler whose failure is shown on the page, not left unhandled. */
const safely = (fn) => (...args) => fn(...args).catch(showError);
function showError(err) {
  if (err.status === 401 && token) { // expired, or not signed with this project's secret
    token = null;
    showUser().catch(showError);
    $("status").textContent = `Your session token was refused (${err.message}); sign in again.`;
    return;
  }
  $("status").textContent = err.message;
}

const currency = () => $("currency").value;
const money = (amount, code) =>
  amount == null ? "–" : new Intl.NumberFormat("en", { style: "currency", currency: code }).format(amount);

/** A link that shows a fragrance; from search results, the click is also logged against the search. */
function pickLink(fragranceId, text, searchId = null) {
  const a = el("a", { className: "pick", href: `#f=${fragranceId}` }, text);
  a.dataset.fragranceId = fragranceId;
  a.addEventListener("click", safely(async (e) => {
    e.preventDefault();
    if (searchId != null) {
      answer(await client().functions.invoke("search/click", { body: { search_id: searchId, fragrance_id: fragranceId } }), "click");
    }
    await showFragrance({ id: fragranceId, label: text });
  }));
  return a;
}

// ---- search -------------------------------------------------------------------------------------------

let searchTimer;
let searchSeq = 0;
$("q").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(safely(search), 200); });
$("currency").addEventListener("change", safely(async () => { await search(); if (current) await showFragrance(current); }));

async function search() {
  const q = $("q").value.trim();
  const seq = ++searchSeq;
  if (!q) { $("result-list").replaceChildren(); return; }
  const data = answer(await client().functions.invoke("search", { body: { q, page_size: 10, currency: currency() } }), "search");
  if (seq !== searchSeq) return; // a later keystroke's answer wins
  $("status").textContent = data.degraded ? "Search by meaning is unavailable; showing word matches." : "";
  $("result-list").replaceChildren(...data.results.map((r) => el("li", {},
    pickLink(r.fragrance_id, `${r.brand_name} ${r.name}`, data.search_id), " ",
    el("span", { className: "muted" }, [r.concentration.toUpperCase(), r.family].filter(Boolean).join(" · ")), " ",
    el("span", { className: "price" }, r.best_price == null ? "no offer" : `from ${money(r.best_price, r.price_currency)}`),
  )));
  $("result-list").dataset.query = q;
}

// ---- one fragrance ------------------------------------------------------------------------------------

async function showFragrance(fragrance) {
  current = fragrance;
  const fragranceId = fragrance.id;
  const api = client();
  const [offers, similar] = await Promise.all([
    api.rpc("best_offers", { fragrance_id: fragranceId, currency: currency() }),
    api.rpc("similar_fragrances", { fragrance_id: fragranceId, k: 6 }),
  ]);
  if (current !== fragrance) return; // another was picked meanwhile
  const rows = answer(offers, "best offers").sort((a, b) => a.size_ml - b.size_ml || a.price_converted - b.price_converted);
  $("detail").hidden = false;
  $("detail").dataset.fragranceId = fragranceId;
  $("save-row").hidden = !token;
  $("detail-name").textContent = fragrance.label;
  renderOffers(rows);
  renderSimilar(answer(similar, "similar fragrances"));
  const charted = rows.find((r) => r.packaging === "retail" && r.in_stock) ?? rows[0];
  if (charted) await showHistory(charted);
  else $("history").replaceChildren(el("p", { className: "muted" }, "No prices yet."));
}

function renderOffers(rows) {
  $("detail-meta").textContent = `${rows.length} bottle${rows.length === 1 ? "" : "s"} on offer`;
  $("offers").tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = el("tr", { className: r.in_stock ? "" : "out" },
      el("td", {}, `${Number(r.size_ml)} ml${r.packaging === "retail" ? "" : ` ${r.packaging.replace("_", " ")}`}${r.quantity > 1 ? ` ×${r.quantity}` : ""}`),
      el("td", {}, r.retailer_name),
      el("td", { className: "price" }, money(r.price_converted, r.converted_currency),
        r.price_currency === r.converted_currency ? "" : el("span", { className: "muted" }, ` (${money(r.price, r.price_currency)})`)),
      el("td", { className: "price" }, money(r.price_per_100ml, r.converted_currency)),
      el("td", {}, r.in_stock ? "in stock" : "out of stock"),
      el("td", {}, buyButton(r)));
    tr.dataset.variantId = r.variant_id;
    tr.addEventListener("click", (e) => { if (e.target.tagName !== "BUTTON") safely(showHistory)(r); });
    return tr;
  }));
}

/** Buying goes through track_affiliate_click, which records the click and answers the retailer's URL. */
function buyButton(offer) {
  const button = el("button", { type: "button" }, "Buy");
  button.addEventListener("click", safely(async () => {
    const [click] = answer(await client().rpc("track_affiliate_click", { listing_id: offer.listing_id, session_id: sessionId }), "click");
    button.dataset.clickId = click.click_id;
    window.open(click.redirect_url, "_blank", "noopener");
  }));
  return button;
}

function renderSimilar(rows) {
  $("similar").replaceChildren(...rows.map((s) => el("li", {},
    pickLink(s.similar_fragrance_id, `${s.brand_name} ${s.name}`), " ",
    el("span", { className: "muted" }, s.shared_accords.slice(0, 3).join(", ")))));
}

// ---- price history chart ------------------------------------------------------------------------------

async function showHistory(offer) {
  const to = new Date();
  const from = new Date(to.getTime() - 8 * 7 * 86_400_000);
  const weeks = answer(await client().rpc("price_history", {
    variant_id: offer.variant_id, from: from.toISOString(), to: to.toISOString(), bucket: "week",
  }), "price history");
  for (const tr of $("offers").tBodies[0].rows) tr.classList.toggle("charted", tr.dataset.variantId === offer.variant_id);
  $("history-title").textContent = `Price history: ${Number(offer.size_ml)} ml ${offer.packaging}, lowest and highest price each week`;
  $("history").replaceChildren(weeks.length ? chart(weeks) : el("p", { className: "muted" }, "No history for this bottle yet."));
  $("history").dataset.variantId = offer.variant_id;
}

/** An SVG line of each week's lowest price over a band up to its highest. */
function chart(weeks) {
  const W = 560, H = 200, pad = { l: 56, r: 24, t: 12, b: 28 };
  const lo = Math.min(...weeks.map((w) => w.min_price)), hi = Math.max(...weeks.map((w) => w.max_price));
  const span = hi - lo || 1;
  const x = (i) => pad.l + (weeks.length === 1 ? 0 : (i * (W - pad.l - pad.r)) / (weeks.length - 1));
  const y = (v) => pad.t + ((hi - v) * (H - pad.t - pad.b)) / span;
  const ns = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text != null) node.textContent = text;
    return node;
  };
  const code = weeks[0].currency;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": `weekly prices in ${code}` });
  const band = weeks.map((w, i) => `${x(i)},${y(w.max_price)}`).concat(weeks.map((w, i) => `${x(i)},${y(w.min_price)}`).reverse());
  svg.append(svgEl("polygon", { class: "band", points: band.join(" ") }));
  svg.append(svgEl("polyline", { class: "line", points: weeks.map((w, i) => `${x(i)},${y(w.min_price)}`).join(" ") }));
  weeks.forEach((w, i) => {
    const point = svgEl("circle", { cx: x(i), cy: y(w.min_price), r: 3, fill: "#6b3f69", "data-min": w.min_price });
    point.append(svgEl("title", {}, `${w.bucket_start.slice(0, 10)}: ${money(w.min_price, code)} – ${money(w.max_price, code)} at ${w.retailers} retailer(s)`));
    svg.append(point, svgEl("text", { x: x(i), y: H - 8, "text-anchor": "middle" }, w.bucket_start.slice(5, 10)));
  });
  svg.append(svgEl("text", { x: 4, y: y(hi) + 4 }, money(hi, code)), svgEl("text", { x: 4, y: y(lo) + 4 }, money(lo, code)));
  return svg;
}

// ---- the signed-in user -------------------------------------------------------------------------------

$("signin").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token").value.trim() || null;
  $("status").textContent = "";
  safely(showUser)();
});
$("signout").addEventListener("click", safely(async () => { token = null; await showUser(); }));
$("save").addEventListener("click", safely(async () => {
  answer(await client().rpc("save_to_collection", { fragrance_id: current.id, status: $("save-status").value }), "save");
  await showUser();
}));

/** The user's e-mail from the token's claims (display only: the database checks the signature). */
function emailOf(jwt) {
  try { return JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).email ?? "a user"; } catch { return null; }
}

async function showUser() {
  if (token && !emailOf(token)) { $("status").textContent = "That is not a session token."; token = null; }
  if (token) sessionStorage.token = token; else delete sessionStorage.token;
  $("signin").hidden = !!token;
  $("signed-in").hidden = !token;
  $("save-row").hidden = !token || !current;
  if (!token) return;
  $("who").textContent = emailOf(token);
  const api = client();
  const [collection, recommended] = await Promise.all([api.rpc("my_collection"), api.rpc("recommend_for_me", { k: 6 })]);
  $("collection").replaceChildren(...answer(collection, "collection").map((c) => el("li", {},
    pickLink(c.fragrance_id, `${c.brand_name} ${c.name}`), " ", el("span", { className: "muted" }, c.status))));
  if (!$("collection").children.length) $("collection").append(el("li", { className: "muted" }, "Nothing saved yet."));
  $("recommendations").replaceChildren(...answer(recommended, "recommendations").map((r) => el("li", {},
    pickLink(r.fragrance_id, `${r.brand} ${r.name}`), " ", el("span", { className: "muted" }, r.reason))));
}

await showUser().catch(showError);
document.body.dataset.ready = "true";
