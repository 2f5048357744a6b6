/**
 * Container image references, parsed as the distribution reference grammar defines them
 * (github.com/distribution/reference): `[host[:port]/]path[:tag][@digest]`. The first component is a
 * registry host only if it contains `.` or `:` or is `localhost`; otherwise the image lives on Docker
 * Hub (`docker.io`), and a one-component path there gets `library/`. `nginx` therefore means
 * `docker.io/library/nginx:latest`. Path components are lower-case alphanumerics joined by `.`, `_`,
 * `__` or dashes, so `..`, empty components and upper case are malformed, never "normalised away".
 * Where the kubelet and containerd refuse more than the grammar does, so does this parser: a digest
 * must be one go-digest reads (image-digest.ts), a bare 64-hex string is an image ID, and the name
 * completed as the runtime completes it (`docker.io/library/…`) may not pass 255 characters.
 */
import { normalizeRegistryHost } from '@corral/policy';
import { digestProblem } from './image-digest.js';

export interface ImageRef {
  /**
   * Registry host, lower case, port kept but for HTTPS's own `:443`, Docker Hub's aliases as
   * `docker.io`: `harbor.example.com:5000`, `docker.io`.
   */
  readonly host: string;
  /** Repository path without host: `finance/payments/api`, `library/nginx`. */
  readonly path: string;
  /** The tag as written; undefined when untagged. */
  readonly tag?: string;
  /** `sha256:…` when pinned by digest. */
  readonly digest?: string;
}

export type ParsedImage = { ok: true; value: ImageRef } | { ok: false; error: string };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** A whole reference of 64 hex digits is an image ID, which the kubelet refuses as a name. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/**
 * The longest name, as written and as the runtime completes it (`docker.io/library/…` for `nginx`):
 * containerd 1.x limits the whole completed name, distribution's newer parser its path.
 */
const MAX_NAME = 255;

const bad = (image: string, why: string): ParsedImage => ({
  ok: false,
  error: `image "${image}" is not a valid image reference: ${why}`,
});

function splitDigest(image: string): { rest: string; digest?: string } {
  const at = image.indexOf('@');
  return at < 0 ? { rest: image } : { rest: image.slice(0, at), digest: image.slice(at + 1) };
}

function splitTag(rest: string): { name: string; tag?: string } {
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash belongs to the host's port, not to a tag.
  if (colon < 0 || colon < rest.lastIndexOf('/')) return { name: rest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

function splitHost(name: string): { host: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  if (slash >= 0 && looksLikeHost(first)) return { host: first.toLowerCase(), path: name.slice(slash + 1) };
  return { host: 'docker.io', path: name };
}

const CACHE_LIMIT = 4096;
/** Longer strings (far beyond real references) are parsed each time, never kept: the cache stays small. */
const CACHED_LENGTH = 512;
const cache = new Map<string, ParsedImage>();

/** Given an image string, returns its parts, or an error saying what is malformed (memoised, bounded). */
export function parseImageRef(image: string): ParsedImage {
  if (image.length > CACHED_LENGTH) return parseUncached(image);
  const cached = cache.get(image);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(image);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(image, parsed);
  return parsed;
}

function parseUncached(image: string): ParsedImage {
  if (image.length === 0) return bad(image, 'it is empty');
  if (image.trim() !== image) return bad(image, 'it has surrounding white space');
  if (IMAGE_ID.test(image)) return bad(image, 'it is an image ID (64 hex digits), not a name');
  const { rest, digest } = splitDigest(image);
  const wrongDigest = digest === undefined ? undefined : digestProblem(digest);
  if (wrongDigest !== undefined) return bad(image, wrongDigest);
  const { name, tag } = splitTag(rest);
  if (tag !== undefined && !TAG.test(tag)) return bad(image, `"${tag}" is not a valid tag`);
  const named = parseName(name);
  if (typeof named === 'string') return bad(image, named);
  return {
    ok: true,
    value: { ...named, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) },
  };
}

/** The host and path of a name (the reference without tag and digest), or what is wrong with it. */
function parseName(name: string): { host: string; path: string } | string {
  if (name.length === 0) return 'the name is empty';
  // Before any pattern runs: a name of megabytes must not cost a pattern's backtracking.
  if (name.length > MAX_NAME) return `the name is too long: ${name.length} characters, at most ${MAX_NAME}`;
  const split = splitHost(name);
  if (!HOST.test(split.host)) return `"${split.host}" is not a registry host`;
  const components = split.path.split('/');
  const wrong = components.find((component) => !COMPONENT.test(component));
  if (wrong !== undefined) return componentProblem(wrong, name);
  const host = normalizeRegistryHost(split.host);
  const path = host === 'docker.io' && components.length === 1 ? `library/${split.path}` : split.path;
  const completed = host.length + 1 + path.length;
  if (completed > MAX_NAME) {
    return `the name is too long: completed as ${host}/…, it has ${completed} characters, at most ${MAX_NAME}`;
  }
  return { host, path };
}

/**
 * What is wrong with a path component. A first part with upper case (`Harbor/app`) is one the
 * runtime reads as a registry host (distribution's splitDockerDomain): lower-casing it would name
 * another image, on Docker Hub, so the message says so.
 */
function componentProblem(wrong: string, name: string): string {
  if (name.startsWith(`${wrong}/`) && wrong.toLowerCase() !== wrong) {
    return (
      `"${wrong}" has upper case, so the container runtime reads it as a registry host; write the ` +
      `registry's full name (e.g. harbor.example.com/…), or a Docker Hub path in lower case`
    );
  }
  return `path component "${wrong}" must be lower-case letters and digits joined by . _ or -`;
}

/**
 * Does the image resolve to whatever `:latest` is at pull time: tagged `latest` or untagged, with no
 * digest? With a digest the container runtime pulls by digest and ignores the tag, so
 * `app:latest@sha256:...` is as fixed as `app@sha256:...`.
 */
export function usesLatestTag(ref: ImageRef): boolean {
  return ref.digest === undefined && (ref.tag === 'latest' || ref.tag === undefined);
}

/** Is the image pinned by a well-formed sha256 digest (`@sha256:` + 64 lower-case hex)? */
export function isPinnedByDigest(ref: ImageRef): boolean {
  return ref.digest !== undefined && SHA256_DIGEST.test(ref.digest);
}

/** The canonical text: `docker.io/library/nginx:latest`, `host/path@sha256:…`. */
export function formatImageRef(ref: ImageRef): string {
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : undefined);
  return `${ref.host}/${ref.path}${tag === undefined ? '' : `:${tag}`}${ref.digest ? `@${ref.digest}` : ''}`;
}
