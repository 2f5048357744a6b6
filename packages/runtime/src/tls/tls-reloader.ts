import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { TlsKeyPairError } from '../errors.js';
import { validityProblem } from './certificate-validity.js';
import { readKeyPair, validateKeyPair, type KeyPair, type KeyPairFiles } from './key-pair.js';
import { watchContents } from './watch-contents.js';

/** What the reloader swaps contexts on: a `tls.Server` / `https.Server`. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

export interface TlsReloadOptions extends KeyPairFiles {
  readonly server: SecureContextTarget;
  readonly logger: Logger;
  /** The pair the server was started with; read from the files when omitted. */
  readonly initial?: KeyPair;
  readonly pollIntervalMs?: number;
  readonly debounceMs?: number;
  /** The time in ms, to judge certificate dates; default Date.now. */
  readonly now?: () => number;
}

export interface TlsReloader {
  /** The pair being served now. */
  current(): KeyPair;
  /** Re-reads the files now (the watcher and the poll call this too). */
  check(): Promise<void>;
  stop(): void;
}

const describePair = (pair: KeyPair) => ({
  fingerprint256: pair.fingerprint256,
  serialNumber: pair.serialNumber,
  subject: pair.subject,
  validFrom: pair.validFrom,
  validTo: pair.validTo,
});

const NOT_VALID_NOW = 'the TLS certificate served is not valid now; clients will refuse it';

/**
 * Serves renewed certificates without a restart: watches the cert and key files, validates each new
 * pair, then swaps it in with `server.setSecureContext`. A pair that fails validation is logged and
 * the previous one keeps serving; so is an expired pair while the one served is still valid. A
 * certificate served outside its dates (at start, or swapped in) is warned about. This is a
 * boundary: it logs each outcome once.
 */
export function reloadTlsOnChange(options: TlsReloadOptions): TlsReloader {
  const log = options.logger.child({ component: 'tls-reload' });
  const now = options.now ?? Date.now;
  const files = { certFile: options.certFile, keyFile: options.keyFile };
  let current = options.initial ?? readKeyPair(options);
  const warnIfNotValid = (pair: KeyPair): void => {
    const problem = validityProblem(pair, now());
    if (problem) log.warn({ ...files, serving: describePair(pair), problem: problem.message }, NOT_VALID_NOW);
  };
  const apply = (contents: readonly Buffer[]): void => {
    const [cert = Buffer.alloc(0), key = Buffer.alloc(0)] = contents;
    try {
      const next = validateKeyPair(cert, key);
      const problem = validityProblem(next, now());
      if (problem?.kind === 'expired' && validityProblem(current, now()) === undefined)
        throw new TlsKeyPairError(problem.message);
      options.server.setSecureContext({ cert: next.cert, key: next.key });
      log.info({ previous: describePair(current), next: describePair(next) }, 'TLS certificate reloaded');
      current = next;
      warnIfNotValid(next);
    } catch (err) {
      log.error(
        { err, ...files, serving: describePair(current) },
        'new TLS certificate rejected; still serving the previous one',
      );
    }
  };
  warnIfNotValid(current);
  const watcher = watchContents({
    files: [options.certFile, options.keyFile],
    pollIntervalMs: options.pollIntervalMs,
    debounceMs: options.debounceMs,
    initialHash: current.hash,
    onChange: apply,
    onError: (err) => log.warn({ err, ...files }, 'cannot read TLS files'),
  });
  return { current: () => current, check: watcher.check, stop: watcher.stop };
}
