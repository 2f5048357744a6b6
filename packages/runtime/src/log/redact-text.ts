/**
 * Secret values inside free text: bearer/basic credentials, URL user info, secret query/assignment
 * parameters, `--key VALUE` style flags and cephx keys. Used on every written log line (see
 * createLogger) and by anything that reports error messages outside the logger.
 */
const VALUE = String.raw`[^\s"'\\&,;]+`;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [new RegExp(String.raw`\b(bearer|basic)(\s+)${VALUE}`, 'gi'), '$1$2[REDACTED]'],
  [/(\/\/)[^/@\s"'\\]+@/g, '$1[REDACTED]@'],
  [
    new RegExp(
      String.raw`\b((?:access_?token|refresh_?token|token|password|passwd|secret|api_?key|key)=)${VALUE}`,
      'gi',
    ),
    '$1[REDACTED]',
  ],
  [new RegExp(String.raw`(--(?:key|secret|password|token)[ =])${VALUE}`, 'gi'), '$1[REDACTED]'],
  [/\bAQ[A-Za-z0-9+/]{38}==/g, '[REDACTED]'],
];

/** One cheap test that is false for almost every string: only strings it matches are rewritten. */
const MAYBE_SECRET =
  /bearer|basic|\/\/[^/@\s"'\\]+@|(?:token|passw(?:or)?d|secret|key)[= ]|AQ[A-Za-z0-9+/]{38}==/i;

/** Given text, returns it with every secret value (see above) replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
