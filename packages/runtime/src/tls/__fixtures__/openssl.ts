import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
  return pairFiles(certFile, keyFile, serial);
}

/** A CA made by generateCa: its certificate and key files sign the pairs of generateSignedPair. */
export interface GeneratedCa {
  readonly cert: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

const openssl = (args: readonly string[]): void => {
  execFileSync('/usr/bin/openssl', args, { stdio: 'ignore' });
};

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Given a scratch directory and a name, returns a fresh self-signed EC CA, valid from now for 2 days. */
export function generateCa(dir: string, name: string): GeneratedCa {
  const certFile = join(dir, `${name}-ca.crt`);
  const keyFile = join(dir, `${name}-ca.key`);
  openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert: readFileSync(certFile), certFile, keyFile };
}

/**
 * Given a CA, returns a fresh EC certificate and key it signed (CN `commonName`, the subjectAltName
 * entries `san`, e.g. `DNS:kube-scheduler`), usable by servers and clients, valid for 2 days.
 */
export function generateSignedPair(
  dir: string,
  ca: GeneratedCa,
  serial: number,
  commonName: string,
  san: readonly string[] = ['IP:127.0.0.1'],
): GeneratedPair {
  const certFile = join(dir, `signed-${serial}.crt`);
  const keyFile = join(dir, `signed-${serial}.key`);
  const csrFile = join(dir, `signed-${serial}.csr`);
  const extFile = join(dir, `signed-${serial}.ext`);
  openssl(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${commonName}`]);
  const extensions = [
    ...(san.length > 0 ? [`subjectAltName=${san.join(',')}`] : []),
    'extendedKeyUsage=serverAuth,clientAuth',
  ];
  writeFileSync(extFile, `${extensions.join('\n')}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    String(serial),
    '-days',
    '2',
    '-out',
    certFile,
    '-extfile',
    extFile,
  ]);
  return pairFiles(certFile, keyFile, serial);
}

/** The pair written to `certFile`/`keyFile`, with its serial in openssl's even-length hex. */
function pairFiles(certFile: string, keyFile: string, serial: number) {
  const hex = serial.toString(16).toUpperCase();
  return {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    serial: hex.length % 2 ? `0${hex}` : hex,
    certFile,
    keyFile,
  };
}
