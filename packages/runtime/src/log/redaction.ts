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

/**
 * Key endings that mark a secret whatever comes before them (compared like SECRET_KEYS): `bearerToken`,
 * `clientSecret`, and a key's own value under another prefix (`caKeyPem`, `tlsKeyData`, `secretKey`,
 * `aws_secret_access_key`, `cephxKey`). A bare `…Key` ending is no secret (`topologyKey`, `labelKey`).
 */
export const SECRET_SUFFIXES: readonly string[] = Object.freeze([
  'token',
  'password',
  'passwd',
  'secret',
  'privatekey',
  'privkey',
  'keypem',
  'keydata',
  'secretkey',
  'accesskey',
  'cephxkey',
  'cephkey',
]);

/** A Secret's data key naming a key file (`tls.key`, `server.key`) holds a private key. */
const isKeyFileName = (key: string): boolean => /\.key$/i.test(key);

/**
 * In a list of strings, the element after one of these is a secret: command-line flags
 * (`['rbd', 'map', '--key', 'AQ…']`) and, compared like SECRET_KEYS, header names in raw header lists
 * (Node's `rawHeaders`: `['Authorization', 'Bearer …', 'X-Api-Key', '…', 'Cookie', '…']`).
 */
const SECRET_FLAGS = new Set(['--key', '--secret', '--password', '--token']);
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const isSecretFlag = (item: unknown): boolean =>
  typeof item === 'string' &&
  (SECRET_FLAGS.has(item.toLowerCase()) || (HEADER_NAME.test(item) && isSecretKey(item)));

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
 * Given a log object, returns it with the value of every secret key (see SECRET_KEYS), the `data` and
 * `stringData` of every Kubernetes Secret, and every list element after a secret flag (`--key`) or
 * header name (`Authorization`) replaced by CENSOR, secret values inside strings removed (see
 * redactText), bytes (Buffers, typed arrays) replaced by their length, objects with a `toJSON` (a URL)
 * replaced by what it returns when that holds a secret, at the top level and under up to `depth`
 * levels of objects, arrays and errors; objects nested deeper are replaced by TOO_DEEP.
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
  if (hasToJson(value)) return redactJson(value, depth);
  return redactObject(value as Plain, depth);
}

type WithToJson = { toJSON: (key?: string) => unknown };

/**
 * An object with its own `toJSON` (a URL, a class hiding its fields, a Date) is written as what that
 * returns, which the object's own keys do not show: a URL has none, yet writes `https://user:pass@…`.
 */
const hasToJson = (value: object): value is WithToJson =>
  typeof (value as Partial<WithToJson>).toJSON === 'function';

/**
 * What `value.toJSON()` returns, redacted; `value` itself (no copy) when that holds no secret. A
 * `toJSON` that throws makes JSON.stringify throw too: the value is then written as CENSOR.
 */
function redactJson(value: WithToJson, depth: number): unknown {
  let json: unknown;
  try {
    json = value.toJSON();
  } catch {
    return CENSOR;
  }
  // JSON.stringify calls toJSON once, and writes what it returns as it is (its keys' values in turn).
  let redacted: unknown;
  if (typeof json === 'string') redacted = redactText(json);
  else if (json === null || typeof json !== 'object') redacted = json;
  else if (Array.isArray(json)) redacted = redactArray(json, depth);
  else redacted = redactObject(json as Plain, depth);
  if (json === value) return redacted;
  return redacted === json ? value : redacted;
}

function redactArray(items: readonly unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  let afterFlag = false;
  items.forEach((item, index) => {
    const next = afterFlag ? CENSOR : redactValue(item, depth - 1);
    afterFlag = isSecretFlag(item);
    if (next !== item) (copy ??= [...items])[index] = next;
  });
  return copy ?? (items as unknown[]);
}

/** The fields of a Secret that hold its values, whatever their keys are named (`config.json`, `id_rsa`). */
const SECRET_DATA = new Set(['data', 'stringData']);

/**
 * Is `object` a Kubernetes Secret (as the API returns it, e.g. in an error's body, or an item of a
 * SecretList, which has no `kind` but a `type` such as `Opaque` or `kubernetes.io/tls`)?
 */
function isSecretObject(object: Plain): boolean {
  if (object['kind'] === 'Secret') return true;
  const metadata = object['metadata'];
  return typeof object['type'] === 'string' && typeof metadata === 'object' && metadata !== null;
}

function redactObject(object: Plain, depth: number): Plain {
  let copy: Plain | undefined;
  const secretObject = isSecretObject(object);
  for (const key of Object.keys(object)) {
    const current = object[key];
    const censored = isSecretKey(key) || (secretObject && SECRET_DATA.has(key));
    const next = censored ? CENSOR : redactValue(current, depth - 1);
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
