#!/usr/bin/env node
// `npm run bench [-- --fragrances N --events N --clicks N --users N --observations N]`: the benchmarks in
// a row, each given the sizes it takes (ingest, search and prices: --fragrances; analytics: --events,
// --clicks, --users; prices: --observations).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    fragrances: { type: "string" }, events: { type: "string" }, clicks: { type: "string" }, users: { type: "string" },
    observations: { type: "string" },
  },
});
const flags = (...names) => names.flatMap((n) => (values[n] ? [`--${n}`, values[n]] : []));
const benches = [["ingest.mjs", flags("fragrances")], ["search.mjs", flags("fragrances")], ["analytics.mjs", flags("events", "clicks", "users")],
  ["prices.mjs", flags("fragrances", "observations")]];
for (const [script, args] of benches) {
  const r = spawnSync(process.execPath, [path.join(import.meta.dirname, script), ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
