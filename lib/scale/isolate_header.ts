/** Names the isolate that answered, in a response header (several isolates share one port). */

/** Header naming the server isolate that answered: `p<process>-w<worker>`. */
export const ISOLATE_HEADER = "x-chat-isolate";

type Handler = (
  req: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response>;

/** Wraps `handler` so every response names isolate `id`. */
export function withIsolateHeader(handler: Handler, id: string): Handler {
  return async (req, info) => {
    const response = await handler(req, info);
    try {
      response.headers.set(ISOLATE_HEADER, id);
    } catch {
      // immutable headers (a proxied response): left unnamed
    }
    return response;
  };
}
