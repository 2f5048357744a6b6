import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { generateCa, generatePair, type GeneratedCa, type GeneratedPair } from './__fixtures__/openssl.js';
import { reloadTlsOnChange, type TlsReloader } from './tls-reloader.js';

let scratch: string;
let first: GeneratedPair;
let second: GeneratedPair;
let oldCa: GeneratedCa;
let newCa: GeneratedCa;
let reloader: TlsReloader | undefined;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-reloader-ca-'));
  first = generatePair(scratch, 0x401);
  second = generatePair(scratch, 0x402);
  oldCa = generateCa(scratch, 'old');
  newCa = generateCa(scratch, 'new');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => reloader?.stop());

/** Serves `first` and verifies clients against `oldCa`, from files in a fresh directory. */
function start() {
  const dir = mkdtempSync(join(scratch, 'files-'));
  const files = {
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    caFile: join(dir, 'ca.crt'),
  };
  writeFileSync(files.certFile, first.cert);
  writeFileSync(files.keyFile, first.key);
  writeFileSync(files.caFile, oldCa.cert);
  const logs = memoryDestination();
  const served: SecureContextOptions[] = [];
  reloader = reloadTlsOnChange({
    certFile: files.certFile,
    keyFile: files.keyFile,
    clientCaFile: files.caFile,
    server: { setSecureContext: (options) => void served.push(options) },
    logger: createLogger({ level: 'info', name: 'reloader-ca-test', destination: logs.stream }),
    pollIntervalMs: 3_600_000,
    debounceMs: 3_600_000,
  });
  return { files, logs, served, reloader };
}

const messages = (lines: readonly Record<string, unknown>[]) => lines.map((l) => [l['level'], l['msg']]);

describe('reloadTlsOnChange with a client CA', () => {
  it('given unchanged files, swaps nothing', async () => {
    const t = start();
    await t.reloader.check();
    expect(t.served).toEqual([]);
    expect(t.reloader.currentClientCa()?.certificates.map((c) => c.subject)).toEqual(['CN=old']);
  });

  it('given a new CA only, swaps it in with the same pair and says so (not a certificate reload)', async () => {
    const t = start();
    writeFileSync(t.files.caFile, newCa.cert);
    await t.reloader.check();
    expect(t.served).toEqual([{ cert: first.cert, key: first.key, ca: newCa.cert }]);
    expect(messages(t.logs.lines)).toEqual([['info', 'TLS client CA reloaded']]);
    expect(t.logs.lines[0]).toMatchObject({
      clientCaFile: t.files.caFile,
      previous: [expect.objectContaining({ subject: 'CN=old' })],
      next: [expect.objectContaining({ subject: 'CN=new' })],
    });
  });

  it('given a new pair and a broken CA, serves the new pair with the previous CA and logs the CA', async () => {
    const t = start();
    writeFileSync(t.files.certFile, second.cert);
    writeFileSync(t.files.keyFile, second.key);
    writeFileSync(t.files.caFile, 'oops');
    await t.reloader.check();
    expect(t.served).toEqual([{ cert: second.cert, key: second.key, ca: oldCa.cert }]);
    expect(messages(t.logs.lines)).toEqual([
      ['error', 'new TLS client CA rejected; still verifying clients against the previous one'],
      ['info', 'TLS certificate reloaded'],
    ]);
    expect(t.logs.lines[0]).toMatchObject({
      err: {
        code: 'RUNTIME_ERR_TLS_CLIENT_CA',
        message: `client CA ${t.files.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      },
    });
    expect(t.reloader.currentClientCa()?.certificates.map((c) => c.subject)).toEqual(['CN=old']);
  });

  it('given a CA file that cannot be read, warns and keeps verifying against the previous one', async () => {
    const t = start();
    rmSync(t.files.caFile);
    await t.reloader.check();
    expect(t.served).toEqual([]);
    expect(messages(t.logs.lines)).toEqual([['warn', 'cannot read TLS files']]);
  });
});
