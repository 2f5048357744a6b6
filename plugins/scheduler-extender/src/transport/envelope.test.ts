import {
  listFixtures,
  loadExtenderArgs,
  loadExtenderBindingArgs,
} from '../../../../test/support/fixtures.js';
import { readBindingArgs } from './bind-envelope.js';
import { readExtenderArgs } from './extender-args.js';
import { filterError, filterResult } from './filter-result.js';
import { preemptionResult, readPreemptionArgs } from './preempt-envelope.js';
import { clampScore, priorityList } from './priority-result.js';

describe('readExtenderArgs with the recorded fixtures', () => {
  const names = listFixtures('extender-').filter((name) => /^extender-(filter|prioritize)-/.test(name));

  it('has recorded bodies in both modes', () => {
    expect(names.some((n) => n.includes('-nodes-'))).toBe(true);
    expect(names.some((n) => n.includes('-nodenames-'))).toBe(true);
  });

  it.each(names)('given %s, reads its Pod and nodes in the mode it was recorded in', (name) => {
    const raw = loadExtenderArgs(name);
    const parsed = readExtenderArgs(raw);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.pod).toEqual(raw.Pod);
    const expectedNames = raw.Nodes ? raw.Nodes.items.map((n) => n.metadata.name) : raw.NodeNames;
    expect(parsed.value.nodes.mode).toBe(raw.Nodes ? 'nodes' : 'names');
    expect(parsed.value.nodes.names).toEqual(expectedNames);
  });

  it('given lower-case keys, reads them as Go does', () => {
    const raw = loadExtenderArgs('extender-filter-nodenames-1');
    const parsed = readExtenderArgs({ pod: raw.Pod, nodes: null, nodenames: raw.NodeNames });
    expect(parsed.ok && parsed.value.nodes.names).toEqual(['lab-node-1', 'lab-node-2', 'lab-gpu-node-3']);
  });

  it('given NodeNames with repeats, reads each name once at its first place', () => {
    const parsed = readExtenderArgs({ Pod: {}, NodeNames: ['b', 'a', 'b', 'c', 'a'] });
    expect(parsed.ok && parsed.value.nodes.names).toEqual(['b', 'a', 'c']);
  });

  it('given Nodes with a repeated name, keeps its first object only', () => {
    const items = [
      { metadata: { name: 'b' }, spec: { first: true } },
      { metadata: { name: 'a' } },
      { metadata: { name: 'b' }, spec: { first: false } },
    ];
    const parsed = readExtenderArgs({ Pod: {}, Nodes: { metadata: { resourceVersion: '7' }, items } });
    if (!parsed.ok || parsed.value.nodes.mode !== 'nodes') throw new Error('expected full Nodes');
    expect(parsed.value.nodes.names).toEqual(['b', 'a']);
    expect(parsed.value.nodes.list).toEqual({
      metadata: { resourceVersion: '7' },
      items: [items[0], items[1]],
    });
  });

  it('given distinct names, keeps the very list it was sent', () => {
    const names = ['a', 'b'];
    const parsed = readExtenderArgs({ Pod: {}, NodeNames: names });
    expect(parsed.ok && parsed.value.nodes.names).toBe(names);
  });

  it.each([
    ['a non-object body', [], 'must be a JSON object'],
    ['no Pod', { NodeNames: ['a'] }, 'no Pod'],
    ['a null Pod', { Pod: null, NodeNames: ['a'] }, 'no Pod'],
    ['neither Nodes nor NodeNames', { Pod: {}, Nodes: null, NodeNames: null }, 'neither Nodes nor NodeNames'],
    ['NodeNames with a number', { Pod: {}, NodeNames: ['a', 3] }, 'array of node names'],
    [
      'Nodes items without names',
      { Pod: {}, Nodes: { items: [{ metadata: {} }] } },
      'items[0] has no metadata.name',
    ],
    ['Nodes that is a string', { Pod: {}, Nodes: 'x' }, 'NodeList object'],
  ])('given %s, returns an error naming it', (_what, body, message) => {
    const parsed = readExtenderArgs(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });
});

describe('filterResult', () => {
  const refusals = new Map([
    ['lab-gpu-node-3', { reason: 'gpu-nodes: dedicated', unresolvable: true }],
    ['lab-node-2', { reason: 'spread: full', unresolvable: false }],
  ]);

  it('given a full Nodes request, returns the passing node objects and no NodeNames', () => {
    const raw = loadExtenderArgs('extender-filter-nodes-1');
    const parsed = readExtenderArgs(raw);
    if (!parsed.ok) throw new Error(parsed.error);
    const result = filterResult(parsed.value.nodes, refusals);
    expect(result.Nodes?.items).toEqual([raw.Nodes?.items[0]]);
    expect(result.NodeNames).toBeNull();
    expect(result.FailedNodes).toEqual({ 'lab-node-2': 'spread: full' });
    expect(result.FailedAndUnresolvableNodes).toEqual({ 'lab-gpu-node-3': 'gpu-nodes: dedicated' });
    expect(result.Error).toBe('');
  });

  it('given a names-only request, returns NodeNames and no Nodes', () => {
    const parsed = readExtenderArgs(loadExtenderArgs('extender-filter-nodenames-1'));
    if (!parsed.ok) throw new Error(parsed.error);
    const result = filterResult(parsed.value.nodes, refusals);
    expect(result.NodeNames).toEqual(['lab-node-1']);
    expect(result.Nodes).toBeNull();
  });

  it('given refusals for nodes outside the input, never adds them to the passing list', () => {
    const result = filterResult(
      { mode: 'names', names: ['a'] },
      new Map([['b', { reason: 'x', unresolvable: false }]]),
    );
    expect(result.NodeNames).toEqual(['a']);
  });

  it.each([
    ['plain names and reasons', 'n-1', 'gpu-nodes: dedicated'],
    ['a name JSON must escape', 'we"ird\\name\n', 'spread: "quoted"\tand\u2028'],
    ['a name like a prototype key', '__proto__', 'x'],
  ])('given %s, writes JSON equal to the answer it reads as', (_what, name, reason) => {
    const answer = filterResult(
      { mode: 'names', names: ['ok', name, 'other'] },
      new Map([
        [name, { reason, unresolvable: false }],
        ['other', { reason, unresolvable: true }],
      ]),
    );
    const written = JSON.parse(answer.json()) as Record<string, unknown>;
    expect(written).toEqual(JSON.parse(JSON.stringify(answer)));
    expect(Object.keys(written['FailedNodes'] as object)).toEqual([name]);
    expect(written['NodeNames']).toEqual(['ok']);
  });

  it('given no refusals, writes empty maps', () => {
    const written = JSON.parse(filterResult({ mode: 'names', names: ['a'] }, new Map()).json());
    expect(written).toEqual({
      Nodes: null,
      NodeNames: ['a'],
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: '',
    });
  });

  it('given an error, answers it with no nodes', () => {
    expect(filterError('not synced')).toEqual({
      Nodes: null,
      NodeNames: null,
      FailedNodes: {},
      FailedAndUnresolvableNodes: {},
      Error: 'not synced',
    });
  });
});

describe('priorityList', () => {
  it.each([
    [3.4, 3],
    [11, 10],
    [-1, 0],
    [Number.NaN, 0],
    [10, 10],
  ])('given a score of %s, answers %s', (score, expected) => {
    expect(clampScore(score)).toBe(expected);
  });

  it('given scores for some nodes, answers every input node in order', () => {
    expect(priorityList(['a', 'b'], new Map([['b', 7]]))).toEqual([
      { Host: 'a', Score: 0 },
      { Host: 'b', Score: 7 },
    ]);
  });
});

describe('preemption envelope', () => {
  it('given MetaVictims, reads their UIDs', () => {
    const parsed = readPreemptionArgs({
      Pod: { metadata: { name: 'p' } },
      NodeNameToMetaVictims: { n1: { Pods: [{ UID: 'u1' }, { UID: 'u2' }], NumPDBViolations: 1 } },
    });
    expect(parsed.ok && [...parsed.value.victims]).toEqual([
      ['n1', { uids: ['u1', 'u2'], numPdbViolations: 1 }],
    ]);
  });

  it('given full Victims, reads metadata.uid of each pod', () => {
    const parsed = readPreemptionArgs({
      Pod: {},
      NodeNameToVictims: { n1: { Pods: [{ metadata: { uid: 'u9' } }], NumPDBViolations: 0 } },
      NodeNameToMetaVictims: null,
    });
    expect(parsed.ok && parsed.value.victims.get('n1')?.uids).toEqual(['u9']);
  });

  it('given victims without a UID (absent, null, a null victim), reads UID "" as Go does', () => {
    const parsed = readPreemptionArgs({
      Pod: {},
      NodeNameToMetaVictims: { n: { Pods: [{}, { UID: null }, null], NumPDBViolations: null } },
    });
    expect(parsed.ok && parsed.value.victims.get('n')).toEqual({ uids: ['', '', ''], numPdbViolations: 0 });
  });

  it.each([
    ['no Pod', { NodeNameToMetaVictims: {} }, 'no Pod'],
    [
      'a victim UID that is a number',
      { Pod: {}, NodeNameToMetaVictims: { n: { Pods: [{ UID: 7 }] } } },
      'string UID',
    ],
    ['victims that are a list', { Pod: {}, NodeNameToMetaVictims: [] }, 'NodeNameToMetaVictims must be'],
    ['NumPDBViolations 0.5', { Pod: {}, NodeNameToMetaVictims: { n: { NumPDBViolations: 0.5 } } }, 'integer'],
  ])('given %s, returns an error', (_what, body, message) => {
    const parsed = readPreemptionArgs(body);
    expect(!parsed.ok && parsed.error).toContain(message);
  });

  it('given kept victims, answers MetaVictims with UIDs', () => {
    expect(preemptionResult(new Map([['n1', { uids: ['u1'], numPdbViolations: 2 }]]))).toEqual({
      NodeNameToMetaVictims: { n1: { Pods: [{ UID: 'u1' }], NumPDBViolations: 2 } },
    });
  });
});

describe('readBindingArgs', () => {
  it('given the recorded bind body, reads every field', () => {
    const parsed = readBindingArgs(loadExtenderBindingArgs('extender-bind-1'));
    expect(parsed.ok && parsed.value).toEqual({
      podName: 'lab-pod-extbind',
      podNamespace: 'lab-demo',
      podUid: '4adb182b-e1ed-47f9-bb97-36dc141dcc6c',
      node: 'lab-gpu-node-3',
    });
  });

  it('given a body without Node, names the missing field', () => {
    const parsed = readBindingArgs({ PodName: 'a', PodNamespace: 'b' });
    expect(!parsed.ok && parsed.error).toBe('ExtenderBindingArgs lacks Node');
  });
});
