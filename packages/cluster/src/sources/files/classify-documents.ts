import { API_VERSION, type PolicyProblem } from '@corral/policy';
import { WATCHED_KINDS, type WatchedKind } from '../../sink.js';
import { asRecord, recordAt, stringAt } from '../../views/raw.js';
import { documentSource, type SourceDocument } from './parse-documents.js';

/** An object found in the files, with where it came from. */
export interface SourcedObject {
  readonly kind: WatchedKind;
  readonly item: unknown;
  readonly source: string;
}

const EXPECTED_API_VERSION: Readonly<Record<WatchedKind, string>> = {
  Node: 'v1',
  Namespace: 'v1',
  Pod: 'v1',
  PersistentVolumeClaim: 'v1',
  Department: API_VERSION,
  NamespacePolicy: API_VERSION,
};

/** Splits a document into objects of the six kinds (expanding `kind: List`); anything else is a problem. */
export function classifyDocument(document: SourceDocument): {
  objects: SourcedObject[];
  problems: PolicyProblem[];
} {
  const source = documentSource(document.file, document.number);
  const record = asRecord(document.value);
  if (stringAt(record, 'kind') !== 'List') return classifyObject(document.value, source);
  const items = record?.['items'];
  if (!Array.isArray(items))
    return {
      objects: [],
      problems: [problemOf(source, document.value, '/items', 'a List needs an items array')],
    };
  const objects: SourcedObject[] = [];
  const problems: PolicyProblem[] = [];
  items.forEach((item: unknown, index) => {
    const result = classifyObject(item, `${source}, item ${index}`);
    objects.push(...result.objects);
    problems.push(...result.problems);
  });
  return { objects, problems };
}

function classifyObject(
  item: unknown,
  source: string,
): { objects: SourcedObject[]; problems: PolicyProblem[] } {
  const record = asRecord(item);
  const kind = stringAt(record, 'kind');
  if (!isWatchedKind(kind)) {
    const message = `expected one of ${WATCHED_KINDS.join(', ')}${kind === undefined ? '' : `, not ${kind}`}`;
    return { objects: [], problems: [problemOf(source, item, '/kind', message)] };
  }
  const apiVersion = stringAt(record, 'apiVersion');
  if (apiVersion !== EXPECTED_API_VERSION[kind]) {
    const message = `expected apiVersion ${EXPECTED_API_VERSION[kind]} for ${kind}, not ${apiVersion ?? '(none)'}`;
    return { objects: [], problems: [problemOf(source, item, '/apiVersion', message)] };
  }
  return { objects: [{ kind, item, source }], problems: [] };
}

function isWatchedKind(kind: string | undefined): kind is WatchedKind {
  return (WATCHED_KINDS as readonly (string | undefined)[]).includes(kind);
}

function problemOf(source: string, item: unknown, field: string, message: string): PolicyProblem {
  const metadata = recordAt(asRecord(item), 'metadata');
  const namespace = stringAt(metadata, 'namespace');
  return {
    source,
    kind: stringAt(asRecord(item), 'kind') ?? '(no kind)',
    name: stringAt(metadata, 'name') ?? '(unnamed)',
    ...(namespace === undefined ? {} : { namespace }),
    field,
    message,
  };
}
