import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createLogger } from '../log/create-logger.js';
import { memoryDestination, type MemoryDestination } from '../log/memory-destination.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { buildServer, type CorralServer } from '../ops/build-server.js';
import { createReadiness } from '../ops/readiness.js';
import { generatePair, type GeneratedPair } from './__fixtures__/openssl.js';

/** Connects afresh (no session reuse) and returns the serial of the certificate the server presents. */
function peerSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

function httpsStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Writes a pair the way kubelet updates a Secret volume: new timestamped dir, then swap `..data`. */
function kubeletWrite(dir: string, version: string, pair: { cert: Buffer; key: Buffer }): void {
  const target = join(dir, `..${version}`);
  mkdirSync(target);
  writeFileSync(join(target, 'tls.crt'), pair.cert);
  writeFileSync(join(target, 'tls.key'), pair.key);
  symlinkSync(`..${version}`, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
}

let scratch: string;
let pairs: GeneratedPair[];
let app: CorralServer | undefined;
let logs: MemoryDestination;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'corral-tls-'));
  pairs = [0x101, 0x102, 0x103, 0x104].map((serial) => generatePair(scratch, serial));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(certFile: string, keyFile: string): Promise<number> {
  logs = memoryDestination();
  app = buildServer({
    logger: createLogger({ level: 'info', name: 'tls-test', destination: logs.stream }),
    metrics: createMetrics({ service: 'tls-test', processMetrics: false }),
    readiness: createReadiness().report,
    https: { certFile, keyFile, pollIntervalMs: 100 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

const pair = (i: number): GeneratedPair =>
  pairs[i] ??
  (() => {
    throw new Error(`no pair ${i}`);
  })();
const rejectedLines = () =>
  logs.lines.filter((l) => l.msg === 'new TLS certificate rejected; still serving the previous one');

describe('HTTPS with certificate reload', () => {
  it('given a kubelet-style symlink swap, serves the new certificate without a restart', async () => {
    const dir = mkdtempSync(join(scratch, 'secret-'));
    kubeletWrite(dir, 'v1', pair(0));
    symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(dir, 'tls.key'));
    const port = await serve(join(dir, 'tls.crt'), join(dir, 'tls.key'));
    expect(await peerSerial(port)).toBe(pair(0).serial);
    expect(await httpsStatus(port, '/healthz')).toBe(200);

    kubeletWrite(dir, 'v2', pair(1));
    await vi.waitFor(async () => expect(await peerSerial(port)).toBe(pair(1).serial), {
      timeout: 5000,
      interval: 50,
    });
    expect(logs.lines.some((l) => l.msg === 'TLS certificate reloaded')).toBe(true);
    expect(await httpsStatus(port, '/healthz')).toBe(200);
  });

  it('given a plain overwrite of both files, serves the new certificate', async () => {
    const dir = mkdtempSync(join(scratch, 'plain-'));
    writeFileSync(join(dir, 'tls.crt'), pair(0).cert);
    writeFileSync(join(dir, 'tls.key'), pair(0).key);
    const port = await serve(join(dir, 'tls.crt'), join(dir, 'tls.key'));
    expect(await peerSerial(port)).toBe(pair(0).serial);

    writeFileSync(join(dir, 'tls.crt'), pair(2).cert);
    writeFileSync(join(dir, 'tls.key'), pair(2).key);
    await vi.waitFor(async () => expect(await peerSerial(port)).toBe(pair(2).serial), {
      timeout: 5000,
      interval: 50,
    });
  });

  it('given a broken new pair, keeps serving the old certificate and logs an error', async () => {
    const dir = mkdtempSync(join(scratch, 'broken-'));
    kubeletWrite(dir, 'v1', pair(0));
    symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(dir, 'tls.key'));
    const port = await serve(join(dir, 'tls.crt'), join(dir, 'tls.key'));

    kubeletWrite(dir, 'v2', { cert: pair(3).cert, key: pair(1).key }); // key of another certificate
    await vi.waitFor(() => expect(rejectedLines()).toHaveLength(1), { timeout: 5000, interval: 50 });
    expect(rejectedLines()[0]).toMatchObject({
      level: 'error',
      err: { code: 'RUNTIME_ERR_TLS_KEY_PAIR', message: 'private key does not match the certificate' },
    });
    expect(await peerSerial(port)).toBe(pair(0).serial);
    expect(await httpsStatus(port, '/healthz')).toBe(200);
    expect(JSON.stringify(logs.lines)).not.toContain('PRIVATE KEY');

    kubeletWrite(dir, 'v3', pair(3)); // a fixed pair is picked up again
    await vi.waitFor(async () => expect(await peerSerial(port)).toBe(pair(3).serial), {
      timeout: 5000,
      interval: 50,
    });
  });
});
