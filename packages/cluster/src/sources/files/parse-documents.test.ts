import { describe, expect, it } from 'vitest';
import { aliasBombRows } from '../../../../../test/support/yaml-bomb.js';
import { parseDocuments } from './parse-documents.js';

describe('parseDocuments', () => {
  it('given an alias bomb, returns a problem naming the document instead of throwing', () => {
    const text = aliasBombRows();
    const parsed = parseDocuments('p.yaml', `kind: Namespace\n---\n${text}\n`);
    expect(parsed.documents.map((d) => d.number)).toEqual([1]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        source: 'p.yaml (document 2)',
        message: expect.stringMatching(/^cannot read the YAML: Excessive alias count/),
      }),
    ]);
  });

  it('given a merge key, merges the mapping as kubectl does', () => {
    const parsed = parseDocuments('p.yaml', 'base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.documents[0]?.value).toEqual({ base: { x: 1, y: 2 }, thing: { x: 1, y: 3 } });
  });

  it('given a few aliases, reads them', () => {
    const parsed = parseDocuments('p.yaml', 'a: &a {x: 1}\nb: *a\n');
    expect(parsed.documents[0]?.value).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});
