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

/**
 * Wraps a handler: answers CORS preflights, turns HttpError into its JSON error,
 * and anything else into a 500 whose body names no internals (the log has them).
 */
export function handle(fn: (req: Request) => Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof HttpError) return errorResponse(err.status, err.code, err.message, err.details, err.headers);
      console.error(JSON.stringify({ level: "error", url: new URL(req.url).pathname, error: String(err) }));
      return errorResponse(500, "internal_error", "unexpected server error");
    }
  };
}

/** Throws 405 unless the request uses one of the given methods. */
export function allowMethods(req: Request, ...methods: string[]) {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, "method_not_allowed", `use ${methods.join(" or ")}`, null, { Allow: methods.join(", ") });
  }
}
