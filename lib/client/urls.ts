/** URLs of one room's endpoints, as seen from the page. */

/** Browser path of a room page. */
export function roomPath(room: string): string {
  return `/chat/${encodeURIComponent(room)}`;
}

/** `ws(s)://host/api/rooms/<room>/ws` for a page served at `base`. */
export function socketUrl(base: URL | Location, room: string): string {
  const scheme = base.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${base.host}/api/rooms/${encodeURIComponent(room)}/ws`;
}

/** `http(s)://host/api/rooms/<room>/messages` for a page served at `base`. */
export function messagesUrl(base: URL | Location, room: string): string {
  return `${base.protocol}//${base.host}/api/rooms/${
    encodeURIComponent(room)
  }/messages`;
}
