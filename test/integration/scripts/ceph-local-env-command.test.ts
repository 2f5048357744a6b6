// scripts/ceph-local.sh's "use it with: eval ..." hint, without a Ceph cluster: the script, sourced,
// defines its functions and starts nothing; env_command prints the hint `start` logs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What env_command prints, the script invoked as `scripts/ceph-local.sh` with `settings` set. */
function envCommand(settings: Record<string, string>): string {
  const env = { ...process.env, ...settings };
  for (const name of ['CORRAL_CEPH_DIR', 'CORRAL_CEPH_MON_PORT']) if (!(name in settings)) delete env[name];
  return execFileSync(
    'bash',
    ['-c', 'source scripts/ceph-local.sh && env_command', 'scripts/ceph-local.sh'],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
}

describe('scripts/ceph-local.sh env_command', () => {
  it.each([
    [{}, 'eval "$(scripts/ceph-local.sh env)"'],
    [
      { CORRAL_CEPH_DIR: '/tmp/x', CORRAL_CEPH_MON_PORT: '13490' },
      'eval "$(CORRAL_CEPH_DIR=/tmp/x CORRAL_CEPH_MON_PORT=13490 scripts/ceph-local.sh env)"',
    ],
    [{ CORRAL_CEPH_MON_PORT: '13490' }, 'eval "$(CORRAL_CEPH_MON_PORT=13490 scripts/ceph-local.sh env)"'],
    [
      { CORRAL_CEPH_DIR: '/tmp/corral-ceph/', CORRAL_CEPH_MON_PORT: '13300' },
      'eval "$(scripts/ceph-local.sh env)"',
    ],
    [
      { CORRAL_CEPH_DIR: "/tmp/a b'c" },
      `eval "$(CORRAL_CEPH_DIR='/tmp/a b'\\''c' scripts/ceph-local.sh env)"`,
    ],
  ])('given %j, names only the settings that differ from the defaults', (settings, expected) => {
    expect(envCommand(settings)).toBe(expected);
  });

  it('given a relative state dir, names it absolute (the hint is for a fresh shell anywhere)', () => {
    expect(envCommand({ CORRAL_CEPH_DIR: 'tmp-ceph' })).toBe(
      `eval "$(CORRAL_CEPH_DIR=${ROOT}tmp-ceph scripts/ceph-local.sh env)"`,
    );
  });

  it('given the printed command, a fresh shell reads the settings it names', () => {
    const hint = envCommand({ CORRAL_CEPH_DIR: "/tmp/a b'c", CORRAL_CEPH_MON_PORT: '13490' });
    // The hint's inner command, with the script replaced by one that prints what it was given.
    const inner = /^eval "\$\((.*) scripts\/ceph-local\.sh env\)"$/.exec(hint)?.[1] ?? '';
    const seen = execFileSync(
      'bash',
      ['-c', `${inner} bash -c 'echo "$CORRAL_CEPH_DIR|$CORRAL_CEPH_MON_PORT"'`],
      {
        encoding: 'utf8',
      },
    );
    expect(seen).toBe("/tmp/a b'c|13490\n");
  });
});
