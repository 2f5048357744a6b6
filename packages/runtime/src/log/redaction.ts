/** Keys whose values never reach a log line, at any depth up to `REDACT_DEPTH`. */
export const SECRET_KEYS: readonly string[] = Object.freeze([
  'userKey',
  'adminKey',
  'key',
  'keyring',
  'token',
  'password',
  'secret',
  'secrets',
  'authorization',
  'cookie',
  'set-cookie',
  'caKey',
  'privateKey',
]);

/** How many levels of nesting below the log object are searched for secret keys. */
export const REDACT_DEPTH = 6;

export const CENSOR = '[REDACTED]';

const SECRET_SET = new Set(SECRET_KEYS);

type Plain = Record<string, unknown>;

/**
 * Given a log object, returns it with the value of every secret key (see SECRET_KEYS) replaced by
 * CENSOR, at the top level and under up to `depth` levels of objects, arrays and errors. Objects
 * holding no secret are returned as they are (no copy), so the common line costs one cheap walk;
 * objects that do are copied, never modified in place (the caller still owns them).
 */
export function redactSecrets<T>(value: T, depth: number = REDACT_DEPTH): T {
  return redactValue(value, depth) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth < 0) return value;
  if (Array.isArray(value)) return redactArray(value, depth);
  return redactObject(value as Plain, depth);
}

function redactArray(items: readonly unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  items.forEach((item, index) => {
    const next = redactValue(item, depth - 1);
    if (next !== item) (copy ??= [...items])[index] = next;
  });
  return copy ?? (items as unknown[]);
}

function redactObject(object: Plain, depth: number): Plain {
  let copy: Plain | undefined;
  for (const key of Object.keys(object)) {
    const current = object[key];
    const next = SECRET_SET.has(key) ? CENSOR : redactValue(current, depth - 1);
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
