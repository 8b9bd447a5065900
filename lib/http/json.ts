/** JSON answers of the API routes. */

/** Headers of an answer no cache may keep. */
export const NO_STORE = { "cache-control": "no-store" };

/** A JSON answer that no cache keeps. */
export function json(
  body: unknown,
  status = 200,
  headers: HeadersInit = {},
): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}
