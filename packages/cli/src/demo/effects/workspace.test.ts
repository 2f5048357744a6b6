import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkspace, mountsUnder } from './workspace.js';

describe('createWorkspace', () => {
  it('given a policies folder, copies it into cluster/, makes the other folders, and removes it all', async () => {
    const policies = await mkdtemp(join(tmpdir(), 'corral-demo-policies-'));
    await writeFile(join(policies, 'a.yaml'), 'kind: Namespace\n');
    const workspace = await createWorkspace(policies);
    expect(await readdir(workspace.cluster)).toEqual(['a.yaml']);
    expect((await stat(workspace.tls)).mode & 0o777).toBe(0o700);
    expect(await workspace.remove()).toBeUndefined();
    await expect(stat(workspace.root)).rejects.toThrow();
    await rm(policies, { recursive: true });
  });

  it('given a single policy file, copies that file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corral-demo-policies-'));
    await writeFile(join(dir, 'one.yaml'), 'kind: Namespace\n');
    const workspace = await createWorkspace(join(dir, 'one.yaml'));
    expect(await readdir(workspace.cluster)).toEqual(['one.yaml']);
    await workspace.remove();
    await rm(dir, { recursive: true });
  });
});

describe('mountsUnder', () => {
  it('given / , finds mounts; given a fresh temp folder, finds none', async () => {
    expect(await mountsUnder('/')).toContain('/');
    const dir = await mkdtemp(join(tmpdir(), 'corral-demo-'));
    expect(await mountsUnder(dir)).toEqual([]);
    await rm(dir, { recursive: true });
  });
});
