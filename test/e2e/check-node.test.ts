import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/check-node.sh', import.meta.url));

/** Runs the preflight with a `node` on PATH that reports `version` (or none at all). */
function check(version: string | undefined): { code: number; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'corral-node-'));
  if (version !== undefined) {
    writeFileSync(join(dir, 'node'), `#!/bin/sh\necho ${version}\n`);
    chmodSync(join(dir, 'node'), 0o755);
  }
  try {
    // Only the scratch folder on PATH: the script needs nothing but bash builtins and `node`.
    execFileSync('/bin/bash', [SCRIPT], { env: { PATH: dir }, stdio: 'pipe' });
    return { code: 0, err: '' };
  } catch (error) {
    const failed = error as { status: number; stderr: Buffer };
    return { code: failed.status, err: failed.stderr.toString() };
  }
}

describe('scripts/check-node.sh (the Makefile runs it before npm ci)', () => {
  it.each(['20.19.0', '20.20.2', '22.1.0'])('given Node %s, passes', (version) => {
    expect(check(version).code).toBe(0);
  });

  it('given no node on PATH, fails saying so', () => {
    const { code, err } = check(undefined);
    expect(code).toBe(1);
    expect(err).toContain('none found on PATH');
  });

  it.each(['18.19.0', '20.18.1', '16.20.2'])('given Node %s, fails saying what is needed', (version) => {
    const { code, err } = check(version);
    expect(code).toBe(1);
    expect(err).toContain(`needs Node.js >= 20.19; this machine has ${version}`);
  });
});
