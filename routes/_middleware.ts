import type { AppState } from "../lib/app_state.ts";
import { securityHeaders } from "../lib/framework/security_headers.ts";
import type { Middleware } from "../lib/framework/types.ts";
import { csrfGuard } from "../lib/http/csrf.ts";

/** Every request: security headers on the answer, cross-site state changes refused. */
export const handler: Middleware<AppState>[] = [securityHeaders, csrfGuard];
