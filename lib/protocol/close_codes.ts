/** The WebSocket close codes the server ends a socket with (docs/protocol.md, "Close codes"). */

/** The server goes away (shutdown, drain). */
export const CLOSE_GOING_AWAY = 1001;
/** A frame over the size limit. */
export const CLOSE_TOO_LARGE = 1009;
/** The socket's sign-in session was ended by signing out (on any server). */
export const CLOSE_SIGNED_OUT = 4001;
/** A person kicked, banned or removed from the room. */
export const CLOSE_KICKED = 4003;
/** A reader so slow that too much unsent data piled up. */
export const CLOSE_SLOW_CONSUMER = 4008;
