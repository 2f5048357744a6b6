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

/** A document's objects and problems, and notes on what it skipped on purpose. */
export interface ClassifiedDocument {
  readonly objects: SourcedObject[];
  readonly problems: PolicyProblem[];
  readonly notes: string[];
}

/**
 * Splits a document into objects of the six kinds, expanding `kind: List` and the typed lists of
 * those kinds (`DepartmentList`, `PodList`, ... as the API serves them); anything else is a
 * problem, except kustomize's own files (kustomize.config.k8s.io), skipped with a note.
 */
export function classifyDocument(document: SourceDocument): ClassifiedDocument {
  const source = documentSource(document.file, document.number);
  const record = asRecord(document.value);
  const kind = stringAt(record, 'kind');
  const apiVersion = stringAt(record, 'apiVersion');
  if (apiVersion?.startsWith(KUSTOMIZE_GROUP))
    return {
      objects: [],
      problems: [],
      notes: [`${source}: ${kind ?? 'a kustomize file'} skipped (not policy)`],
    };
  const listOf = kind === 'List' ? null : listItemKind(kind);
  if (listOf === undefined) return { ...classifyObject(document.value, source), notes: [] };
  if (listOf !== null && apiVersion !== EXPECTED_API_VERSION[listOf]) {
    const message = `expected apiVersion ${EXPECTED_API_VERSION[listOf]} for ${kind ?? ''}, not ${apiVersion ?? '(none)'}`;
    return { objects: [], problems: [problemOf(source, document.value, '/apiVersion', message)], notes: [] };
  }
  const items = record?.['items'];
  if (!Array.isArray(items))
    return {
      objects: [],
      problems: [problemOf(source, document.value, '/items', `a ${kind ?? 'List'} needs an items array`)],
      notes: [],
    };
  const objects: SourcedObject[] = [];
  const problems: PolicyProblem[] = [];
  items.forEach((item: unknown, index) => {
    const typed = listOf === null ? item : withListType(item, listOf, apiVersion ?? '');
    const result = classifyObject(typed, `${source}, item ${index}`);
    objects.push(...result.objects);
    problems.push(...result.problems);
  });
  return { objects, problems, notes: [] };
}

const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io/';

/** The kind a typed list holds (`DepartmentList`: Department), or undefined when not such a list. */
function listItemKind(kind: string | undefined): WatchedKind | undefined {
  const item = kind?.endsWith('List') ? kind.slice(0, -'List'.length) : undefined;
  return isWatchedKind(item) ? item : undefined;
}

/**
 * The API server leaves out each item's apiVersion and kind in a typed list: as kubectl does
 * (apimachinery's unstructured list decoding), an item with neither gets the list's.
 */
function withListType(item: unknown, kind: WatchedKind, apiVersion: string): unknown {
  const record = asRecord(item);
  if (!record || stringAt(record, 'kind') || stringAt(record, 'apiVersion')) return item;
  return { apiVersion, kind, ...record };
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
