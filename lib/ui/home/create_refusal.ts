/** Why a room could not be created, in plain words, from the answer of `POST /api/rooms`. */

/** The sentence, and whether signing in would help. */
export interface CreateRefusal {
  message: string;
  signIn: boolean;
}

/** The refusal for an answer other than 201. */
export function createRefusal(
  status: number,
  body: { reason?: unknown; error?: unknown } | null,
): CreateRefusal {
  if (status === 401) {
    return { message: "Sign in to create a room of your own.", signIn: true };
  }
  if (status === 409) {
    return {
      message: "That room already exists. Pick another name.",
      signIn: false,
    };
  }
  const said = body?.reason ?? body?.error;
  return {
    message: typeof said === "string" ? said : `Error ${status}.`,
    signIn: false,
  };
}
