/** Names the isolate that answered, in a response header (several isolates share one port). */
import type { Middleware } from "../framework/types.ts";

/** Header naming the server isolate that answered: `p<process>-w<worker>`. */
export const ISOLATE_HEADER = "x-chat-isolate";

/** Middleware naming isolate `id` on every answer (the WebSocket upgrade's too). */
export function isolateHeader(id: string): Middleware<unknown> {
  return async (_ctx, next) => {
    const response = await next();
    try {
      response.headers.set(ISOLATE_HEADER, id);
    } catch {
      // immutable headers (a proxied response): left unnamed
    }
    return response;
  };
}
