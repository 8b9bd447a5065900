/**
 * Deno sends each WebSocket frame through a per-socket write buffer that
 * keeps the capacity of the largest frame it ever sent, for as long as the
 * socket lives: a welcome or presence frame listing 100 people (~5 KiB) stays
 * in every socket's buffer. With vectored writes (`DENO_USE_WRITEV`, read by
 * the runtime once, at its first WebSocket) a large frame goes out from where
 * it is, and only small ones pass through that buffer.
 */

/** The runtime's switch for vectored socket writes. */
export const VECTORED_WRITES_VARIABLE = "DENO_USE_WRITEV";

/**
 * Turns vectored writes on unless the operator set the variable (empty
 * keeps Deno's default). True when this call set it; false when it was set
 * already or the environment may not be written.
 */
export function preferVectoredWrites(
  env: Pick<typeof Deno.env, "get" | "set"> = Deno.env,
): boolean {
  try {
    if (env.get(VECTORED_WRITES_VARIABLE) !== undefined) return false;
    env.set(VECTORED_WRITES_VARIABLE, "1");
    return true;
  } catch {
    return false;
  }
}
