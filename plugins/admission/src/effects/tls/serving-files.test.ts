import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyPair } from '@corral/runtime';
import { ensureStartupPair, holdsValidPair, writeServingPair } from './serving-files.js';

const filesIn = (dir: string) => ({
  certFile: join(dir, 'tls', 'tls.crt'),
  keyFile: join(dir, 'tls', 'tls.key'),
});

describe('the serving files', () => {
  it('given an empty directory, writes a throwaway pair the server can load, once', async () => {
    const files = filesIn(mkdtempSync(join(tmpdir(), 'corral-files-')));
    expect(await holdsValidPair(files)).toBe(false);
    expect(await ensureStartupPair(files, ['svc.ns.svc'])).toBe(true);
    expect(readKeyPair(files).subject).toMatch(/svc.ns.svc/);
    expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
    expect(await ensureStartupPair(files, ['svc.ns.svc'])).toBe(false);
  });

  it('writes a new pair in place, leaves no temporary file, and skips a pair already there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-files-'));
    const files = filesIn(dir);
    await ensureStartupPair(files, ['a.svc']);
    const other = filesIn(mkdtempSync(join(tmpdir(), 'corral-files-')));
    await ensureStartupPair(other, ['b.svc']);
    const pair = { cert: readFileSync(other.certFile, 'utf8'), key: readFileSync(other.keyFile, 'utf8') };
    expect(await writeServingPair(files, pair)).toBe(true);
    expect(readKeyPair(files).subject).toMatch(/b.svc/);
    expect(readdirSync(join(dir, 'tls')).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(await writeServingPair(files, pair)).toBe(false);
  });

  it('given files holding something that is not a pair, replaces them at start', async () => {
    const files = filesIn(mkdtempSync(join(tmpdir(), 'corral-files-')));
    await ensureStartupPair(files, ['a.svc']);
    writeFileSync(files.keyFile, 'garbage');
    expect(await holdsValidPair(files)).toBe(false);
    expect(await ensureStartupPair(files, ['a.svc'])).toBe(true);
    expect(await holdsValidPair(files)).toBe(true);
  });
});
