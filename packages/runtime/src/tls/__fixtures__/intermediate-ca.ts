import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedCa } from './openssl.js';

const openssl = (args: readonly string[]): void => {
  execFileSync('/usr/bin/openssl', args, { stdio: 'ignore' });
};

/**
 * Given a scratch directory, a CA and a name, returns a fresh EC intermediate CA that the CA signed
 * (`CA:TRUE`), valid from now for 2 days: it signs the pairs of generateSignedPair as a CA does.
 */
export function generateIntermediateCa(dir: string, parent: GeneratedCa, name: string): GeneratedCa {
  const certFile = join(dir, `${name}-ca.crt`);
  const keyFile = join(dir, `${name}-ca.key`);
  const csrFile = join(dir, `${name}-ca.csr`);
  const extFile = join(dir, `${name}-ca.ext`);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-new', ...ec, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${name}`]);
  writeFileSync(extFile, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    parent.certFile,
    '-CAkey',
    parent.keyFile,
    '-set_serial',
    '77',
    '-days',
    '2',
    '-extfile',
    extFile,
    '-out',
    certFile,
  ]);
  return { cert: readFileSync(certFile), certFile, keyFile };
}
