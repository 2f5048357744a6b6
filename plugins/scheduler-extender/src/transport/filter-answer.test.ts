import type { NodesIn } from './extender-args.js';
import { filterResult, type Refusal } from './filter-result.js';
import { hostPriorities, priorityList } from './priority-result.js';

const refused = (reason: string, unresolvable = true): Refusal => ({ reason, unresolvable });

describe('FilterAnswer.bytes', () => {
  const odd = ['we"ird\\name\n', 'nöde-ü', '__proto__', '\u2028', '\ud800', 'ノード😀', 'tab\t'];
  const names = ['ok-1', ...odd, 'ok-2', 'node-0001', 'ip-10-0-1-2.eu-west-1.compute.internal'];
  const reasons = [
    refused('department-isolation: node runs pods of department d3'),
    refused('spread: "quoted"\tand\u2028, \\ backslash', false),
    refused('gpu-nodes: für 😀 \u0000 \u001f'),
  ];
  const refusals = new Map(
    names.filter((name) => name !== 'ok-1' && name !== 'ok-2').map((name, i) => [name, reasons[i % 3]!]),
  );

  it.each([
    ['names only', { mode: 'names', names } as NodesIn],
    [
      'Node objects',
      {
        mode: 'nodes',
        names,
        list: {
          metadata: { resourceVersion: '7' },
          items: names.map((name) => ({ metadata: { name, labels: { zoné: 'ä"\\' } } })),
        },
      } as NodesIn,
    ],
  ])(
    'given %s with odd names and reasons, writes the UTF-8 of JSON.stringify of the answer',
    (_what, nodes) => {
      const answer = filterResult(nodes, refusals);
      const expected = JSON.stringify(answer.toJSON());
      expect(answer.bytes().equals(Buffer.from(expected))).toBe(true);
      expect(answer.json()).toBe(expected);
      expect(Object.keys(JSON.parse(expected).FailedNodes as object)).toEqual(
        names.filter((name) => refusals.get(name)?.unresolvable === false),
      );
    },
  );

  it('given every node passing or every node refused, writes empty maps as {}', () => {
    const passing = filterResult({ mode: 'names', names: ['a', 'b'] }, new Map());
    expect(passing.json()).toBe(
      '{"Nodes":null,"NodeNames":["a","b"],"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}',
    );
    const none = filterResult({ mode: 'names', names: ['a'] }, new Map([['a', refused('x', false)]]));
    expect(none.json()).toBe(
      '{"Nodes":null,"NodeNames":[],"FailedNodes":{"a":"x"},"FailedAndUnresolvableNodes":{},"Error":""}',
    );
  });
});

describe('hostPriorities', () => {
  it('given scores in input order, answers as priorityList does with them by name', () => {
    const scores = [
      { node: 'a', score: 3.4 },
      { node: 'b', score: 11 },
      { node: 'c', score: -2 },
      { node: 'd', score: Number.NaN },
      { node: 'e', score: 9.5 },
    ];
    const byName = new Map(scores.map(({ node, score }) => [node, score]));
    expect(hostPriorities(scores)).toEqual(priorityList(['a', 'b', 'c', 'd', 'e'], byName));
    expect(hostPriorities(scores)).toEqual([
      { Host: 'a', Score: 3 },
      { Host: 'b', Score: 10 },
      { Host: 'c', Score: 0 },
      { Host: 'd', Score: 0 },
      { Host: 'e', Score: 10 },
    ]);
  });
});
