/** Why a certificate is not valid at a given time. */
export interface ValidityProblem {
  /** `expired` never becomes valid again; `not-yet-valid` does once its start passes. */
  readonly kind: 'expired' | 'not-yet-valid';
  /** `certificate expired on <validTo>` or `certificate is not valid before <validFrom>`. */
  readonly message: string;
}

/**
 * Given a certificate's validity dates (as X509Certificate writes them, e.g. `Jan  1 00:00:00 2030
 * GMT`) and the time in ms, returns why it is not valid then, or undefined when it is (or when the
 * dates do not parse: TLS itself will say so).
 */
export function validityProblem(
  dates: { readonly validFrom: string; readonly validTo: string },
  now: number,
): ValidityProblem | undefined {
  const from = Date.parse(dates.validFrom);
  const to = Date.parse(dates.validTo);
  if (!Number.isNaN(to) && now > to) {
    return { kind: 'expired', message: `certificate expired on ${dates.validTo}` };
  }
  if (!Number.isNaN(from) && now < from) {
    return { kind: 'not-yet-valid', message: `certificate is not valid before ${dates.validFrom}` };
  }
  return undefined;
}
