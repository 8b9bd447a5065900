/** The auth routes seen from the browser: a JSON POST, and their answers as results with sentences for people. */

/** The outcome of an auth call: the account's name, or a sentence for people. */
export type AuthResult =
  | { ok: true; username: string }
  | { ok: false; message: string; field?: "username" | "password" };

/** A JSON answer of the auth routes. */
export interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** POSTs `body` as JSON to an auth route; the status and the JSON answer (null when there is none). */
export async function post(path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: res.status, body: null };
  }
}

/** A sentence for an error answer of the auth routes. */
export function explain(
  // deno-lint-ignore no-explicit-any
  answer: { status: number; body: any; retryAfterS?: number },
): Extract<AuthResult, { ok: false }> {
  const { status, body, retryAfterS } = answer;
  const error = body?.error;
  if (status === 429) {
    const minutes = Math.max(1, Math.ceil((retryAfterS ?? 60) / 60));
    return {
      ok: false,
      message: `Too many attempts. Try again in ${minutes} minute${
        minutes === 1 ? "" : "s"
      }.`,
    };
  }
  if (error === "bad_credentials") {
    return {
      ok: false,
      message: "That name and password do not match.",
      field: "password",
    };
  }
  if (error === "name_taken") {
    return {
      ok: false,
      message: "That name, or one that looks the same, is taken.",
      field: "username",
    };
  }
  if (error === "invalid_username") {
    return {
      ok: false,
      message: body?.message ?? "That name cannot be used.",
      field: "username",
    };
  }
  if (error === "weak_password") {
    return {
      ok: false,
      message: body?.message ?? "Pick a longer password.",
      field: "password",
    };
  }
  return {
    ok: false,
    message: body?.message ?? `Something went wrong (${status}). Try again.`,
  };
}

/** The account's name from a 200 or 201 answer, or the sentence for an error. */
export function finish(
  res: Response | { status: number; body: unknown },
): AuthResult {
  const { status, body } = res as {
    status: number;
    body: { username?: string };
  };
  if ((status === 200 || status === 201) && body?.username) {
    return { ok: true, username: body.username };
  }
  return explain({ status, body });
}
