import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, issueServingCertificate } from '@corral/admission';

export interface ServingFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA the demo's client trusts, and nothing else. */
  readonly caPem: string;
  readonly caSubject: string;
}

/**
 * A CA made for this run and a serving certificate for 127.0.0.1/localhost signed by it, written to
 * `dir` (keys 0600): what the webhook serves, and what the demo, standing in for kube-apiserver with
 * the webhook configuration's caBundle, trusts.
 */
export async function issueServingFiles(dir: string): Promise<ServingFiles> {
  const subject = 'corral-demo-ca';
  const ca = await createCertificateAuthority({ commonName: subject, validityDays: 1 });
  const serving = await issueServingCertificate({
    ca,
    dnsNames: ['localhost', 'corral-admission.corral-system.svc'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 1,
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  await writeFile(certFile, serving.certPem, { mode: 0o644 });
  await writeFile(keyFile, serving.keyPem, { mode: 0o600 });
  return { certFile, keyFile, caPem: ca.certPem, caSubject: subject };
}
