import { describe, expect, it } from 'vitest';
import { diffLine, formatChecked } from './check-format.js';

const before = {
  metadata: { name: 'm', labels: { 'corral.dev/department': 'finance', 'a~b': 'x' } },
  spec: { tolerations: [{ key: 'foo', operator: 'Exists' }] },
};

describe('diffLine', () => {
  it('keeps a key with a slash as one JSON Pointer segment (~1), so it does not read as two levels', () => {
    expect(diffLine({ op: 'add', path: '/metadata/labels/corral.dev~1department', value: 'web' })).toBe(
      '+ /metadata/labels/corral.dev~1department = "web"',
    );
    expect(diffLine({ op: 'add', path: '/metadata/labels/a~0b', value: 'y' })).toBe(
      '+ /metadata/labels/a~0b = "y"',
    );
  });

  it('given the object before the patch, shows what a replace or remove takes away', () => {
    const replace = { op: 'replace', path: '/metadata/labels/corral.dev~1department', value: 'web' } as const;
    expect(diffLine(replace, before)).toBe(
      '~ /metadata/labels/corral.dev~1department = "web" (was "finance")',
    );
    expect(diffLine({ op: 'remove', path: '/spec/tolerations/0' }, before)).toBe(
      '- /spec/tolerations/0 (was {"key":"foo","operator":"Exists"})',
    );
    expect(diffLine({ op: 'remove', path: '/metadata/labels/a~0b' }, before)).toBe(
      '- /metadata/labels/a~0b (was "x")',
    );
  });

  it('without the object before, or where it held nothing, shows the operation alone', () => {
    expect(diffLine({ op: 'replace', path: '/spec/x', value: 1 })).toBe('~ /spec/x = 1');
    expect(diffLine({ op: 'remove', path: '/spec/nothing/here' }, before)).toBe('- /spec/nothing/here');
  });
});

describe('formatChecked', () => {
  it("shows a patch's lines against the object before it", () => {
    const text = formatChecked({
      source: 'm.yaml (document 1)',
      title: 'Pod web-prod/m',
      allowed: true,
      before,
      patch: [{ op: 'replace', path: '/metadata/labels/corral.dev~1department', value: 'web' }],
      decisions: [],
    });
    expect(text).toBe(
      'ALLOWED Pod web-prod/m  (m.yaml (document 1))\n' +
        '    ~ /metadata/labels/corral.dev~1department = "web" (was "finance")\n',
    );
  });
});
