import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
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
  validTo: pair.validTo,
});

/**
 * Serves renewed certificates without a restart: watches the cert and key files, validates each new
 * pair, then swaps it in with `server.setSecureContext`. A pair that fails validation is logged and
 * the previous one keeps serving. This is a boundary: it logs each outcome once.
 */
export function reloadTlsOnChange(options: TlsReloadOptions): TlsReloader {
  const log = options.logger.child({ component: 'tls-reload' });
  let current = options.initial ?? readKeyPair(options);

  const apply = (contents: readonly Buffer[]): void => {
    const [cert = Buffer.alloc(0), key = Buffer.alloc(0)] = contents;
    try {
      const next = validateKeyPair(cert, key);
      options.server.setSecureContext({ cert: next.cert, key: next.key });
      log.info({ previous: describePair(current), next: describePair(next) }, 'TLS certificate reloaded');
      current = next;
    } catch (err) {
      log.error(
        { err, certFile: options.certFile, keyFile: options.keyFile, serving: describePair(current) },
        'new TLS certificate rejected; still serving the previous one',
      );
    }
  };

  const watcher = watchContents({
    files: [options.certFile, options.keyFile],
    pollIntervalMs: options.pollIntervalMs,
    debounceMs: options.debounceMs,
    initialHash: current.hash,
    onChange: apply,
    onError: (err) =>
      log.warn({ err, certFile: options.certFile, keyFile: options.keyFile }, 'cannot read TLS files'),
  });

  return { current: () => current, check: watcher.check, stop: watcher.stop };
}
