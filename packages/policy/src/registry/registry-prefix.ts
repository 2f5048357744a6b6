/**
 * Image registry/project prefixes such as `harbor.example.com/finance/`.
 *
 * A prefix is a registry host (with its port, if any: `host:5000` is a different registry from
 * `host`; `host:443` is `host`) followed by whole path segments. Matching is segment-aware: `harbor.example.com/finance/`
 * covers `harbor.example.com/finance/payments/` but never `harbor.example.com/financex/`. Between
 * prefixes the trailing slash is optional (`.../finance` covers the same as `.../finance/`); for an
 * image it matters: `.../finance/` covers only images under that path, never a repository named
 * `.../finance` (imagePathMatchesPrefix).
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

/**
 * The canonical name of a registry host: lower case, the port without leading zeros (Go dials
 * `host:05000` at port 5000, the registry `host:5000`), without the HTTPS port `:443` (`host:443` is
 * the registry `host` itself), Docker Hub's aliases folded into `docker.io`: so that no spelling of a
 * registry slips past a denied prefix that names it.
 */
export function normalizeRegistryHost(host: string): string {
  const lower = host.trim().toLowerCase();
  // After `]` (an IPv6 literal) or a host name: the port's digits, as a number.
  const ported = lower.replace(/:0*([0-9]+)$/, ':$1');
  const bare = ported.endsWith(':443') ? ported.slice(0, -4) : ported;
  return DOCKER_HUB_ALIASES.has(bare) ? 'docker.io' : bare;
}

/** A path component of an image reference (distribution's grammar): `a__b`, `c--d`, `e.f_g`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host name as image references spell it: labels of letters, digits and inner dashes. */
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

/**
 * Why a prefix can never match an image, or undefined. An image reference's first path part is its
 * registry only if it contains `.` or `:` or is `localhost` (otherwise the image is on Docker Hub,
 * `docker.io/...`), so a prefix must start the same way; a port must be 1 to 65535; the host name and
 * each path part must be spelled as image references spell them (a denied prefix that matches
 * nothing would deny nothing, silently).
 */
export function registryPrefixProblem(prefix: string): string | undefined {
  const [host = '', ...path] = prefix.trim().split('/');
  return hostProblem(prefix, host) ?? pathProblem(prefix, path);
}

function hostProblem(prefix: string, host: string): string | undefined {
  if (!isRegistryHost(host)) {
    return (
      `"${prefix}" does not start with a registry host (one with a '.' or a ':', or localhost); ` +
      `an image without one is on Docker Hub, so write "docker.io/${prefix.trim()}"`
    );
  }
  const colon = host.lastIndexOf(':');
  const name = colon < 0 ? host : host.slice(0, colon);
  if (!HOST_NAME.test(name)) {
    return `"${prefix}": "${name}" is not a registry host name (letters, digits and dashes between dots)`;
  }
  if (colon < 0) return undefined;
  const port = host.slice(colon + 1);
  const number = /^[0-9]{1,5}$/.test(port) ? Number(port) : 0;
  return number >= 1 && number <= 65535
    ? undefined
    : `"${prefix}": the registry port must be a number from 1 to 65535, got "${port}"`;
}

function pathProblem(prefix: string, path: readonly string[]): string | undefined {
  const wrong = path.find((segment) => segment.length > 0 && !PATH_COMPONENT.test(segment));
  return wrong === undefined
    ? undefined
    : `"${prefix}": "${wrong}" can never appear in an image's path, which is made of lower-case ` +
        'letters and digits joined by one . or _, two _, or dashes; the prefix would match nothing';
}

/** Is the first part of an image reference a registry host (as image references are parsed)? */
export function isRegistryHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
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
 * `prefix`, as an allowed prefix? The same segment logic as registryPrefixCovers, with one rule for
 * the repository of the prefix's own name: a prefix ending in `/` means "images under that path", so
 * `harbor.example.com/web/` covers `harbor.example.com/web/app` but not `harbor.example.com/web`
 * itself; a prefix without the trailing slash (`harbor.example.com/web/app`) also names that one
 * repository, as an image reference would name it (`docker.io/nginx` is `docker.io/library/nginx`).
 */
export function imagePathMatchesPrefix(
  registryHost: string,
  repositoryPath: string,
  prefix: string,
): boolean {
  const image = parseRegistryPrefix(`${registryHost}/${repositoryPath}`);
  const allowed = parseRegistryPrefix(prefix);
  if (image.host !== allowed.host) return false;
  if (image.segments.length > allowed.segments.length && startsWithSegments(image.segments, allowed.segments))
    return true;
  return !prefix.trim().endsWith('/') && isNamedRepository(image.segments, allowed);
}

/**
 * Is an image's repository at or under `prefix`, whether or not the prefix ends in `/`? For denied
 * prefixes, where the wider reading is the safe one: denying `harbor.example.com/web/experimental/`
 * denies the repository `harbor.example.com/web/experimental` too, and denying `docker.io/nginx`
 * denies the image `nginx` (`docker.io/library/nginx`).
 */
export function imagePathAtOrUnderPrefix(
  registryHost: string,
  repositoryPath: string,
  prefix: string,
): boolean {
  const image = parseRegistryPrefix(`${registryHost}/${repositoryPath}`);
  const denied = parseRegistryPrefix(prefix);
  return (
    image.host === denied.host &&
    (startsWithSegments(image.segments, denied.segments) || isNamedRepository(image.segments, denied))
  );
}

/**
 * Is `segments` the repository a prefix's text names when read as an image reference: the same
 * path, or on Docker Hub, for a one-segment path, that path under `library/` (the runtime reads the
 * image `docker.io/nginx` as `docker.io/library/nginx`)?
 */
function isNamedRepository(segments: readonly string[], prefix: RegistryPrefix): boolean {
  const named =
    prefix.host === 'docker.io' && prefix.segments.length === 1
      ? ['library', ...prefix.segments]
      : prefix.segments;
  return sameSegments(segments, prefix.segments) || sameSegments(segments, named);
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWithSegments(a, b);
}

function startsWithSegments(whole: readonly string[], start: readonly string[]): boolean {
  return start.length <= whole.length && start.every((segment, index) => whole[index] === segment);
}
