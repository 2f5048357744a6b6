import { tmpdir } from 'node:os';
import { admissionCommand } from './run-admission.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    env: {},
    cwd: tmpdir(),
  };
  return { io, out, err };
}

describe('admissionCommand --help', () => {
  it.each(['--help', '-h'])('given %s, prints the generated flags and exits 0', async (flag) => {
    const { io, out, err } = captureIo();
    expect(await admissionCommand([flag], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^Usage: corral admission/);
    expect(text).toMatch(/--scheduler-name VALUE +env CORRAL_ADMISSION_SCHEDULER_NAME\n/);
    expect(text).toMatch(/--department-editors VALUE,\.\.\. +env CORRAL_ADMISSION_DEPARTMENT_EDITORS\n/);
    expect(text).toContain('default: default-scheduler');
    expect(err).toEqual([]);
  });

  it('given --help with flags that would serve, starts nothing and exits 0 at once', async () => {
    const { io, out, err } = captureIo();
    const args = ['--policies', 'examples', '--listen', '127.0.0.1:0', '--help'];
    // Were it started, the service would run until SIGTERM and this would never resolve.
    expect(await admissionCommand(args, io)).toBe(0);
    expect(out.join('')).toContain('--listen VALUE');
    expect(err).toEqual([]);
  });

  it('given --help with bad flags, still prints the help instead of the problems', async () => {
    const { io, out, err } = captureIo();
    expect(
      await admissionCommand(['--no-such-flag', '-h'], { ...io, env: { CORRAL_ADMISSION_X: '1' } }),
    ).toBe(0);
    expect(out.join('')).toMatch(/^Usage: corral admission/);
    expect(err).toEqual([]);
  });
});
