/** HTTP and socket helpers for rooms with access: the room API as a signed-in browser calls it. */
import { type Account, signUp } from "./auth.ts";
import { connect, type TestClient } from "./ws_client.ts";

/** A JSON call to the server with a same-origin `Origin`; the status and parsed body. */
export async function call(
  base: string,
  options: {
    method?: string;
    path: string;
    as?: Account | null;
    body?: unknown;
    headers?: Record<string, string>;
  },
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any; res: Response }> {
  const res = await fetch(base + options.path, {
    method: options.method ?? "GET",
    redirect: "manual",
    headers: {
      origin: base,
      ...(options.body === undefined
        ? {}
        : { "content-type": "application/json" }),
      ...(options.as ? { cookie: options.as.cookie } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML page or nothing
  }
  return { status: res.status, body, res };
}

/** Signs up a fresh account whose name starts with `prefix`. */
export function account(base: string, prefix: string): Promise<Account> {
  return signUp(base, {
    username: `${prefix}${crypto.randomUUID().slice(0, 6)}`,
  });
}

/** Creates a room owned by `owner`; fails unless 201. */
export async function createRoom(
  base: string,
  options: { owner: Account; room: string; visibility?: string },
): Promise<void> {
  const { status, body } = await call(base, {
    method: "POST",
    path: "/api/rooms",
    as: options.owner,
    body: { room: options.room, visibility: options.visibility ?? "private" },
  });
  if (status !== 201) {
    throw new Error(`create failed: ${status} ${JSON.stringify(body)}`);
  }
}

/** Makes `who` a member of `room` through an invite made by `by`. */
export async function invite(
  base: string,
  options: { room: string; by: Account; who: Account },
): Promise<void> {
  const made = await call(base, {
    method: "POST",
    path: `/api/rooms/${options.room}/invites`,
    as: options.by,
    body: {},
  });
  if (made.status !== 201) throw new Error(`invite: ${made.status}`);
  const used = await call(base, { path: made.body.url, as: options.who });
  if (used.status !== 303) throw new Error(`invite use: ${used.status}`);
}

/** Opens the room's socket as `who` (its cookie) or a guest, with `headers`. */
export function socket(
  base: string,
  options: {
    room: string;
    as?: Account | null;
    headers?: Record<string, string>;
    query?: string;
  },
): Promise<TestClient> {
  return connect(base, `/api/rooms/${options.room}/ws${options.query ?? ""}`, {
    headers: {
      ...(options.as ? { cookie: options.as.cookie } : {}),
      ...options.headers,
    },
  });
}

/** The status of an upgrade attempt that is expected to be refused (no socket opens). */
export async function upgradeStatus(
  base: string,
  options: { room: string; as?: Account | null; query?: string },
): Promise<number> {
  const res = await fetch(
    `${base}/api/rooms/${options.room}/ws${options.query ?? ""}`,
    {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": btoa("0123456789abcdef"),
        ...(options.as ? { cookie: options.as.cookie } : {}),
      },
    },
  );
  await res.body?.cancel();
  return res.status;
}
