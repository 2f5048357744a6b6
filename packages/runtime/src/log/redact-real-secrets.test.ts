import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createLogger } from './create-logger.js';
import { memoryDestination } from './memory-destination.js';

/**
 * A cephx key as Ceph makes it (`ceph-authtool --gen-print-key`): base64 of 28 bytes, type 1 (u16
 * LE), creation time (8 bytes), key length 16 (u16 LE), then the 16 key bytes: 40 characters.
 */
function cephxKey(): string {
  const bytes = Buffer.alloc(28);
  bytes.writeUInt16LE(1, 0);
  bytes.writeUInt32LE(Math.floor(Date.now() / 1000), 2);
  bytes.writeUInt16LE(16, 10);
  randomBytes(16).copy(bytes, 12);
  return bytes.toString('base64');
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pemBody = pem.split('\n')[1] ?? '';
const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXMzY3IzdA';

interface WarnLine {
  readonly msg: string;
  readonly detail: string;
  readonly nested: { readonly lines: readonly string[] };
}
interface ErrorLine {
  readonly msg: string;
  readonly err: { readonly message: string; readonly stack: string };
}

/** Each secret, and text that carries it. */
const cases: [name: string, text: (secret: string) => string, secret: string][] = [
  [
    'a bare cephx key (ceph-authtool)',
    (s) => `auth failed for client.csi with ${s}`,
    'AQDyEwVrfIhbMRAA4BxASP8TnJ4GKASeucrRbA==',
  ],
  ['a generated cephx key', (s) => `rbd map --id csi ${s}`, cephxKey()],
  ['a keyring line', (s) => `[client.csi]\n\tkey = ${s}\n\tcaps mon = "profile rbd"`, cephxKey()],
  ['a PEM private key', (s) => `cannot load ${s} as a certificate`, pem],
  ['a YAML token', (s) => `kubeconfig:\nusers:\n- name: sa\n  user:\n    token: ${s}\n`, jwt],
  ['a JSON userKey', (s) => `secret data {"userID":"csi","userKey":"${s}"} refused`, cephxKey()],
  ['a JSON password with spaces', (s) => `body {"user": "bob", "password": "${s}"}`, 'correct horse S3CR3T'],
];

describe('createLogger with real-shaped secrets in strings', () => {
  it.each(cases)(
    'given %s in a message, a field, an error message and its stack, writes it nowhere',
    (_name, text, secret) => {
      const sink = memoryDestination();
      const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
      logger.warn({ detail: text(secret), nested: { lines: [text(secret)] } }, text(secret));
      logger.error({ err: new Error(text(secret)) }, 'failed');
      logger.error(new Error(text(secret), { cause: new Error(text(secret)) }));

      const written = sink.text();
      expect(written).not.toContain(secret);
      expect(written).not.toContain(JSON.stringify(secret).slice(1, -1));
      if (secret === pem) expect(written).not.toContain(pemBody);
      const [fields, error, thrown] = sink.lines as unknown as [WarnLine, ErrorLine, ErrorLine];
      expect(fields.msg).toContain('[REDACTED]');
      expect(fields.detail).toContain('[REDACTED]');
      expect(fields.nested.lines[0]).toContain('[REDACTED]');
      expect(error.err.message).toContain('[REDACTED]');
      expect(error.err.stack).toContain('[REDACTED]');
      expect(thrown.msg).toContain('[REDACTED]');
      expect(thrown.err.stack).toContain('[REDACTED]');
    },
  );

  it.each([['tls.key'], ['ca.key'], ['server.key'], ['ssh-privatekey']])(
    'given Secret data with the key %s, writes [REDACTED] for its value',
    (key) => {
      const sink = memoryDestination();
      const logger = createLogger({ level: 'info', name: 'test', destination: sink.stream });
      const data = { [key]: Buffer.from(pem).toString('base64'), 'tls.crt': 'LS0tQ1JU' };
      logger.info({ secret: { metadata: { name: 'x' } }, object: { data } }, 'read Secret');
      expect(sink.lines[0]).toMatchObject({
        object: { data: { [key]: '[REDACTED]', 'tls.crt': 'LS0tQ1JU' } },
      });
    },
  );
});
