import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FILE_BYTES, readPolicyFile } from './read-policy-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPolicyFile', () => {
  it('given a file over the limit, refuses it from its size, naming the limit', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, '');
    await truncate(file, MAX_FILE_BYTES + 1); // sparse: nothing to read, only a size
    expect(await readPolicyFile(file, MAX_FILE_BYTES)).toEqual({
      ok: false,
      reason: 'too-big',
      bytes: MAX_FILE_BYTES + 1,
      message: `is ${MAX_FILE_BYTES + 1} bytes or more, over the limit of 16 MiB for one policy file; split it into smaller files`,
    });
  });

  it('given a file that holds more than its size says (it grew), stops reading at the limit', async () => {
    // /proc files report size 0 and hold more: the bound on the read is what refuses it.
    expect(await readPolicyFile('/proc/self/status', 100)).toMatchObject({ ok: false, reason: 'too-big' });
  });

  it('given a symlink to /dev/zero, refuses it without reading', async () => {
    await symlink('/dev/zero', join(dir, 'zero.yaml'));
    expect(await readPolicyFile(join(dir, 'zero.yaml'), MAX_FILE_BYTES)).toEqual({
      ok: false,
      reason: 'not-a-file',
      message: 'is not a regular file (a device); policy files must be regular files',
    });
  });

  it('given a FIFO, refuses it without opening it (which would wait for a writer)', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(await readPolicyFile(join(dir, 'pipe.yaml'), MAX_FILE_BYTES)).toMatchObject({
      ok: false,
      reason: 'not-a-file',
      message: expect.stringContaining('(a FIFO)'),
    });
  });

  const texts: [string, Buffer, string][] = [
    ['UTF-8 with a byte order mark (dropped)', Buffer.from('\uFEFFa: 1\r\n'), 'a: 1\r\n'],
    ['UTF-16LE with a byte order mark', Buffer.from('\uFEFFa: é\n', 'utf16le'), 'a: é\n'],
    ['UTF-16BE with a byte order mark', Buffer.from('\uFEFFa: 1\n', 'utf16le').swap16(), 'a: 1\n'],
  ];
  it.each(texts)('given %s, returns the text', async (_name, bytes, text) => {
    await writeFile(join(dir, 'a.yaml'), bytes);
    expect(await readPolicyFile(join(dir, 'a.yaml'), MAX_FILE_BYTES)).toEqual({
      ok: true,
      text,
      bytes: bytes.length,
    });
  });

  it('given bytes that are not UTF-8, refuses them as kubectl does', async () => {
    await writeFile(join(dir, 'a.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(await readPolicyFile(join(dir, 'a.yaml'), MAX_FILE_BYTES)).toEqual({
      ok: false,
      reason: 'not-text',
      message: 'is not valid UTF-8 text',
    });
  });
});
