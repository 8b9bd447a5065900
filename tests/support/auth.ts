/** HTTP helpers for the account routes: sign up, sign in, and the session cookie. */

/** A signed-in account as the tests hold it. */
export interface Account {
  username: string;
  /** `chat_session=<id>`, ready for a `cookie` header. */
  cookie: string;
}

/** POSTs JSON as a same-origin browser would (with its `Origin`). */
export function post(
  base: string,
  options: { path: string; body?: unknown; headers?: Record<string, string> },
): Promise<Response> {
  return fetch(base + options.path, {
    method: "POST",
    headers: {
      origin: base,
      "content-type": "application/json",
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** The `name=value` part of a response's session cookie, or undefined. */
export function cookieOf(res: Response): string | undefined {
  const header = res.headers.getSetCookie().find((c) =>
    c.startsWith("chat_session=")
  );
  return header?.split(";")[0];
}

/** Signs up (or fails the test) and returns the account with its cookie. */
export async function signUp(
  base: string,
  options: { username: string; password?: string },
): Promise<Account> {
  const res = await post(base, {
    path: "/api/auth/signup",
    body: {
      username: options.username,
      password: options.password ?? "password123",
    },
  });
  const body = await res.json();
  const cookie = cookieOf(res);
  if (res.status !== 201 || !cookie) {
    throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return { username: body.username, cookie };
}

/** `GET /api/auth/me` with a cookie: the status and body. */
export async function me(
  base: string,
  cookie: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
  return { status: res.status, body: await res.json() };
}
