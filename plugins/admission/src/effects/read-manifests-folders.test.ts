import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from './read-manifests.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: web-prod}\n';

const names = (found: Awaited<ReturnType<typeof readManifests>>) =>
  found.objects.map((item) => item.source.slice(item.source.lastIndexOf('/') + 1));

describe('readManifests of a folder', () => {
  it('given a repository with a .github folder of workflows, skips names starting with a dot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-read-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(dir, '.github', 'workflows', 'ci.yml'), 'name: ci\non: push\n');
    writeFileSync(join(dir, '.hidden.yaml'), 'not: a manifest\n');
    writeFileSync(join(dir, 'pod.yaml'), POD);
    const found = await readManifests([dir]);
    expect(found.problems).toEqual([]);
    expect(names(found)).toEqual(['pod.yaml (document 1)']);
  });

  it('given a symlink back to the folder, reads each file once and ends', async () => {
    // Before, self/self/... was followed until ELOOP; a link to `..` as well ran out of memory.
    const dir = mkdtempSync(join(tmpdir(), 'corral-read-'));
    writeFileSync(join(dir, 'pod.yaml'), POD);
    symlinkSync('.', join(dir, 'self'));
    const found = await readManifests([dir]);
    expect(found.problems).toEqual([]);
    expect(names(found)).toEqual(['pod.yaml (document 1)']);
  });

  it('given upper-case extensions, reads them as the policy files are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-read-'));
    writeFileSync(join(dir, 'POD.YAML'), POD);
    writeFileSync(join(dir, 'notes.txt'), 'not read');
    expect(names(await readManifests([dir]))).toEqual(['POD.YAML (document 1)']);
  });

  it('given a broken symlink named like a manifest, names that file instead of the whole folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-read-'));
    writeFileSync(join(dir, 'a.yaml'), POD);
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'b.yaml'));
    const found = await readManifests([dir]);
    expect(names(found)).toEqual(['a.yaml (document 1)']);
    expect(found.problems).toEqual([expect.stringMatching(/b\.yaml: cannot read \(ENOENT/)]);
  });
});
