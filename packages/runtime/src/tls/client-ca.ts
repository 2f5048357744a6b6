import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TlsClientCaError } from '../errors.js';
import { hashContents } from './watch-contents.js';

/** A validated bundle of CA certificates that client certificates are verified against. */
export interface ClientCa {
  /** The bundle as read (PEM), passed to TLS as `ca`. */
  readonly pem: Buffer;
  /** sha256 of the bytes: tells whether the file on disk changed. */
  readonly hash: string;
  /** Each certificate's subject and end date, in file order, for the logs. */
  readonly certificates: readonly { readonly subject: string; readonly validTo: string }[];
  /** The bundle's certificates, parsed: what a connection's client certificate is checked against. */
  readonly anchors: readonly X509Certificate[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Given the bytes of a CA bundle (one or more PEM certificates; text around them, such as comments,
 * is ignored), returns it validated, or throws a `TlsClientCaError` when it holds no PEM certificate
 * or one that does not parse. (TLS itself accepts any bytes as `ca` silently, and would then refuse
 * every client.) With `file`, the messages name it.
 */
export function validateClientCa(pem: Buffer, file?: string): ClientCa {
  const name = file === undefined ? 'client CA' : `client CA ${file}`;
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new TlsClientCaError(`${name} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  const anchors = blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw new TlsClientCaError(`${name}: certificate ${index + 1} of ${blocks.length} does not parse`, {
        cause,
      });
    }
  });
  const certificates = anchors.map(({ subject, validTo }) => ({ subject, validTo }));
  return { pem, hash: hashContents([pem]), certificates, anchors };
}

/** Given the bundle's path, reads and validates it; throws `TlsClientCaError` naming the file. */
export function readClientCa(file: string, read: (path: string) => Buffer = readFileSync): ClientCa {
  let pem: Buffer;
  try {
    pem = read(file);
  } catch (cause) {
    throw new TlsClientCaError(`cannot read client CA ${file}`, { cause, details: { file } });
  }
  return validateClientCa(pem, file);
}
