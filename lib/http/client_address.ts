/** Who a request comes from: the peer, or the client a trusted proxy names. */

/** The address of the peer that opened the connection ("" when it has none, as on a Unix socket). */
export function peerAddress(info: Deno.ServeHandlerInfo): string {
  return (info.remoteAddr as Deno.NetAddr).hostname ?? "";
}

/**
 * The client's address: the peer's, or, when the peer is a trusted proxy,
 * the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy.
 */
export function clientAddress(
  req: Request,
  options: { peer: string; trustedProxies: readonly string[] },
): string {
  if (!options.trustedProxies.includes(options.peer)) return options.peer;
  const forwarded = req.headers.get("x-forwarded-for");
  if (!forwarded) return options.peer;
  const hops = forwarded.split(",").map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!options.trustedProxies.includes(hops[i])) return hops[i];
  }
  return hops[0] ?? options.peer;
}

/** The client address of a request to the app, under its trusted proxies. */
export function requestAddress(
  req: Request,
  ctx: {
    info: Deno.ServeHandlerInfo;
    state: { trustedProxies: readonly string[] };
  },
): string {
  return clientAddress(req, {
    peer: peerAddress(ctx.info),
    trustedProxies: ctx.state.trustedProxies,
  });
}
