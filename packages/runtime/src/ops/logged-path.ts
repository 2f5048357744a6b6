/** Characters of a request's path written to a log line at most. */
export const LOGGED_PATH_LIMIT = 512;

/**
 * A request URL as a log line carries it: the path without the query (which may carry tokens), cut to
 * LOGGED_PATH_LIMIT characters and marked `…(+N)` with the number cut, so that one client cannot
 * write lines of the URL's size (16 KiB, Node's header limit). Never splits a surrogate pair.
 */
export function loggedPath(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.length <= LOGGED_PATH_LIMIT) return path;
  const last = path.charCodeAt(LOGGED_PATH_LIMIT - 1);
  const kept = last >= 0xd800 && last <= 0xdbff ? LOGGED_PATH_LIMIT - 1 : LOGGED_PATH_LIMIT;
  return `${path.slice(0, kept)}…(+${path.length - kept})`;
}
