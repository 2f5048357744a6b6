import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { generatePair, type GeneratedPair } from './__fixtures__/openssl.js';
import { readKeyPair } from './key-pair.js';
import { reloadTlsOnChange, type TlsReloader } from './tls-reloader.js';

const DAY_MS = 86_400_000;

let scratch: string;
let shortLived: GeneratedPair; // valid 1 day
let longLived: GeneratedPair; // valid 30 days
let other: GeneratedPair; // valid 30 days
let reloader: TlsReloader | undefined;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-reloader-'));
  shortLived = generatePair(scratch, 0x201, 'corral-test', 1);
  longLived = generatePair(scratch, 0x202, 'corral-test', 30);
  other = generatePair(scratch, 0x203, 'corral-test', 30);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => reloader?.stop());

/** Serves `first` from files in a fresh directory, with the clock `daysAhead` days ahead of now. */
function start(first: GeneratedPair, daysAhead: number) {
  const dir = mkdtempSync(join(scratch, 'files-'));
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  const write = (pair: GeneratedPair) => {
    writeFileSync(files.keyFile, pair.key);
    writeFileSync(files.certFile, pair.cert);
  };
  write(first);
  const logs: MemoryDestination = memoryDestination();
  const served: SecureContextOptions[] = [];
  reloader = reloadTlsOnChange({
    ...files,
    server: { setSecureContext: (options) => void served.push(options) },
    logger: createLogger({ level: 'info', name: 'reloader-test', destination: logs.stream }),
    pollIntervalMs: 3_600_000,
    debounceMs: 3_600_000,
    now: () => Date.now() + daysAhead * DAY_MS,
  });
  return { files, write, logs, served, reloader };
}

describe('reloadTlsOnChange and certificate dates', () => {
  it('given a valid certificate, logs no warning at start', () => {
    const t = start(longLived, 0);
    expect(t.logs.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('given an expired certificate at start, serves it and warns with its end date', () => {
    const t = start(shortLived, 5);
    expect(t.logs.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'the TLS certificate served is not valid now; clients will refuse it',
        problem: expect.stringMatching(/^certificate expired on /),
        serving: expect.objectContaining({ serialNumber: '0201', validTo: expect.any(String) }),
        certFile: t.files.certFile,
      }),
    ]);
    expect(t.reloader.current().serialNumber).toBe('0201');
  });

  it('given a renewed pair that has already expired, keeps serving the valid one and says why', async () => {
    const t = start(longLived, 5);
    t.write(shortLived);
    await t.reloader.check();
    expect(t.served).toEqual([]);
    expect(t.reloader.current().serialNumber).toBe('0202');
    expect(
      t.logs.lines.find((l) => l.msg === 'new TLS certificate rejected; still serving the previous one'),
    ).toMatchObject({
      level: 'error',
      err: {
        code: 'RUNTIME_ERR_TLS_KEY_PAIR',
        message: expect.stringMatching(/^certificate expired on /),
      },
    });
    t.write(other); // a good pair later is taken
    await t.reloader.check();
    expect(t.reloader.current().serialNumber).toBe('0203');
  });

  it('given an expired pair replacing an expired one, swaps it in (nothing better to serve) and warns', async () => {
    const t = start(longLived, 60);
    t.write(shortLived);
    await t.reloader.check();
    expect(t.reloader.current().serialNumber).toBe('0201');
    expect(t.logs.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'the TLS certificate served is not valid now; clients will refuse it'],
      ['info', 'TLS certificate reloaded'],
      ['warn', 'the TLS certificate served is not valid now; clients will refuse it'],
    ]);
  });

  it('given a pair not valid yet (a clock behind the issuer), swaps it in and warns', async () => {
    const t = start(longLived, -1);
    expect(t.logs.lines[0]).toMatchObject({
      level: 'warn',
      problem: expect.stringMatching(/^certificate is not valid before /),
    });
    // Unlike an expired one, a renewed pair not valid yet is served: the clock, not the pair, is off.
    t.write(other);
    await t.reloader.check();
    expect(t.served.map((options) => options.cert)).toEqual([other.cert]);
    expect(t.reloader.current().serialNumber).toBe('0203');
    expect(t.logs.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'the TLS certificate served is not valid now; clients will refuse it'],
      ['info', 'TLS certificate reloaded'],
      ['warn', 'the TLS certificate served is not valid now; clients will refuse it'],
    ]);
    expect(t.logs.lines[2]).toMatchObject({
      serving: expect.objectContaining({ serialNumber: '0203' }),
      problem: expect.stringMatching(/^certificate is not valid before /),
    });
  });
});

describe('readKeyPair', () => {
  it('given a key of another certificate, names both files', () => {
    const dir = mkdtempSync(join(scratch, 'names-'));
    writeFileSync(join(dir, 'a.crt'), longLived.cert);
    writeFileSync(join(dir, 'b.key'), other.key);
    expect(() => readKeyPair({ certFile: join(dir, 'a.crt'), keyFile: join(dir, 'b.key') })).toThrow(
      `private key ${join(dir, 'b.key')} does not match the certificate ${join(dir, 'a.crt')}`,
    );
  });

  it('given a file that is no certificate, names it', () => {
    const dir = mkdtempSync(join(scratch, 'names-'));
    writeFileSync(join(dir, 'a.crt'), 'kind: Pod\n');
    writeFileSync(join(dir, 'a.key'), longLived.key);
    expect(() => readKeyPair({ certFile: join(dir, 'a.crt'), keyFile: join(dir, 'a.key') })).toThrow(
      `${join(dir, 'a.crt')} is not a valid PEM/DER X.509 certificate`,
    );
  });
});
