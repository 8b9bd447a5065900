/** Where a page may send the reader after signing in: only a path of this site. */

/** Where to go after signing in: `next` when it is a path of this site, else home. */
export function safeNext(next: string | null | undefined): string {
  if (
    !next || !next.startsWith("/") || next.startsWith("//") ||
    next.startsWith("/\\")
  ) {
    return "/";
  }
  // Browsers drop tabs and newlines from a URL, so "/\t/evil.example"
  // passes the checks above yet leads off the site: resolve it to be sure.
  const base = "http://this-site.invalid";
  try {
    if (new URL(next, base).origin !== base) return "/";
  } catch {
    return "/";
  }
  return next;
}
