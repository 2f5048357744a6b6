/**
 * Secret values inside free text: bearer/basic credentials, URL user info, secret query/assignment
 * parameters (`token=`, `password=`, `key = ` in a keyring…), secret fields of YAML and JSON
 * (`token: …`, `"userKey":"…"`), `--key VALUE` style flags, cephx keys and PEM private keys.
 *
 * The one implementation for every package: the runtime's logger runs it on every string it writes
 * (messages, fields, error messages and stacks), and the cluster source on the error messages it
 * reports in readiness status. It lives here, in the lowest Corral package, because both depend on
 * it and neither may depend on the other.
 *
 * It errs on the side of removing too much: a value runs to the next white space or quote (and, for
 * `name=value` pairs, `&`), so a token with `;` or `\` in it goes whole. It removes everything the
 * two implementations it replaced removed (the cluster source's and the logger's; its tests check
 * that against both).
 */

export const REDACTED = '[REDACTED]';

/**
 * Names whose value is a secret, as they appear in text: `token` and `secret` at the end of a longer
 * name too (`id_token`, `clientSecret`), `key` alone or after a few known words (`userKey`, `api_key`,
 * `tls.key`, `client-key-data`), never inside a word (`monkey`, `topologyKey`).
 */
const NAME = String.raw`(?:token|passw(?:or)?d|passphrase|secret|\b(?:(?:user|admin|api|private|tls|ca|client)[-_]?)?key(?:[-_]?data)?)`;

/**
 * The same names before a `:` (YAML, JSON), where a bare `key` is everywhere and no secret (a
 * toleration's or selector's `"key":"nvidia.com/gpu"`, kube-apiserver's `….key: Invalid value`):
 * there `key` counts only after one of the known words (`userKey`, `tls.key`, `client-key-data`).
 */
const COLON_NAME = String.raw`(?:token|passw(?:or)?d|passphrase|secret|\b(?:user|admin|api|private|tls|ca|client)[-_.]?key(?:[-_]?data)?|\bkey[-_]data)`;

/** Each rule's group is the value that gets replaced; the rest of the match stays. */
const SECRET_RULES: readonly RegExp[] = [
  /(?:bearer|basic)\s+([^\s"',]+)/gi,
  /\/\/([^/@\s]+)(?=@)/g,
  // `token=VALUE`, `key = VALUE` (a keyring)
  new RegExp(String.raw`${NAME}[ \t]*=[ \t]*([^\s"'&]+)`, 'gi'),
  // `token: VALUE` (YAML), `'token': VALUE`, `"token":VALUE` (a JSON number, null…)
  new RegExp(String.raw`${COLON_NAME}["']?[ \t]*:[ \t]*([^\s"'\\,}\]|>][^\s"'\\,}\]]*)`, 'gi'),
  // `password: 'VALUE'` (YAML, spaces included; '' is a quote inside)
  new RegExp(String.raw`${COLON_NAME}["']?[ \t]*:[ \t]*'((?:[^']|'')*)`, 'gi'),
  // `"password": "VALUE"` (JSON), `password: "VALUE"` (YAML), escaped quotes inside the value included
  new RegExp(String.raw`${COLON_NAME}"?[ \t]*:[ \t]*"((?:[^"\\]|\\.)*)`, 'gi'),
  // `password: |` and the indented lines of a YAML block scalar after it
  new RegExp(String.raw`${COLON_NAME}[ \t]*:[ \t]*[|>][-+0-9]*[ \t]*\r?\n((?:[ \t]+[^\n]*(?:\n|$))+)`, 'gi'),
  // `\"password\":\"VALUE\"` (JSON inside a JSON string): the value ends at the next `\"`
  new RegExp(String.raw`${COLON_NAME}\\"[ \t]*:[ \t]*\\"((?:[^"\\]|\\[^"])*)`, 'gi'),
  /--(?:key|secret|password|token)[ =]([^\s"'\\&,;]+)/gi,
  // A cephx key: base64 of 28 bytes (type 1, creation time, length 16, the key), 40 characters.
  /\b(AQ[A-Za-z0-9+/]{36,38}==)/g,
  // A PEM private key, whole (to the end of the text if its END line is missing).
  /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$))/g,
];

/** One cheap test that is false for almost every string: only strings it matches are searched. */
const MAYBE_SECRET =
  /bearer|basic|\/\/[^/@\s]+@|(?:token|passw(?:or)?d|passphrase|secret|key(?:[-_]?data)?)\\?["']?[\s=:]|AQ[A-Za-z0-9+/]{36}|PRIVATE KEY/i;

/**
 * Given text, returns it with every secret value (see above) replaced by `censor` (`[REDACTED]`
 * unless told otherwise). Text with nothing that looks like a secret is returned as it is.
 */
export function redactText(text: string, censor: string = REDACTED): string {
  if (!MAYBE_SECRET.test(text)) return text;
  const spans = secretSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start) + censor;
    from = end;
  }
  return out + text.slice(from);
}

type Span = readonly [start: number, end: number];

/**
 * How far back from a value's end another keyword can start and still have its own value after it
 * (`basic &Basic SECRET`, `--key --key SECRET`): the longest keyword, `client-key-data\\": \\"`,
 * plus room.
 */
const KEYWORD_REACH = 32;

/**
 * Every value `rule` finds, overlapping matches included: a value may swallow the next keyword
 * (`&Basic` is a value of the first `basic`), so the search resumes inside it, near its end. A
 * match that starts earlier inside it would end where it ends, so skipping those loses nothing
 * and keeps the search linear.
 */
function valueSpans(rule: RegExp, text: string): Span[] {
  const spans: Span[] = [];
  rule.lastIndex = 0;
  for (let match = rule.exec(text); match !== null; match = rule.exec(text)) {
    const end = match.index + match[0].length;
    spans.push([end - (match[1]?.length ?? 0), end]);
    rule.lastIndex = Math.max(match.index + 1, end - KEYWORD_REACH);
  }
  return spans;
}

/** A value found by one rule reads as plain value characters to the others, like a censor would. */
const MASK = 'x';
const MAX_ROUNDS = 8;

/**
 * The secret values in `text`, sorted and joined. Each rule is matched against the text as given
 * (so that no rule's value hides a keyword another rule needs: `id_token=--key SECRET` loses both)
 * and against the text with the values found so far masked (so that a value runs on through one
 * already found, as it would through a censor: `password=//'@SECRET` loses all of it), until no
 * new value turns up.
 */
function secretSpans(text: string): Span[] {
  let spans = mergeSpans(SECRET_RULES.flatMap((rule) => valueSpans(rule, text)));
  for (let round = 0; round < MAX_ROUNDS && spans.length > 0; round += 1) {
    const masked = mask(text, spans);
    const next = mergeSpans([...spans, ...SECRET_RULES.flatMap((rule) => valueSpans(rule, masked))]);
    if (sameSpans(next, spans)) break;
    spans = next;
  }
  return spans;
}

function mask(text: string, spans: readonly Span[]): string {
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start) + MASK.repeat(end - start);
    from = end;
  }
  return out + text.slice(from);
}

function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  return (
    a.length === b.length &&
    a.every(([start, end], index) => b[index]?.[0] === start && b[index]?.[1] === end)
  );
}

/** Sorted, with overlapping or touching spans joined: each run of secret text gets one censor. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
