/**
 * Kubernetes label key and value rules (as the API server checks them on labels and selectors):
 * a key is a qualified name, `[prefix/]name`, the prefix a DNS subdomain of at most 253 characters,
 * the name at most 63 characters; a value is at most 63 characters and may be empty.
 */

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const NAME_RULE = "start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'";

/** Why `key` is not a valid label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" may contain at most one '/' (prefix/name)`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0] ?? ''];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key prefix "${prefix}" must be a lower-case DNS subdomain of at most 253 characters, like example.com`;
  }
  if (name === undefined || name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key "${key}": the name part must be 1 to 63 characters, ${NAME_RULE}`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined (the empty value is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || (value.length <= 63 && NAME.test(value))) return undefined;
  return `label value "${value}" must be empty or at most 63 characters, ${NAME_RULE}`;
}
