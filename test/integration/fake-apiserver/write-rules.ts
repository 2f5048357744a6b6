import type { KubeObject, ObjectStore } from './object-store.js';
import { RESOURCE_TYPES, type ResourcePath } from './resources.js';
import { failureStatus, type StatusObject } from './status.js';

/**
 * The parts of kube-apiserver's write checks that Corral's Lease and Event writers meet, so that the
 * fake refuses what a real server refuses:
 * - NamespaceLifecycle: no create in a namespace whose Namespace object is `Terminating` (403
 *   Forbidden). A namespace with no Namespace object is not checked (many tests write into
 *   namespaces they never create).
 * - MicroTime fields (Lease `spec.acquireTime`/`spec.renewTime`, Event `eventTime` and
 *   `series.lastObservedTime`) must be RFC 3339 with exactly six fraction digits, or the body does not
 *   decode (400 BadRequest).
 * - events.k8s.io/v1 Events: pkg/apis/core/validation/events.go (ValidateEventCreate,
 *   ValidateEventUpdate) answers 422 Invalid.
 * Each function returns the failure to answer, or undefined when the write may go on.
 */

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const NAMESPACE = RESOURCE_TYPES.find((r) => r.kind === 'Namespace');

type Json = Record<string, unknown>;
const asJson = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const bytes = (value: unknown): number => Buffer.byteLength(text(value), 'utf8');

const isEvent = (target: ResourcePath) => target.resource.apiVersion === 'events.k8s.io/v1';
const isLease = (target: ResourcePath) => target.resource.apiVersion === 'coordination.k8s.io/v1';

/** 403 for a create in a terminating namespace, as the NamespaceLifecycle admission plugin answers. */
export function namespaceRefusal(
  target: ResourcePath,
  store: ObjectStore,
  name: string,
): StatusObject | undefined {
  if (target.namespace === undefined || NAMESPACE === undefined) return undefined;
  const namespace = store.get(NAMESPACE, undefined, target.namespace);
  if (text(asJson(namespace?.['status'])['phase']) !== 'Terminating') return undefined;
  const group = target.resource.apiVersion.includes('/') ? target.resource.apiVersion.split('/')[0] : '';
  const resource = group ? `${target.resource.plural}.${group}` : target.resource.plural;
  return failureStatus(
    403,
    'Forbidden',
    `${resource} "${name}" is forbidden: unable to create new content in namespace ` +
      `${target.namespace} because it is being terminated`,
  );
}

function microTimeProblems(fields: [string, unknown][]): string[] {
  return fields
    .filter(([, value]) => value !== undefined && value !== null)
    .filter(([, value]) => typeof value !== 'string' || !MICRO_TIME.test(value))
    .map(
      ([path, value]) =>
        `${path}: cannot parse "${String(value)}" as a MicroTime (RFC 3339, six fraction digits)`,
    );
}

/** 400 when a MicroTime field does not decode. */
export function decodeRefusal(target: ResourcePath, object: KubeObject): StatusObject | undefined {
  const spec = asJson(object['spec']);
  const fields: [string, unknown][] = isLease(target)
    ? [
        ['spec.acquireTime', spec['acquireTime']],
        ['spec.renewTime', spec['renewTime']],
      ]
    : isEvent(target)
      ? [
          ['eventTime', object['eventTime']],
          ['series.lastObservedTime', asJson(object['series'])['lastObservedTime']],
        ]
      : [];
  const problems = microTimeProblems(fields);
  if (problems.length === 0) return undefined;
  return failureStatus(400, 'BadRequest', `the body of the request does not decode: ${problems.join('; ')}`);
}

function seriesProblems(event: Json): string[] {
  if (event['series'] === undefined) return [];
  const series = asJson(event['series']);
  const problems: string[] = [];
  if (typeof series['count'] !== 'number' || series['count'] < 2)
    problems.push('series.count: Invalid value: "": should be at least 2');
  if (!series['lastObservedTime']) problems.push('series.lastObservedTime: Required value');
  return problems;
}

function limited(event: Json, field: string, limit: number, required: boolean): string[] {
  if (required && bytes(event[field]) === 0) return [`${field}: Required value`];
  if (bytes(event[field]) > limit)
    return [`${field}: Invalid value: "": can have at most ${limit} characters`];
  return [];
}

function createProblems(event: Json, namespace: string | undefined): string[] {
  const name = text(asJson(event['metadata'])['name']);
  const problems: string[] = [];
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    problems.push(
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  if (!event['eventTime']) problems.push('eventTime: Required value');
  if (event['type'] !== 'Normal' && event['type'] !== 'Warning')
    problems.push(`type: Invalid value: "": has invalid value: ${text(event['type'])}`);
  const regardingNamespace = text(asJson(event['regarding'])['namespace']);
  if (regardingNamespace === '' && namespace !== 'default' && namespace !== 'kube-system')
    problems.push('regarding.namespace: Invalid value: "": does not match event.namespace');
  const controller = text(event['reportingController']);
  if (controller === '') problems.push('reportingController: Required value');
  else if (!QUALIFIED_NAME.test(controller) || controller.split('/').at(-1)!.length > 63)
    problems.push(`reportingController: Invalid value: "${controller}": must be a qualified name`);
  return [
    ...problems,
    ...limited(event, 'reportingInstance', 128, true),
    ...limited(event, 'action', 128, true),
    ...limited(event, 'reason', 128, true),
    ...limited(event, 'note', 1024, false),
    ...seriesProblems(event),
  ];
}

const IMMUTABLE = [
  'regarding',
  'related',
  'reason',
  'note',
  'type',
  'eventTime',
  'action',
  'reportingController',
  'reportingInstance',
] as const;

function updateProblems(before: Json, after: Json): string[] {
  const changed = IMMUTABLE.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  const series =
    JSON.stringify(before['series']) === JSON.stringify(after['series']) ? [] : seriesProblems(after);
  return [...changed.map((field) => `${field}: Invalid value: field is immutable`), ...series];
}

function invalid(target: ResourcePath, name: string, problems: string[]): StatusObject | undefined {
  if (problems.length === 0) return undefined;
  return failureStatus(
    422,
    'Invalid',
    `${target.resource.kind}.events.k8s.io "${name}" is invalid: [${problems.join(', ')}]`,
  );
}

/** The failure to answer for a create, or undefined. */
export function createRefusal(
  target: ResourcePath,
  store: ObjectStore,
  object: KubeObject,
): StatusObject | undefined {
  const name = object.metadata.name;
  return (
    decodeRefusal(target, object) ??
    namespaceRefusal(target, store, name) ??
    (isEvent(target) ? invalid(target, name, createProblems(object, target.namespace)) : undefined)
  );
}

/** The failure to answer for a replace or patch of `before` into `after`, or undefined. */
export function updateRefusal(
  target: ResourcePath,
  before: KubeObject,
  after: KubeObject,
): StatusObject | undefined {
  return (
    decodeRefusal(target, after) ??
    (isEvent(target) ? invalid(target, before.metadata.name, updateProblems(before, after)) : undefined)
  );
}
