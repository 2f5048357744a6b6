import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifests } from './effects/manifests.js';
import { runWalkthrough } from './walkthrough.js';

// The walkthrough on the examples with its services running for real (no Ceph needed for these).
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const examples = `${repo}examples`;

describe('runWalkthrough', () => {
  it('given Ctrl-C during the last section, reports the interruption instead of a clean run', async () => {
    const aborter = new AbortController();
    let printed = '';
    const report = await runWalkthrough({
      policies: examples,
      manifests: await readManifests(`${repo}demo`),
      ceph: { skip: '--no-ceph was given' },
      env: {},
      print: (text) => {
        printed += text;
        // The storage section is the last: no section checks for an abort after it.
        if (text.includes('Storage:')) aborter.abort(new Error('interrupted: shutting everything down'));
      },
      signal: aborter.signal,
    });
    expect(report.failures).toEqual(['interrupted: shutting everything down']);
    expect(printed).toContain('1 failure(s):\n    interrupted: shutting everything down');
    expect(printed).not.toContain('shut down cleanly');
    await expect(stat(report.workspace)).rejects.toThrow(/ENOENT/);
  });

  it('given a storage part that fails to start, says it failed, not that earlier sections did not complete', async () => {
    const report = await runWalkthrough({
      policies: examples,
      manifests: await readManifests(`${repo}demo`),
      ceph: {
        mon: '127.0.0.1:9',
        pool: 'rbd',
        userID: 'csi',
        userKey: 'a2V5',
        keyring: '/nonexistent/keyring',
      },
      env: {},
      print: () => undefined,
    });
    expect(report.scheduling.length).toBeGreaterThan(0);
    expect(report.storage.skipped).toBe('the storage part stopped on a failure (listed below)');
    expect(report.failures).toEqual([expect.stringContaining('/nonexistent/keyring')]);
    await expect(stat(report.workspace)).rejects.toThrow(/ENOENT/);
  });
});
