import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocuments } from '@corral/cluster';
import { describe, expect, it } from 'vitest';
import { manifestsOfText, objectsOf, readManifests } from './read-manifests.js';
import { aliasBombRows } from '../../../../test/support/yaml-bomb.js';

const BOMB = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}', 'data:', aliasBombRows(2)].join(
  '\n',
);

describe('objectsOf', () => {
  it.each([
    [{ kind: 'Pod' }, 'has no apiVersion (a string)'],
    [{ apiVersion: 'v1' }, 'has no kind (a string)'],
    [{ apiVersion: 'v1', kind: 7 }, 'has no kind (a string)'],
    [{ metadata: {} }, 'has no apiVersion and no kind (a string)'],
  ])('given %j, says what it lacks', (value, problem) => {
    expect(objectsOf(value)).toEqual({ objects: [], problems: [`${problem}: not a Kubernetes object`] });
  });

  it('given a List with an item without kind, names the item', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'v1' }],
    };
    const found = objectsOf(list);
    expect(found.objects).toHaveLength(1);
    expect(found.problems).toEqual(['items[1] has no kind (a string): not a Kubernetes object']);
  });
});

describe('manifestsOfText', () => {
  it('given an alias bomb, reports a problem for that document instead of throwing', () => {
    const found = manifestsOfText('bomb.yaml', BOMB);
    expect(found.objects).toEqual([]);
    expect(found.problems).toEqual([
      expect.stringMatching(/^bomb\.yaml \(document 1\): cannot read the YAML: Excessive alias count/),
    ]);
  });

  it('given a merge key, merges the mapping as kubectl does', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a, namespace: b}\ndata:\n  <<: *m\n  extra: c\n';
    const found = manifestsOfText('m.yaml', text);
    expect(found.problems).toEqual([]);
    expect(found.objects[0]?.object['data']).toEqual({ name: 'a', namespace: 'b', extra: 'c' });
  });

  it('given YAML 1.1 scalars, reads them as the policy loader and kubectl do (replicas: 010 is 8)', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, labels: {app: "no"}}\nspec:\n  replicas: 010\n  paused: off\n';
    const found = manifestsOfText('d.yaml', text);
    expect(found.problems).toEqual([]);
    const loader = parseDocuments('d.yaml', text).documents[0]?.value;
    expect(found.objects[0]?.object).toEqual(loader);
    expect(found.objects[0]?.object['spec']).toEqual({ replicas: 8, paused: false });
  });

  it('given an unquoted label `no`, refuses the object with the quoting fix, as the policy loader does', () => {
    const found = manifestsOfText(
      'p.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {gpu: no}\n',
    );
    expect(found.objects).toEqual([]);
    expect(found.problems).toEqual([
      expect.stringMatching(
        /^p\.yaml \(document 1\): Pod a: \/metadata\/labels\/gpu: must be text, not false: .*; quote the value$/,
      ),
    ]);
  });

  it('given a key twice or a key before a merge that sets it, refuses it naming the document and the line', () => {
    const text = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}',
      'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: b}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: c}\ndata:\n  name: d\n  <<: *m',
    ].join('\n---\n');
    const found = manifestsOfText('k.yaml', text);
    expect(found.objects).toHaveLength(1);
    expect(found.problems).toEqual([
      'k.yaml (document 2): line 7: key "kind" appears twice in one mapping (kubectl refuses duplicate keys); keep one',
      expect.stringMatching(/^k\.yaml \(document 3\): line 14: key "name" comes before a merge key "<<"/),
    ]);
  });

  it('given a second document without kind, names the file and the document', () => {
    const found = manifestsOfText(
      'm.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nfoo: bar\n',
    );
    expect(found.objects).toHaveLength(1);
    expect(found.problems).toEqual([
      'm.yaml (document 2): has no apiVersion and no kind (a string): not a Kubernetes object',
    ]);
  });
});

describe('readManifests', () => {
  it('given a path that does not exist, reports it', async () => {
    const found = await readManifests(['/nonexistent/corral.yaml']);
    expect(found.problems).toEqual([
      expect.stringMatching(/^\/nonexistent\/corral\.yaml: cannot read \(ENOENT/),
    ]);
  });

  it('given a file, reads its objects with their source', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'corral-read-')), 'a.yaml');
    writeFileSync(path, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
    const found = await readManifests([path]);
    expect(found).toEqual({
      objects: [
        {
          source: `${path} (document 1)`,
          object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
        },
      ],
      problems: [],
    });
  });
});
