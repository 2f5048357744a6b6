import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

/** `corral <service> --help` as a user reads it. */
async function helpOf(service: string): Promise<string> {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, cwd: '/' };
  expect(await runCli([service, '--help'], io)).toBe(0);
  return out.join('');
}

/**
 * The settings of a help text (a flag, or an env variable without a flag) whose first line under
 * the heading is only facts (`default: …`, `required`, `file key: …`), with no sentence saying what
 * the setting does.
 */
function undescribed(help: string): string[] {
  const lines = help.split('\n');
  return lines.flatMap((line, index) => {
    const heading = /^ {2}(-[-\w]|CORRAL_)/.test(line);
    const next = lines[index + 1] ?? '';
    const described = next.startsWith('      ') && !/^ {6}(default: |required|file key: )/.test(next);
    return heading && !described ? [line.trim().split(/\s+/)[0] ?? line] : [];
  });
}

describe('corral <service> --help', () => {
  it('given headings with and without a sentence, finds the ones without', () => {
    const help = '  --a VALUE   env A\n      Does a.\n  --b N   env B\n      default: 1\n  CORRAL_C=N\n';
    expect(undescribed(help)).toEqual(['--b', 'CORRAL_C=N']);
  });

  it.each(['extender', 'admission', 'csi'])(
    'given %s, says what every flag and setting does (docs/development.md promises a description)',
    async (service) => {
      expect(undescribed(await helpOf(service))).toEqual([]);
    },
  );
});

describe('corral help', () => {
  it('given the exit codes, names 1 for a service that failed too, not only for a finding', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, cwd: '/' };
    expect(await runCli(['help'], io)).toBe(0);
    expect(out.join('')).toMatch(
      /Exit codes: 0 ok, 1 a finding \(a denial\) or a service that failed \(could not start/,
    );
  });
});
