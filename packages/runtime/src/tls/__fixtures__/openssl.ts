import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Hex serial as `openssl` printed it, upper case (like `getPeerCertificate().serialNumber`). */
  readonly serial: string;
  /** Where the PEM files were written (inside the scratch directory). */
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Given a scratch directory and a serial, returns a fresh self-signed EC certificate and key, valid
 * from now for `days` days.
 */
export function generatePair(
  dir: string,
  serial: number,
  commonName = 'corral-test',
  days = 2,
): GeneratedPair {
  const certFile = join(dir, `gen-${serial}.crt`);
  const keyFile = join(dir, `gen-${serial}.key`);
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      String(days),
      '-subj',
      `/CN=${commonName}`,
      '-set_serial',
      String(serial),
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const hex = serial.toString(16).toUpperCase();
  return {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    serial: hex.length % 2 ? `0${hex}` : hex,
    certFile,
    keyFile,
  };
}
