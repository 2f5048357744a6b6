import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalPath } from './node-paths.js';

let dir: string;

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'corral-node-paths-')));
  await mkdir(join(dir, 'real', 'sub'), { recursive: true });
  await symlink(join(dir, 'real'), join(dir, 'link'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('canonicalPath', () => {
  it.each([
    ['a trailing slash', 'real/target/', 'real/target'],
    ['a double slash', 'real//target', 'real/target'],
    ['a dot-dot', 'real/sub/../target', 'real/target'],
    ['a symlinked parent', 'link/target', 'real/target'],
    ['a missing parent', 'nope/deeper/target/', 'nope/deeper/target'],
    ['a symlink as the last component (kept)', 'link', 'link'],
  ])('given %s, returns one spelling', async (_label, given, expected) => {
    expect(await canonicalPath(`${dir}/${given}`)).toBe(join(dir, expected));
  });

  it('given /, returns /', async () => {
    expect(await canonicalPath('/')).toBe('/');
  });
});
