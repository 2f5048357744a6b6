import {
  ConfigError,
  CorralError,
  ListenAddressError,
  RUNTIME_ERR,
  ShutdownStepError,
  ShutdownTimeoutError,
  TlsClientCaError,
  TlsKeyPairError,
  isCorralError,
} from './errors.js';

class PolicyError extends CorralError<'POLICY_ERR_PARSE'> {
  constructor(cause: unknown) {
    super('POLICY_ERR_PARSE', 'cannot parse policy', { cause, details: { file: 'a.yaml' } });
  }
}

describe('error catalogue', () => {
  const cases: [string, CorralError, string][] = [
    ['a ConfigError', new ConfigError(['a']), RUNTIME_ERR.CONFIG],
    ['a ListenAddressError', new ListenAddressError('bad'), RUNTIME_ERR.LISTEN_ADDRESS],
    ['a TlsKeyPairError', new TlsKeyPairError('bad'), RUNTIME_ERR.TLS_KEY_PAIR],
    ['a TlsClientCaError', new TlsClientCaError('bad'), RUNTIME_ERR.TLS_CLIENT_CA],
    ['a ShutdownTimeoutError', new ShutdownTimeoutError(10, 'http'), RUNTIME_ERR.SHUTDOWN_TIMEOUT],
    ['a ShutdownStepError', new ShutdownStepError('http', new Error('x')), RUNTIME_ERR.SHUTDOWN_STEP],
  ];
  it.each(cases)('given %s, returns its stable code and class name', (_name, err, code) => {
    expect(err.code).toBe(code);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(err.constructor.name);
    expect(isCorralError(err, code)).toBe(true);
  });

  it('given a subclass in another package, keeps code, cause and details', () => {
    const cause = new Error('yaml broke');
    const err = new PolicyError(cause);
    expect(err).toMatchObject({
      code: 'POLICY_ERR_PARSE',
      name: 'PolicyError',
      cause,
      details: { file: 'a.yaml' },
    });
    expect(isCorralError(err)).toBe(true);
    expect(isCorralError(err, RUNTIME_ERR.CONFIG)).toBe(false);
  });

  it('given a plain Error, is not a Corral error', () => {
    expect(isCorralError(new Error('x'))).toBe(false);
  });

  it('given several config problems, lists every one in the message and in problems', () => {
    const err = new ConfigError(['flag --listen: bad', 'env CORRAL_X: no such setting']);
    expect(err.message).toBe(
      'invalid configuration (2 problems):\n  - flag --listen: bad\n  - env CORRAL_X: no such setting',
    );
    expect(err.problems).toEqual(['flag --listen: bad', 'env CORRAL_X: no such setting']);
    expect(Object.isFrozen(err.problems)).toBe(true);
  });

  it('given no cause, leaves cause undefined', () => {
    expect(new TlsKeyPairError('x').cause).toBeUndefined();
  });
});
