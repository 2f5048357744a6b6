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

const isIdentifier = (key: string): boolean => /^[A-Za-z_$][\w$]*$/.test(key);

/** Given a key and how many wildcard levels precede it, returns one pino redact path. */
function pathAt(key: string, level: number): string {
  const wildcards = Array.from({ length: level }, () => '*').join('.');
  if (isIdentifier(key)) return wildcards === '' ? key : `${wildcards}.${key}`;
  return `${wildcards}["${key}"]`;
}

/**
 * Given secret key names and a depth, returns pino `redact` paths matching each key at the top level
 * and under up to `depth` levels of any object or array (`key`, `*.key`, `*.*.key`, …). pino's
 * wildcards match exactly one level, hence the explicit list.
 */
export function secretPaths(keys: readonly string[] = SECRET_KEYS, depth: number = REDACT_DEPTH): string[] {
  const paths: string[] = [];
  for (let level = 0; level <= depth; level += 1) {
    for (const key of keys) paths.push(pathAt(key, level));
  }
  return paths;
}
