import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { TlsKeyPairError } from '../errors.js';
import { hashContents } from './watch-contents.js';

export interface KeyPairFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A validated certificate chain and private key, with what operators need to identify it. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** sha256 of cert and key bytes: tells whether files on disk changed. */
  readonly hash: string;
  readonly fingerprint256: string;
  readonly serialNumber: string;
  readonly subject: string;
  readonly validFrom: string;
  readonly validTo: string;
}

function parseCertificate(cert: Buffer, name: string): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch (cause) {
    throw new TlsKeyPairError(`${name} is not a valid PEM/DER X.509 certificate`, { cause });
  }
}

/**
 * Given certificate (chain) and key bytes, returns the validated pair, or throws a `TlsKeyPairError` when
 * either does not parse, the key does not belong to the (leaf) certificate, or TLS refuses the pair.
 * With `files`, the messages name the files (`private key /tls/tls.key does not match the
 * certificate /tls/tls.crt`). Whether the certificate is valid now is not checked (validityProblem).
 */
export function validateKeyPair(cert: Buffer, key: Buffer, files?: KeyPairFiles): KeyPair {
  const certName = files ? `certificate ${files.certFile}` : 'certificate';
  const keyName = files ? `private key ${files.keyFile}` : 'private key';
  const x509 = parseCertificate(cert, certName);
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (cause) {
    throw new TlsKeyPairError(`${keyName} is not a valid PEM/DER key`, { cause });
  }
  if (!matches) throw new TlsKeyPairError(`${keyName} does not match the ${certName}`);
  try {
    createSecureContext({ cert, key });
  } catch (cause) {
    throw new TlsKeyPairError(`TLS rejected the ${certName} and ${keyName}`, { cause });
  }
  const { fingerprint256, serialNumber, subject, validFrom, validTo } = x509;
  const hash = hashContents([cert, key]);
  return { cert, key, hash, fingerprint256, serialNumber, subject, validFrom, validTo };
}

/** Given the files' paths, reads and validates them; throws `TlsKeyPairError` naming the files. */
export function readKeyPair(files: KeyPairFiles, read: (path: string) => Buffer = readFileSync): KeyPair {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = read(files.certFile);
    key = read(files.keyFile);
  } catch (cause) {
    throw new TlsKeyPairError(`cannot read ${files.certFile} / ${files.keyFile}`, {
      cause,
      details: { ...files },
    });
  }
  return validateKeyPair(cert, key, files);
}
