import { isIPv4, isIPv6 } from 'node:net';

/** Where a server listens: a TCP host and port, or a unix socket path. */
export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface ParseListenOptions {
  /** Which kinds are acceptable here. Default: both. */
  readonly allow?: readonly ListenAddress['kind'][];
}

/** The IPv6 wildcard, what `:PORT` listens on: every interface, IPv6 and IPv4 (bound dual-stack). */
export const ANY_HOST = '::';

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const ALL_DIGITS_AND_DOTS = /^[\d.]+$/;
const fail = (error: string): Parsed<never> => ({ ok: false, error });

function parsePort(text: string, whole: string): Parsed<number> {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) return fail(`"${whole}": port must be 0-65535, got "${text}"`);
  return { ok: true, value: port };
}

function isValidHost(host: string): boolean {
  if (ALL_DIGITS_AND_DOTS.test(host)) return isIPv4(host);
  return HOSTNAME.test(host);
}

function parseTcp(text: string): Parsed<ListenAddress> {
  const bracketed = /^\[([^\]]+)\]:([^:]*)$/.exec(text);
  if (bracketed) {
    const [, host = '', port = ''] = bracketed;
    if (!isIPv6(host)) return fail(`"${text}": "${host}" is not an IPv6 address`);
    const parsed = parsePort(port, text);
    return parsed.ok ? { ok: true, value: { kind: 'tcp', host, port: parsed.value } } : parsed;
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0)
    return fail(`"${text}": expected HOST:PORT, e.g. :8443 (every interface), 127.0.0.1:8443 or [::1]:8443`);
  const host = text.slice(0, colon);
  if (host.includes(':')) return fail(`"${text}": put IPv6 addresses in brackets, e.g. [::1]:8443`);
  if (host !== '' && !isValidHost(host))
    return fail(`"${text}": "${host}" is not a valid host name or IPv4 address`);
  const parsed = parsePort(text.slice(colon + 1), text);
  return parsed.ok
    ? { ok: true, value: { kind: 'tcp', host: host || ANY_HOST, port: parsed.value } }
    : parsed;
}

function parseUnix(text: string): Parsed<ListenAddress> {
  const path = text.slice('unix://'.length);
  if (!path.startsWith('/') || path.length < 2) {
    return fail(`"${text}": expected unix:///absolute/path.sock`);
  }
  return { ok: true, value: { kind: 'unix', path } };
}

/**
 * Given `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `unix:///path.sock`, returns the parsed address, or
 * an error message saying what is wrong and what a valid value looks like. `:PORT` is every
 * interface, IPv6 and IPv4 (host `::`, see listenTcp); `0.0.0.0:PORT` is every IPv4 one only.
 */
export function parseListenAddress(text: string, options: ParseListenOptions = {}): Parsed<ListenAddress> {
  const allow = options.allow ?? ['tcp', 'unix'];
  const trimmed = text.trim();
  const isUnix = trimmed.startsWith('unix:');
  if (isUnix && !allow.includes('unix'))
    return fail(`"${text}": a unix socket is not accepted here, use HOST:PORT`);
  if (!isUnix && !allow.includes('tcp')) return fail(`"${text}": expected unix:///absolute/path.sock`);
  return isUnix ? parseUnix(trimmed) : parseTcp(trimmed);
}

/** Given a listen address, returns its canonical text form (`[::1]:8443`, `unix:///x.sock`). */
export function formatListenAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix://${address.path}`;
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Given the acceptable kinds, returns a `loadConfig` option check for listen addresses / endpoints. */
export function listenAddressCheck(options: ParseListenOptions = {}): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== 'string') return 'expected a listen address string';
    const parsed = parseListenAddress(value, options);
    return parsed.ok ? undefined : parsed.error;
  };
}
