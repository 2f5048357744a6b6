/**
 * Image registry/project prefixes such as `harbor.example.com/finance/`.
 *
 * A prefix is a registry host (with its port, if any: `host:5000` is a different registry from
 * `host`) followed by whole path segments. Matching is segment-aware: `harbor.example.com/finance/`
 * covers `harbor.example.com/finance/payments/` but never `harbor.example.com/financex/`, and the
 * trailing slash is optional (`.../finance` means the same as `.../finance/`).
 */

export interface RegistryPrefix {
  /** Lower-cased host, `docker.io` for Docker Hub's aliases, port kept. */
  readonly host: string;
  /** Path segments, none empty. */
  readonly segments: readonly string[];
}

/** Hosts that name Docker Hub; image references use `docker.io`. */
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'index.docker.io',
  'registry-1.docker.io',
  'docker.io',
]);

/** The canonical name of a registry host: lower case, Docker Hub's aliases folded into `docker.io`. */
export function normalizeRegistryHost(host: string): string {
  const lower = host.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower;
}

/** Splits a prefix into host and path segments (empty segments, e.g. from `//` or a trailing `/`, dropped). */
export function parseRegistryPrefix(prefix: string): RegistryPrefix {
  const [host = '', ...path] = prefix.trim().split('/');
  return { host: normalizeRegistryHost(host), segments: path.filter((segment) => segment.length > 0) };
}

/** The canonical text of a prefix: normalized host, its segments, always a trailing slash. */
export function normalizeRegistryPrefix(prefix: string): string {
  const { host, segments } = parseRegistryPrefix(prefix);
  return [host, ...segments].join('/') + '/';
}

/** Does `outer` cover every image `inner` covers (same host, outer's segments start inner's)? */
export function registryPrefixCovers(outer: string, inner: string): boolean {
  const a = parseRegistryPrefix(outer);
  const b = parseRegistryPrefix(inner);
  return a.host === b.host && startsWithSegments(b.segments, a.segments);
}

/**
 * Does an image in `registryHost` at `repositoryPath` (e.g. `finance/payments/api`) fall under
 * `prefix`? The same segment logic as registryPrefixCovers; a prefix naming the repository itself matches.
 */
export function imagePathMatchesPrefix(
  registryHost: string,
  repositoryPath: string,
  prefix: string,
): boolean {
  const image = parseRegistryPrefix(`${registryHost}/${repositoryPath}`);
  const allowed = parseRegistryPrefix(prefix);
  return image.host === allowed.host && startsWithSegments(image.segments, allowed.segments);
}

function startsWithSegments(whole: readonly string[], start: readonly string[]): boolean {
  return start.length <= whole.length && start.every((segment, index) => whole[index] === segment);
}
