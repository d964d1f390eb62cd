/** HTTP plumbing every edge function shares: JSON responses, CORS, and the error shape. */

export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, idempotency-key, x-retailer, x-signature",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
};

/** An expected failure: becomes `{ error: { code, message, details } }` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json", ...headers },
  });
}

export function errorResponse(status: number, code: string, message: string, details?: unknown, headers = {}) {
  return json({ error: { code, message, details: details ?? null } }, status, headers);
}

/** Seconds a client should wait before retrying a request the database could not serve. */
export const RETRY_AFTER_SECONDS = 5;

/** The postgres-js and network codes, and SQLSTATEs, of a database that is unreachable, restarting or full. */
const UNAVAILABLE = new Set([
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ENOTCONN", "EHOSTUNREACH", "ENETUNREACH",
  "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P02", "57P03", // admin shutdown, crash shutdown, cannot connect now (starting up)
  "53300", // too many connections
  "57014", // query canceled: the statement timeout
]);

/** True when an error means the database could not serve the request now (a 503, never a 500). */
export function databaseUnavailable(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? "");
  return UNAVAILABLE.has(code) || code.startsWith("08"); // class 08: connection exception
}

export const unavailable = (message = "the database is unavailable; retry later") =>
  new HttpError(503, "database_unavailable", message, null, { "Retry-After": String(RETRY_AFTER_SECONDS) });

/**
 * Wraps a handler: answers CORS preflights, turns HttpError into its JSON error, a database that is
 * down, restarting or too slow into a 503 with Retry-After, and anything else into a 500 whose body
 * names no internals (the log has them). No request waits longer than `deadlineMs`: past it the
 * answer is a 503 (work already sent to the database finishes or fails there, bounded by its
 * statement timeout).
 */
export function handle(fn: (req: Request) => Promise<Response>, { deadlineMs = 10_000 } = {}): (req: Request) => Promise<Response> {
  const answer = async (req: Request) => {
    try {
      return await fn(req);
    } catch (err) {
      if (databaseUnavailable(err)) err = unavailable();
      if (err instanceof HttpError) return errorResponse(err.status, err.code, err.message, err.details, err.headers);
      console.error(JSON.stringify({ level: "error", url: new URL(req.url).pathname, error: String(err) }));
      return errorResponse(500, "internal_error", "unexpected server error");
    }
  };
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    return await withDeadline(answer(req), deadlineMs, () => {
      console.error(JSON.stringify({ level: "error", url: new URL(req.url).pathname, error: `no answer within ${deadlineMs} ms` }));
      const e = unavailable(`no answer within ${deadlineMs / 1000} s; retry later`);
      return errorResponse(e.status, "timeout", e.message, null, e.headers);
    });
  };
}

/** The answer, or late()'s once ms pass; an error of the answer after that has nobody to go to and is dropped. */
export async function withDeadline(answer: Promise<Response>, ms: number, late: () => Response): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  answer.catch(() => {}); // (before the deadline, the race throws it)
  const deadline = new Promise<Response>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Throws 405 unless the request uses one of the given methods. */
export function allowMethods(req: Request, ...methods: string[]) {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, "method_not_allowed", `use ${methods.join(" or ")}`, null, { Allow: methods.join(", ") });
  }
}

/** Durations of the request's stages, for the Server-Timing response header. */
export function stopwatch() {
  let last = performance.now();
  const laps: string[] = [];
  return {
    lap(name: string) {
      const now = performance.now();
      laps.push(`${name};dur=${(now - last).toFixed(1)}`);
      last = now;
    },
    header: () => laps.join(", "),
  };
}
