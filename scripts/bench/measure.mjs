// Small measuring helpers the benchmarks share.

/** Rounds to two decimals, for printed figures. */
export const r2 = (x) => Math.round(x * 100) / 100;

/** The p-th percentile (nearest rank) of a list of numbers. */
export const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Milliseconds an async function takes. */
export async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
