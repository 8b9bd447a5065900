/** JSON answers of the API routes. */

/** Headers of an answer no cache may keep. */
export const NO_STORE = { "cache-control": "no-store" };

/** A JSON answer that no cache keeps. */
export function json(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return Response.json(body, {
    status: init.status ?? 200,
    headers: { ...NO_STORE, ...init.headers },
  });
}
