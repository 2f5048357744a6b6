import { describe, expect, it } from 'vitest';
import { CsiCallError } from '../transport/csi-client.js';
import { formatBytes, StepLog } from './storage-steps.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [268435456n, '256 MiB'],
    ['492437504', '469.6 MiB'],
    [644245094400, '600 GiB'],
  ])('given %s, returns %s', (value, text) => expect(formatBytes(value)).toBe(text));
});

describe('StepLog', () => {
  it('given steps that succeed, fail, are refused as expected or not, records each outcome', async () => {
    const log = new StepLog();
    expect(await log.run('ok', 'A', async () => 'fine')).toBe(true);
    expect(await log.run('bad', 'B', () => Promise.reject(new CsiCallError('B', 'INTERNAL', 'boom')))).toBe(
      false,
    );
    const refusal = () => Promise.reject(new CsiCallError('C', 'RESOURCE_EXHAUSTED', 'quota'));
    expect(await log.refused('quota', 'C', 'RESOURCE_EXHAUSTED', refusal)).toBe(true);
    expect(await log.refused('wrong code', 'C', 'NOT_FOUND', refusal)).toBe(false);
    expect(await log.refused('accepted', 'C', 'NOT_FOUND', async () => ({}))).toBe(false);
    log.skip('node', 'D', 'needs root');
    expect(log.steps.map((s) => [s.step, s.outcome, s.result])).toEqual([
      ['ok', 'ok', 'fine'],
      ['bad', 'failed', 'INTERNAL: boom'],
      ['quota', 'refused as expected', 'RESOURCE_EXHAUSTED: quota'],
      ['wrong code', 'failed', 'RESOURCE_EXHAUSTED: quota'],
      ['accepted', 'failed', 'accepted, expected NOT_FOUND'],
      ['node', 'skipped', 'needs root'],
    ]);
    expect(log.failures()).toHaveLength(3);
  });
});
