import { ConfigError } from '@corral/runtime';
import { admissionHelp, loadAdmissionConfig } from './config.js';

describe('loadAdmissionConfig: --max-connections', () => {
  it('given nothing, takes 1024 connections at most', () => {
    expect(loadAdmissionConfig(['--policies', 'examples'], {}).maxConnections).toBe(1024);
  });

  it('given the flag or the variable, reads it', () => {
    expect(
      loadAdmissionConfig(['--policies', 'examples', '--max-connections', '64'], {}).maxConnections,
    ).toBe(64);
    const env = { CORRAL_ADMISSION_MAX_CONNECTIONS: '4096' };
    expect(loadAdmissionConfig(['--policies', 'examples'], env).maxConnections).toBe(4096);
  });

  it.each([['0'], ['-1'], ['1.5'], ['many']])('given %s, refuses it naming the flag', (value) => {
    const load = () => loadAdmissionConfig(['--policies', 'examples', `--max-connections=${value}`], {});
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/flag --max-connections: expected/);
  });

  it.each([['0'], ['-1']])(
    'given %s (no connection at all, or Node\'s "no limit" for 0), says at least 1',
    (value) => {
      const load = () => loadAdmissionConfig(['--policies', 'examples', `--max-connections=${value}`], {});
      expect(load).toThrow(
        `flag --max-connections: expected integer to be greater or equal to 1 (got ${value})`,
      );
    },
  );

  it('given --help, documents it', () => {
    expect(admissionHelp()).toContain('--max-connections');
  });
});
