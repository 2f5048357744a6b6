import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { validateKeyPair, type KeyPairFiles } from '@corral/runtime';
import { createCertificateAuthority, issueServingCertificate } from './issue-certificates.js';

/**
 * The files the HTTPS server serves from (--tls-cert, --tls-key; an emptyDir in the pod). The
 * bootstrap writes the Secret's pair here and @corral/runtime's reloader swaps it in without a
 * restart. Each file is written to a temporary name and renamed into place, the key first and the cert
 * right after, so a reader sees whole files and the reloader's debounce sees both changes at once.
 */

/** A certificate and its key, PEM. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function staged(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, text, { mode: 0o600 });
  return temp;
}

/** The pair the files hold now (what the server serves once its reloader took it), if both exist. */
export async function readServingPair(files: KeyPairFiles): Promise<PemPair | undefined> {
  const [cert, key] = await Promise.all([readText(files.certFile), readText(files.keyFile)]);
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

/** Writes the pair unless the files already hold it; resolves to whether anything was written. */
export async function writeServingPair(files: KeyPairFiles, pair: PemPair): Promise<boolean> {
  const [cert, key] = await Promise.all([readText(files.certFile), readText(files.keyFile)]);
  if (cert === pair.cert && key === pair.key) return false;
  const temps = await Promise.all([staged(files.keyFile, pair.key), staged(files.certFile, pair.cert)]);
  try {
    await rename(temps[0], files.keyFile);
    await rename(temps[1], files.certFile);
  } finally {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
  }
  return true;
}

/** Whether the files hold a certificate and the key that belongs to it. */
export async function holdsValidPair(files: KeyPairFiles): Promise<boolean> {
  try {
    validateKeyPair(await readFile(files.certFile), await readFile(files.keyFile));
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the server can start: when the files do not hold a valid pair (a new pod's empty
 * emptyDir), writes a throwaway self-signed one. No client trusts it, and the service reports not
 * ready until the Secret's pair is served, so no review is ever answered with it.
 */
export async function ensureStartupPair(files: KeyPairFiles, dnsNames: readonly string[]): Promise<boolean> {
  if (await holdsValidPair(files)) return false;
  const ca = await createCertificateAuthority({ commonName: 'corral-admission-startup', validityDays: 1 });
  const serving = await issueServingCertificate({ ca, dnsNames, validityDays: 1 });
  await writeServingPair(files, { cert: serving.certPem, key: serving.keyPem });
  return true;
}
