/**
 * What `corral explain` explains in a YAML file: each Pod, and each workload's pod template (the pods
 * its controller will create), as the admission webhooks review templates. Pure: documents in,
 * targets out.
 */
import { EXT_ERR, ExtenderError } from '../errors.js';

type JsonObject = Record<string, unknown>;

/** One thing to explain: a Pod, or a Pod made from a workload's pod template. */
export interface ExplainTarget {
  /** How the output names it: `pod NS/NAME`, or `pod template of Deployment NS/NAME`. */
  readonly title: string;
  /** The Pod to decide on, its namespace set (`default` when the document names none, as kubectl). */
  readonly pod: JsonObject;
}

/** The targets of a file, and the documents that hold no pod (named, so the output can say so). */
export interface ExplainTargets {
  readonly targets: readonly ExplainTarget[];
  readonly skipped: readonly string[];
}

/** Where each workload kind keeps its pod template (as the admission webhooks read it). */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The workload kinds explain reads a pod template from, for messages. */
export const TEMPLATE_KINDS = Object.keys(TEMPLATE_PATHS);

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A document's namespace: `default` when it names none (absent, null or empty), as kubectl. */
function namespaceOf(metadata: JsonObject | undefined): string {
  return textOf(metadata?.['namespace']) ?? 'default';
}

/** `Deployment NS/NAME`, or `ConfigMap NAME` for a document with no namespace. */
function describeDocument(kind: string, metadata: JsonObject | undefined): string {
  const name = textOf(metadata?.['name']) ?? '(unnamed)';
  const namespace = textOf(metadata?.['namespace']);
  return `${kind} ${namespace === undefined ? name : `${namespace}/${name}`}`;
}

/** A Pod document with its namespace set. */
function podTarget(document: JsonObject): ExplainTarget {
  const metadata = asObject(document['metadata']) ?? {};
  const namespace = namespaceOf(metadata);
  const name = textOf(metadata['name']) ?? '(unnamed)';
  return {
    title: `pod ${namespace}/${name}`,
    pod: { ...document, metadata: { ...metadata, namespace } },
  };
}

/**
 * The Pod a workload's controller would create from its template: the template's labels and spec, in
 * the workload's namespace (a template's own namespace is ignored, as Kubernetes does), named after
 * the workload. Throws for a workload with no template.
 */
function templateTarget(
  kind: string,
  document: JsonObject,
  path: readonly string[],
  origin: string,
): ExplainTarget {
  const metadata = asObject(document['metadata']);
  let template: JsonObject | undefined = document;
  for (const key of path) template = asObject(template?.[key]);
  const spec = asObject(template?.['spec']);
  const namespace = namespaceOf(metadata);
  const name = textOf(metadata?.['name']);
  const what = `${kind} ${namespace}/${name ?? '(unnamed)'}`;
  if (spec === undefined) {
    throw new ExtenderError(
      EXT_ERR.EXPLAIN_INPUT,
      `${origin}: ${what} has no ${[...path, 'spec'].join('.')}`,
    );
  }
  const templateMetadata = asObject(template?.['metadata']) ?? {};
  return {
    title: `pod template of ${what}`,
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...templateMetadata, ...(name === undefined ? {} : { name }), namespace },
      spec,
    },
  };
}

/** The documents of a file, the items of a `kind: List` (`kubectl get … -o yaml`) in their place. */
function flattenLists(documents: readonly unknown[]): JsonObject[] {
  const flat: JsonObject[] = [];
  for (const value of documents) {
    const document = asObject(value);
    if (document === undefined) continue;
    const items = document['kind'] === 'List' ? document['items'] : undefined;
    if (Array.isArray(items)) {
      for (const item of items as unknown[]) {
        const object = asObject(item);
        if (object !== undefined) flat.push(object);
      }
    } else flat.push(document);
  }
  return flat;
}

/**
 * Given the parsed documents of `origin`, returns what to explain, in file order: each Pod and each
 * workload's pod template; every other document is named in `skipped`. Throws when nothing is left.
 */
export function explainTargets(documents: readonly unknown[], origin: string): ExplainTargets {
  const targets: ExplainTarget[] = [];
  const skipped: string[] = [];
  for (const document of flattenLists(documents)) {
    const kind = textOf(document['kind']) ?? '(no kind)';
    const path = Object.hasOwn(TEMPLATE_PATHS, kind) ? TEMPLATE_PATHS[kind] : undefined;
    if (kind === 'Pod') targets.push(podTarget(document));
    else if (path !== undefined) targets.push(templateTarget(kind, document, path, origin));
    else skipped.push(describeDocument(kind, asObject(document['metadata'])));
  }
  if (targets.length === 0) {
    throw new ExtenderError(
      EXT_ERR.EXPLAIN_INPUT,
      `${origin} holds no Pod and no workload with a pod template (${TEMPLATE_KINDS.join(', ')})`,
    );
  }
  return { targets, skipped };
}
