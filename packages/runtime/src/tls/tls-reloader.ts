import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { TlsKeyPairError } from '../errors.js';
import { validityProblem } from './certificate-validity.js';
import { readClientCa, validateClientCa, type ClientCa } from './client-ca.js';
import { readKeyPair, validateKeyPair, type KeyPair, type KeyPairFiles } from './key-pair.js';
import { hashContents, watchContents } from './watch-contents.js';

/** What the reloader swaps contexts on: a `tls.Server` / `https.Server`. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

export interface TlsReloadOptions extends KeyPairFiles {
  readonly server: SecureContextTarget;
  readonly logger: Logger;
  /** The pair the server was started with; read from the files when omitted. */
  readonly initial?: KeyPair;
  /** A CA bundle that client certificates are verified against, reloaded with the pair. */
  readonly clientCaFile?: string;
  /** The bundle the server was started with; read from clientCaFile when omitted. */
  readonly initialClientCa?: ClientCa;
  /**
   * Called with each client CA swapped in, after the swap (e.g. closeConnectionsOnClientCaChange, to
   * close the connections it no longer trusts); returns how many connections it closed, for the log.
   */
  readonly onClientCaChange?: (ca: ClientCa) => number;
  readonly pollIntervalMs?: number;
  readonly debounceMs?: number;
  /** The time in ms, to judge certificate dates; default Date.now. */
  readonly now?: () => number;
}

export interface TlsReloader {
  /** The pair being served now. */
  current(): KeyPair;
  /** The client CA in use now (undefined without clientCaFile). */
  currentClientCa(): ClientCa | undefined;
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

const describeCa = (ca: ClientCa) => ca.certificates;

const NOT_VALID_NOW = 'the TLS certificate served is not valid now; clients will refuse it';

/**
 * Serves renewed certificates without a restart: watches the cert and key files (and the client CA
 * bundle, if any), validates each new pair or bundle, then swaps it in with `server.setSecureContext`.
 * A pair that fails validation is logged and the previous one keeps serving; so is an expired pair
 * while the one served is still valid, and so is a client CA bundle that fails validation (the
 * previous one keeps verifying clients). A client CA swapped in is passed to `onClientCaChange`
 * (connections made before it are not verified again by TLS). A certificate served outside its
 * dates (at start, or swapped in) is warned about. This is a boundary: it logs each outcome once.
 */
export function reloadTlsOnChange(options: TlsReloadOptions): TlsReloader {
  const log = options.logger.child({ component: 'tls-reload' });
  const now = options.now ?? Date.now;
  const files = { certFile: options.certFile, keyFile: options.keyFile };
  const caFile = options.clientCaFile;
  let current = options.initial ?? readKeyPair(options);
  let currentCa = caFile === undefined ? undefined : (options.initialClientCa ?? readClientCa(caFile));
  const warnIfNotValid = (pair: KeyPair): void => {
    const problem = validityProblem(pair, now());
    if (problem) log.warn({ ...files, serving: describePair(pair), problem: problem.message }, NOT_VALID_NOW);
  };
  /** The pair to serve given the files' bytes: the new one if valid, else the current one. */
  const nextPair = (cert: Buffer, key: Buffer): KeyPair => {
    if (hashContents([cert, key]) === current.hash) return current;
    try {
      const next = validateKeyPair(cert, key);
      const problem = validityProblem(next, now());
      if (problem?.kind === 'expired' && validityProblem(current, now()) === undefined)
        throw new TlsKeyPairError(problem.message);
      return next;
    } catch (err) {
      log.error(
        { err, ...files, serving: describePair(current) },
        'new TLS certificate rejected; still serving the previous one',
      );
      return current;
    }
  };
  /** The client CA to use given the file's bytes: the new one if valid, else the current one. */
  const nextCa = (pem: Buffer | undefined): ClientCa | undefined => {
    if (pem === undefined || currentCa === undefined || hashContents([pem]) === currentCa.hash)
      return currentCa;
    try {
      return validateClientCa(pem, caFile);
    } catch (err) {
      log.error(
        { err, clientCaFile: caFile, verifying: describeCa(currentCa) },
        'new TLS client CA rejected; still verifying clients against the previous one',
      );
      return currentCa;
    }
  };
  /** Runs onClientCaChange; returns what the log line says of it. */
  const closeUntrusted = (ca: ClientCa): { untrustedConnectionsClosed?: number } => {
    if (options.onClientCaChange === undefined) return {};
    try {
      return { untrustedConnectionsClosed: options.onClientCaChange(ca) };
    } catch (err) {
      log.error(
        { err, clientCaFile: caFile },
        'could not close the connections the new client CA does not trust',
      );
      return {};
    }
  };
  const apply = (contents: readonly Buffer[]): void => {
    const [cert = Buffer.alloc(0), key = Buffer.alloc(0), pem] = contents;
    const pair = nextPair(cert, key);
    const ca = nextCa(pem);
    if (pair === current && ca === currentCa) return;
    try {
      options.server.setSecureContext({ cert: pair.cert, key: pair.key, ...(ca ? { ca: ca.pem } : {}) });
    } catch (err) {
      log.error(
        { err, ...files, clientCaFile: caFile },
        'TLS rejected the new files; still serving the previous ones',
      );
      return;
    }
    if (pair !== current) {
      log.info({ previous: describePair(current), next: describePair(pair) }, 'TLS certificate reloaded');
      current = pair;
      warnIfNotValid(pair);
    }
    if (ca !== currentCa && ca !== undefined) {
      const previous = currentCa && describeCa(currentCa);
      currentCa = ca;
      const closed = closeUntrusted(ca);
      log.info({ clientCaFile: caFile, previous, next: describeCa(ca), ...closed }, 'TLS client CA reloaded');
    }
  };
  warnIfNotValid(current);
  const watched = [options.certFile, options.keyFile, ...(caFile === undefined ? [] : [caFile])];
  const inUse = [current.cert, current.key, ...(currentCa === undefined ? [] : [currentCa.pem])];
  const watcher = watchContents({
    files: watched,
    pollIntervalMs: options.pollIntervalMs,
    debounceMs: options.debounceMs,
    initialHash: hashContents(inUse),
    onChange: apply,
    onError: (err) => log.warn({ err, ...files, clientCaFile: caFile }, 'cannot read TLS files'),
  });
  return {
    current: () => current,
    currentClientCa: () => currentCa,
    check: watcher.check,
    stop: watcher.stop,
  };
}
