import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the Reflect metadata API.
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type Keys = webcrypto.CryptoKeyPair;
type SigningKey = x509.X509CertificateCreateWithKeyParams['signingKey'];

x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Backdate notBefore a little so a replica whose clock runs behind still accepts the certificate. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface IssuedPair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CaOptions {
  readonly commonName: string;
  readonly validityDays: number;
  readonly now?: Date;
}

export interface ServingOptions {
  readonly ca: IssuedPair;
  /** DNS subject alternative names, e.g. corral-admission.corral-system.svc. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validityDays: number;
  readonly now?: Date;
}

const serialNumber = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
};

async function newKeys(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as Keys;
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

function validity(now: Date | undefined, days: number): { notBefore: Date; notAfter: Date } {
  const start = (now ?? new Date()).getTime();
  return { notBefore: new Date(start - CLOCK_SKEW_MS), notAfter: new Date(start + days * DAY_MS) };
}

/** Creates a self-signed certificate authority (ECDSA P-256) that may sign leaf certificates only. */
export async function createCertificateAuthority(options: CaOptions): Promise<IssuedPair> {
  const keys = await newKeys();
  const { notBefore, notAfter } = validity(options.now, options.validityDays);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [options.commonName] }],
    notBefore,
    notAfter,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as SigningKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey), notBefore, notAfter };
}

/** Issues a TLS server certificate for the given names, signed by the CA. */
export async function issueServingCertificate(options: ServingOptions): Promise<IssuedPair> {
  if (options.dnsNames.length === 0 && (options.ipAddresses ?? []).length === 0) {
    throw new Error('a serving certificate needs at least one DNS name or IP address');
  }
  const caCert = new x509.X509Certificate(options.ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(options.ca.keyPem),
    ALGORITHM,
    false,
    ['sign'],
  );
  const keys = await newKeys();
  const { notBefore, notAfter } = validity(options.now, options.validityDays);
  const names = [
    ...options.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [options.dnsNames[0] ?? options.ipAddresses?.[0] ?? 'corral'] }],
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey as unknown as SigningKey,
    signingKey: caKey as unknown as SigningKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey), notBefore, notAfter };
}
