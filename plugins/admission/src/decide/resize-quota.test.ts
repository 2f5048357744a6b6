import {
  EMPTY_USAGE,
  rawDepartment,
  rawNamespace,
  rawNamespacePolicy,
  rawPod,
  SnapshotStore,
  type Usage,
} from '@corral/cluster';
import { parseQuantity } from '@corral/policy';
import { NOTHING_RESERVED } from './quota.js';
import type { ReservedUsage } from './quota-decisions.js';
import { resizeGrows, resizeQuota } from './resize-quota.js';
import type { AdmissionRequest } from './request.js';

const usage = (entries: Record<string, string>): Usage =>
  new Map(Object.entries(entries).map(([key, value]) => [key, parseQuantity(value).nanos]));

/**
 * Namespace `team` of department `eng`: the namespace may request 8 cpu, the department 100. The
 * snapshot shows pod web-0 (uid u-1) at 1 cpu and 1Gi.
 */
function snapshot(): SnapshotStore {
  const store = new SnapshotStore();
  store.replaceAll('Namespace', [rawNamespace('team', { 'corral.dev/department': 'eng' })], 't');
  store.replaceAll('Department', [rawDepartment('eng', { quota: { hard: { 'requests.cpu': '100' } } })], 't');
  const hard = { 'requests.cpu': '8' };
  store.replaceAll('NamespacePolicy', [rawNamespacePolicy('team', 'p', { quota: { hard } })], 't');
  store.replaceAll(
    'Pod',
    [rawPod('team', 'web-0', { uid: 'u-1', requests: { cpu: '1', memory: '1Gi' } })],
    't',
  );
  return store;
}

const pod = (cpu: string, memory = '1Gi', uid = 'u-1') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'team', uid },
  spec: { containers: [{ name: 'app', image: 'x:1', resources: { requests: { cpu, memory } } }] },
});

const resize = (from: string, to: string, options: { memory?: [string, string]; uid?: string } = {}) =>
  ({
    uid: 'review',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    subResource: 'resize',
    namespace: 'team',
    name: 'web-0',
    operation: 'UPDATE',
    object: pod(to, options.memory?.[1], options.uid),
    oldObject: pod(from, options.memory?.[0], options.uid),
  }) satisfies AdmissionRequest;

const none: ReservedUsage = () => NOTHING_RESERVED;
const KEY = 'resize/Pod/team/web-0/u-1';
const outcomes = (result: ReturnType<typeof resizeQuota>) =>
  result.decisions.map((d) => `${d.rule}:${d.outcome}`);

describe('resizeQuota', () => {
  const view = snapshot();

  it('given a pod growing 1 → 5 cpu, checks and holds the 4 cpu more under its resize key, target 5', () => {
    const result = resizeQuota(resize('1', '5'), 'team', view, none);
    expect(outcomes(result)).toEqual(['namespace-quota:pass', 'department-quota:pass']);
    expect(result.demand).toEqual({
      key: KEY,
      scopes: ['namespace/team', 'department/eng'],
      usage: usage({ 'requests.cpu': '4' }),
      target: usage({ 'requests.cpu': '5' }),
    });
  });

  it('given a growth past the room (1 + 8 > 8), fails and names what it asks', () => {
    const result = resizeQuota(resize('1', '9'), 'team', view, none);
    expect(outcomes(result)).toEqual(['namespace-quota:fail', 'department-quota:pass']);
    expect(result.decisions[0]?.message).toContain('requests.cpu would reach 9 of 8 (this object asks 8)');
  });

  it('given a decrease, or no change, passes and reserves nothing', () => {
    for (const request of [resize('5', '2'), resize('1', '1')]) {
      const result = resizeQuota(request, 'team', view, none);
      expect(outcomes(result)).toEqual(['quota:skip']);
      expect(result.demand).toBeUndefined();
    }
  });

  it('given cpu up and memory down, checks and holds cpu alone', () => {
    const result = resizeQuota(resize('1', '3', { memory: ['1Gi', '512Mi'] }), 'team', view, none);
    expect(result.demand?.usage).toEqual(usage({ 'requests.cpu': '2' }));
    expect(result.demand?.target).toEqual(usage({ 'requests.cpu': '3' }));
  });

  it('given an earlier resize the snapshot does not show yet (old object 3 cpu, snapshot 1), holds the growth over the snapshot in its place', () => {
    // Its own earlier reservation (2 cpu) is left out of the count: this one takes its place.
    const reserved: ReservedUsage = (scope, exclude) => {
      expect(exclude).toBe(KEY);
      const own = scope === 'namespace/team' ? usage({ 'requests.cpu': '2' }) : EMPTY_USAGE;
      return { held: own, less: own };
    };
    const result = resizeQuota(resize('3', '8'), 'team', view, reserved);
    // 1 counted + 7 more = 8: exactly the namespace quota.
    expect(outcomes(result)).toEqual(['namespace-quota:pass', 'department-quota:pass']);
    expect(result.demand?.usage).toEqual(usage({ 'requests.cpu': '7' }));
    expect(outcomes(resizeQuota(resize('3', '9'), 'team', view, reserved))[0]).toBe('namespace-quota:fail');
  });

  it('given a pod the snapshot does not hold (created just now, or another uid), holds its whole new size', () => {
    const result = resizeQuota(resize('1', '2', { uid: 'u-new' }), 'team', view, none);
    expect(result.demand?.key).toBe('resize/Pod/team/web-0/u-new');
    expect(result.demand?.usage).toEqual(
      usage({ pods: '1', 'count/pods': '1', 'requests.cpu': '2', 'requests.memory': '1Gi' }),
    );
    // Only the keys it grows on are checked, with the whole new size (the safe side).
    expect(outcomes(result)).toEqual(['namespace-quota:pass', 'department-quota:pass']);
  });

  it('given a namespace without quota, checks and holds nothing', () => {
    const request = { ...resize('1', '50'), namespace: 'free' };
    expect(resizeQuota(request, 'free', view, none)).toEqual({ decisions: [] });
  });
});

describe('resizeGrows', () => {
  const view = snapshot();
  it.each([
    ['a pod growing 1 → 2 cpu', resize('1', '2'), true],
    ['a pod growing in memory only', resize('1', '1', { memory: ['1Gi', '2Gi'] }), true],
    ['a pod kept at its size', resize('1', '1'), false],
    ['a pod resized down', resize('2', '1'), false],
    ['a pod whose new size cannot be read', resize('1', 'lots'), true],
  ])('given %s, answers %s', (_what, request, grows) => {
    expect(resizeGrows(request, 'team', view)).toBe(grows);
  });
});
