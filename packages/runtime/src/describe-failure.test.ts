import { ConfigError } from './errors.js';
import { describeFailure, describeStartFailure } from './describe-failure.js';

describe('describeFailure', () => {
  it('given an error with causes, joins their messages', () => {
    const error = new Error('cannot load x', { cause: new Error("EACCES: permission denied, open 'x'") });
    expect(describeFailure(error)).toBe("cannot load x: EACCES: permission denied, open 'x'");
  });

  it('given a message on several lines and oneLine, writes one line', () => {
    expect(describeFailure(new Error('a\n  b'), { oneLine: true })).toBe('a b');
    expect(describeFailure(new Error('a\n  b'))).toBe('a\n  b');
  });

  it('given something thrown that is not an Error, writes it as text', () => {
    expect(describeFailure('boom')).toBe('boom');
  });

  it('given a secret in a message, redacts it as the logs do (stderr reaches the same collectors)', () => {
    const error = new Error('cannot connect', {
      cause: new Error('auth failed for key = AQBzhH5fAAAAABAAk6P4gsV6IJfDKmHGqW5Gfg=='),
    });
    expect(describeFailure(error)).toBe('cannot connect: auth failed for key = [REDACTED]');
  });

  it('given a Corral error, puts its code first', () => {
    expect(describeStartFailure(new ConfigError(['bad']))).toMatch(/^RUNTIME_ERR_CONFIG: /);
  });

  it('given a Corral error naming a flag or a key file, keeps its words (its text holds no secret)', () => {
    const error = new ConfigError([
      '--tls-bootstrap-secret needs --tls-cert and --tls-key: the files it writes the pair to',
    ]);
    expect(describeStartFailure(error)).toContain('--tls-key: the files it writes the pair to');
  });
});
