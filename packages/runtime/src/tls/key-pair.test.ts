import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePair, type GeneratedPair } from './__fixtures__/openssl.js';
import { readKeyPair, validateKeyPair } from './key-pair.js';

let dir: string;
let a: GeneratedPair;
let b: GeneratedPair;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'corral-keypair-'));
  a = generatePair(dir, 0x1a);
  b = generatePair(dir, 0x1b);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validateKeyPair', () => {
  it('given a matching cert and key, returns the pair with its serial and fingerprint', () => {
    const pair = validateKeyPair(a.cert, a.key);
    expect(pair.serialNumber).toBe('1A');
    expect(pair.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(pair.hash).not.toBe(validateKeyPair(b.cert, b.key).hash);
  });

  const broken: [string, () => [Buffer, Buffer], string][] = [
    ['a key from another pair', () => [a.cert, b.key], 'private key does not match the certificate'],
    ['a garbage certificate', () => [Buffer.from('not a cert'), a.key], 'certificate is not a valid'],
    [
      'a garbage key',
      () => [a.cert, Buffer.from('-----BEGIN PRIVATE KEY-----\nxx\n')],
      'private key is not a valid',
    ],
    ['an empty certificate', () => [Buffer.alloc(0), a.key], 'certificate is not a valid'],
  ];
  it.each(broken)('given %s, throws RUNTIME_ERR_TLS_KEY_PAIR saying why', (_name, make, message) => {
    const [cert, key] = make();
    expect(() => validateKeyPair(cert, key)).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_ERR_TLS_KEY_PAIR',
        message: expect.stringContaining(message),
      }),
    );
  });
});

describe('readKeyPair', () => {
  it('given files on disk, reads and validates them', () => {
    writeFileSync(join(dir, 'r.crt'), b.cert);
    writeFileSync(join(dir, 'r.key'), b.key);
    expect(readKeyPair({ certFile: join(dir, 'r.crt'), keyFile: join(dir, 'r.key') }).serialNumber).toBe(
      '1B',
    );
  });

  it('given a missing file, throws naming the files with the cause chained', () => {
    const files = { certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'missing.key') };
    expect(() => readKeyPair(files)).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_ERR_TLS_KEY_PAIR',
        message: expect.stringContaining('missing.crt'),
        cause: expect.objectContaining({ code: 'ENOENT' }),
      }),
    );
  });
});
