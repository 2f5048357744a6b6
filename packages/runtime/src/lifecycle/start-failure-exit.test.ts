import { describe, expect, it } from 'vitest';
import { ConfigError, ListenAddressError } from '../errors.js';
import { startFailureExit } from './start-failure-exit.js';

class PolicyFileError extends Error {}

describe('startFailureExit', () => {
  it('given bad flags or a bad listen address, answers 2', () => {
    expect(startFailureExit(new ConfigError(['flag --x: bad']))).toBe(2);
    expect(startFailureExit(new ListenAddressError('bad address'))).toBe(2);
  });

  it("given one of the service's own input errors, answers 2, also when wrapped", () => {
    expect(startFailureExit(new PolicyFileError('broken'), [PolicyFileError])).toBe(2);
    const wrapped = new Error('cannot start', {
      cause: new Error('loading', { cause: new PolicyFileError('x') }),
    });
    expect(startFailureExit(wrapped, [PolicyFileError])).toBe(2);
    expect(startFailureExit(wrapped)).toBe(1);
  });

  it('given any other failure (a port taken, a non-Error), answers 1', () => {
    const taken = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(startFailureExit(taken, [PolicyFileError])).toBe(1);
    expect(startFailureExit('text')).toBe(1);
    expect(startFailureExit(undefined)).toBe(1);
  });

  it('stops following causes after a few links', () => {
    let deep: Error = new ConfigError(['deep']);
    for (let i = 0; i < 6; i += 1) deep = new Error(`layer ${i}`, { cause: deep });
    expect(startFailureExit(deep)).toBe(1);
  });
});
