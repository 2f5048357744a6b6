/**
 * The retirement annotations at their limits: values as large as an annotation may be (256 KiB)
 * give a bounded warning, and what can be read is still read.
 */
import { parseRetiredCas, parseRetireRequest } from './ca-retirement.js';

const FINGERPRINT = Array(32).fill('AB').join(':');

describe('retirement annotations at their limits', () => {
  it('given a corral.dev/retired-cas of thousands of unreadable entries, names a few and counts the rest', () => {
    const entries: Record<string, string> = { [FINGERPRINT]: '2026-01-01T00:00:00Z' };
    for (let i = 0; i < 5000; i += 1) entries[`not-a-fingerprint-${i}-${'x'.repeat(30)}`] = 'soon';
    const value = JSON.stringify(entries);
    expect(value.length).toBeGreaterThan(200_000);
    const { retired, problem } = parseRetiredCas(value);
    expect(retired).toEqual([{ fingerprint256: FINGERPRINT, retiredAt: Date.parse('2026-01-01T00:00:00Z') }]);
    expect(problem).toMatch(/^corral\.dev\/retired-cas has 5000 unreadable entries: not-a-fingerprint-0-/);
    expect(problem).toMatch(/and 4997 more$/);
    expect(problem?.length).toBeLessThan(600);
  });

  it('given a 256 KiB corral.dev/retire-ca, answers quickly with a bounded problem', () => {
    const value = `sha256:${' '.repeat(262_000)}x`;
    const started = performance.now();
    const parsed = parseRetireRequest(value);
    expect(performance.now() - started).toBeLessThan(200);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem.length).toBeLessThan(400);
  });
});
