import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CliIo } from './io.js';

function memoryIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: process.cwd() };
}

describe('corral command line', () => {
  it('given no command, prints the usage and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(0);
    expect(io.out.join('')).toMatch(/Usage: corral <command>/);
  });

  it('given an unknown command, names it, prints the usage and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command "frobnicate"/);
  });

  it.each([
    ['extender', '#4'],
    ['admission', '#5'],
    ['csi', '#6'],
  ])(
    'given %s before its issue lands, refuses to start with exit 2 and names the issue',
    async (cmd, issue) => {
      const io = memoryIo();
      expect(await runCli([cmd, '--policies', 'examples'], io)).toBe(2);
      expect(io.err.join('')).toContain(`not built yet (issue ${issue})`);
    },
  );

  it('given an unknown flag to a service, reports the flag instead of ignoring it', async () => {
    const io = memoryIo();
    expect(await runCli(['extender', '--polices', 'x'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--polices/);
  });
});
