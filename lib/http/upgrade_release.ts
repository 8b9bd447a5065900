/**
 * Lets an upgraded socket's HTTP request go once the socket is open.
 *
 * Deno 2.9, when it completes an upgrade (`Deno.serveHttp` and `Deno.serve`
 * alike), adds to the socket a `close` listener that only clears its idle
 * timer: `() => clearTimeout(ws[_idleTimeoutTimeout])`. Being created inside
 * the function that answered the request, that arrow keeps the request
 * (its headers, URL and inner state), the per-connection `HttpConn` and both
 * addresses reachable for the socket's whole life: about 3 KiB per socket,
 * a third of what an idle one costs (measured with bench/conn_cost.ts).
 *
 * The listener is not needed: the runtime cancels the idle timer itself when
 * a close frame arrives, and a timer left after any other close fires at most
 * half the idle timeout later, finds the socket closed and does nothing. So
 * the socket gets its own `addEventListener` that drops exactly that arrow
 * (recognised by its source) and passes every other listener through. A
 * runtime that no longer adds it, or words it differently, is left as it is.
 */

/** The source of the runtime's listener, whatever its minified names. */
const IDLE_TIMER_LISTENER = /^\(\)\s*=>\s*clearTimeout\([^()]*\)$/;

/** True for the runtime's idle-timer `close` listener. */
export function isIdleTimerListener(type: string, listener: unknown): boolean {
  return type === "close" && typeof listener === "function" &&
    IDLE_TIMER_LISTENER.test(Function.prototype.toString.call(listener));
}

/** Listeners dropped by {@linkcode releaseUpgradeRequest} in this isolate. */
export const released = { count: 0 };

function addEventListener(
  this: WebSocket,
  type: string,
  listener: EventListenerOrEventListenerObject,
  options?: boolean | AddEventListenerOptions,
): void {
  if (isIdleTimerListener(type, listener)) {
    released.count++;
    return;
  }
  WebSocket.prototype.addEventListener.call(this, type, listener, options);
}

/** Makes `socket` (just upgraded, not yet open) drop the runtime's idle-timer `close` listener. */
export function releaseUpgradeRequest(socket: WebSocket): void {
  Object.defineProperty(socket, "addEventListener", {
    value: addEventListener,
    configurable: true,
    writable: true,
  });
}
