/** The TLS settings a service's client-certificate flags depend on (paths as given). */
export interface TlsFlags {
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly clientCa?: string | undefined;
  readonly clientName?: string | undefined;
}

/**
 * Client certificates are a TLS feature: `--tls-client-ca` needs a serving pair (`--tls-cert` and
 * `--tls-key`), `--tls-client-name` needs `--tls-client-ca`. Returns one message per broken rule.
 */
export function clientCertificateFlagProblems(tls: TlsFlags): string[] {
  const problems: string[] = [];
  if (tls.clientCa !== undefined && (tls.cert === undefined || tls.key === undefined)) {
    problems.push('--tls-client-ca verifies clients over TLS: it needs --tls-cert and --tls-key');
  }
  if (tls.clientName !== undefined && tls.clientCa === undefined) {
    problems.push('--tls-client-name checks the client certificate: it needs --tls-client-ca');
  }
  return problems;
}
