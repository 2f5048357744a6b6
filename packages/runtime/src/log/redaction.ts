import { redactText } from '@corral/policy';

/**
 * Keys whose values never reach a log line, at any depth up to `REDACT_DEPTH`. Matching ignores case,
 * `-`, `_` and `.` (`Authorization`, `x-api-key`, `client-key-data`, `clientKeyData`, `tls.key` and
 * `ca.key` all match), any key ending in one of `SECRET_SUFFIXES` matches too (`bearerToken`,
 * `clientSecret`, `dbPassword`, `ssh-privatekey`), and so does any file name ending in `.key`.
 */
export const SECRET_KEYS: readonly string[] = Object.freeze([
  'userKey',
  'adminKey',
  'key',
  'keyring',
  'keyPem',
  'keyData',
  'client-key-data',
  'tlsKey',
  'caKey',
  'privateKey',
  'apiKey',
  'x-api-key',
  'token',
  'password',
  'passphrase',
  'secret',
  'secrets',
  'credentials',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'kubeconfig',
]);

/** Key endings that mark a secret whatever comes before them (compared like SECRET_KEYS). */
export const SECRET_SUFFIXES: readonly string[] = Object.freeze([
  'token',
  'password',
  'passwd',
  'secret',
  'privatekey',
]);

/** A Secret's data key naming a key file (`tls.key`, `server.key`) holds a private key. */
const isKeyFileName = (key: string): boolean => /\.key$/i.test(key);

/** Command-line flags whose next argument is a secret (`['rbd', 'map', '--key', 'AQ…']`). */
const SECRET_FLAGS = new Set(['--key', '--secret', '--password', '--token']);

/** How many levels of nesting below the log object are searched; anything deeper is replaced. */
export const REDACT_DEPTH = 8;

export const CENSOR = '[REDACTED]';
/** Written instead of an object nested deeper than the redaction searched (it might hold a secret). */
export const TOO_DEEP = '[TOO DEEP]';

/** Lower case without `-`, `_` and `.`: Secret data keys are file names (`tls.key`, `ca.key`). */
const normalize = (key: string): string => key.toLowerCase().replace(/[-_.]/g, '');
const SECRET_SET = new Set(SECRET_KEYS.map(normalize));

/** Verdicts for keys seen so far: log lines reuse a small set of keys, so most lookups are one get. */
const verdicts = new Map<string, boolean>();
const VERDICT_CACHE_LIMIT = 4096;

/** Is `key` (a property name, any spelling) one whose value must never be logged? */
export function isSecretKey(key: string): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const name = normalize(key);
  const secret =
    SECRET_SET.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix)) || isKeyFileName(key);
  if (verdicts.size < VERDICT_CACHE_LIMIT) verdicts.set(key, secret);
  return secret;
}

type Plain = Record<string, unknown>;

/**
 * Given a log object, returns it with the value of every secret key (see SECRET_KEYS) and every
 * argument after a secret flag (`--key`) replaced by CENSOR, secret values inside strings removed (see
 * redactText), bytes (Buffers, typed arrays) replaced by their length, at the top level and under up
 * to `depth` levels of objects, arrays and errors; objects nested deeper are replaced by TOO_DEEP.
 * Objects holding no secret are returned as they are (no copy), so the common line costs one cheap
 * walk; objects that do are copied, never modified in place (the caller still owns them).
 */
export function redactSecrets<T>(value: T, depth: number = REDACT_DEPTH): T {
  return redactValue(value, depth) as T;
}

/**
 * Bytes are never written, only their length: they may hold anything, and no pattern finds a secret in
 * them (Node's client errors carry the raw request as `rawPacket`, Authorization header included).
 */
const bytesOf = (value: object): string | undefined =>
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer ? `[${value.byteLength} bytes]` : undefined;

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  const bytes = bytesOf(value);
  if (bytes !== undefined) return bytes;
  if (depth < 0) return TOO_DEEP;
  if (Array.isArray(value)) return redactArray(value, depth);
  return redactObject(value as Plain, depth);
}

function redactArray(items: readonly unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  let afterFlag = false;
  items.forEach((item, index) => {
    const next = afterFlag ? CENSOR : redactValue(item, depth - 1);
    afterFlag = typeof item === 'string' && SECRET_FLAGS.has(item.toLowerCase());
    if (next !== item) (copy ??= [...items])[index] = next;
  });
  return copy ?? (items as unknown[]);
}

function redactObject(object: Plain, depth: number): Plain {
  let copy: Plain | undefined;
  for (const key of Object.keys(object)) {
    const current = object[key];
    const next = isSecretKey(key) ? CENSOR : redactValue(current, depth - 1);
    if (next !== current) (copy ??= cloneShallow(object))[key] = next;
  }
  return copy ?? object;
}

/** A shallow copy that keeps what the err serializer reads from an Error (message, stack, cause). */
function cloneShallow(object: Plain): Plain {
  if (!(object instanceof Error)) return { ...object };
  const copy = Object.assign(Object.create(Object.getPrototypeOf(object) as object) as Error, object);
  copy.message = object.message;
  if (object.stack !== undefined) copy.stack = object.stack;
  if (object.cause !== undefined) copy.cause = object.cause;
  return copy as unknown as Plain;
}
