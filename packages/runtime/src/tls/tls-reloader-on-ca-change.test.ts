import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination } from '../log/memory-destination.js';
import { generateCa, generatePair, type GeneratedCa, type GeneratedPair } from './__fixtures__/openssl.js';
import type { ClientCa } from './client-ca.js';
import { reloadTlsOnChange, type TlsReloader } from './tls-reloader.js';

let scratch: string;
let pair: GeneratedPair;
let oldCa: GeneratedCa;
let newCa: GeneratedCa;
let reloader: TlsReloader | undefined;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-reloader-on-ca-'));
  pair = generatePair(scratch, 0x801);
  oldCa = generateCa(scratch, 'old');
  newCa = generateCa(scratch, 'new');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => reloader?.stop());

/** Serves `pair`, clients verified against `oldCa`; `onClientCaChange` is told of each new CA. */
function start(onClientCaChange: (ca: ClientCa) => number) {
  const dir = mkdtempSync(join(scratch, 'files-'));
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, oldCa.cert);
  const logs = memoryDestination();
  const served: unknown[] = [];
  reloader = reloadTlsOnChange({
    certFile: pair.certFile,
    keyFile: pair.keyFile,
    clientCaFile: caFile,
    server: { setSecureContext: (options) => void served.push(options) },
    logger: createLogger({ level: 'info', name: 'reloader-on-ca-test', destination: logs.stream }),
    pollIntervalMs: 3_600_000,
    debounceMs: 3_600_000,
    onClientCaChange,
  });
  return { caFile, logs, served, reloader };
}

describe('reloadTlsOnChange with onClientCaChange', () => {
  it('given a new CA, swaps it in, then passes it on and logs how many connections were closed', async () => {
    const seen: string[][] = [];
    let servedWhenCalled = 0;
    const t = start((ca) => {
      seen.push(ca.anchors.map((anchor) => anchor.subject));
      servedWhenCalled = t.served.length;
      return 3;
    });
    writeFileSync(t.caFile, newCa.cert);
    await t.reloader.check();
    expect(seen).toEqual([['CN=new']]);
    expect(servedWhenCalled).toBe(1); // TLS verifies new handshakes against it first
    expect(t.logs.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'TLS client CA reloaded',
        untrustedConnectionsClosed: 3,
      }),
    ]);
  });

  it('given unchanged files, calls nothing', async () => {
    const calls: ClientCa[] = [];
    const t = start((ca) => calls.push(ca));
    await t.reloader.check();
    expect(calls).toEqual([]);
  });

  it('given a callback that throws, logs it at error and still uses the new CA', async () => {
    const t = start(() => {
      throw new Error('boom');
    });
    writeFileSync(t.caFile, newCa.cert);
    await t.reloader.check();
    expect(t.logs.lines.map((line) => [line['level'], line['msg']])).toEqual([
      ['error', 'could not close the connections the new client CA does not trust'],
      ['info', 'TLS client CA reloaded'],
    ]);
    expect(t.reloader.currentClientCa()?.certificates.map((c) => c.subject)).toEqual(['CN=new']);
  });
});
