/**
 * A small, typed kustomize renderer for the subset Corral's deploy/ uses, so the manifest tests need
 * no kustomize binary: `resources` (files and directories, recursively, YAML multi-doc), `namespace`,
 * `labels` (metadata only), `configMapGenerator` (files and literals; create/replace/merge; `options`
 * labels and annotations) with `generatorOptions.disableNameSuffixHash: true`, and `patches` (`path`
 * or inline `patch`) given as JSON 6902 operations with a `target`, or as one strategic-merge document
 * with `$patch: delete` that removes whole objects (those of its `target`, or without one the single
 * object with its apiVersion, kind, name and, when given, namespace). Anything else is refused with the file and the field named,
 * so a kustomization this loader cannot read fails loudly instead of rendering something different
 * from kubectl. YAML is read as 1.1, like the apiserver (`0400` is octal).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  patches?: { path?: string; patch?: string; target?: PatchTarget }[];
  configMapGenerator?: {
    name: string;
    namespace?: string;
    behavior?: 'create' | 'replace' | 'merge';
    files?: string[];
    literals?: string[];
    options?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'patches',
  'configMapGenerator',
  'generatorOptions',
]);

/**
 * Kinds kustomize knows to be cluster-scoped (the `namespace:` field skips them). Like kustomize, CRD
 * kinds such as VolumeSnapshotClass get the namespace anyway; kubectl drops it for cluster-scoped kinds.
 */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

export class KustomizeError extends Error {}

/** Parses every YAML document of a text (YAML 1.1), skipping empty ones; `source` names it in errors. */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length > 0) throw new KustomizeError(`${source}: ${doc.errors[0]?.message ?? 'bad YAML'}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The object, checked to look like a Kubernetes object; `source` names it in errors. */
export function asKubeObject(value: unknown, source: string): KubeObject {
  const obj = value as Partial<KubeObject> | null;
  const ok =
    typeof obj === 'object' &&
    obj !== null &&
    typeof obj.apiVersion === 'string' &&
    typeof obj.kind === 'string' &&
    typeof obj.metadata?.name === 'string';
  if (!ok)
    throw new KustomizeError(`${source}: not a Kubernetes object (needs apiVersion, kind, metadata.name)`);
  return obj as KubeObject;
}

/** `group/version/kind/namespace/name`, unique per object in a rendered set. */
export function objectKey(obj: KubeObject): string {
  return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const [doc, ...rest] = parseYamlDocuments(readFileSync(file, 'utf8'), file);
  if (typeof doc !== 'object' || doc === null || rest.length > 0) {
    throw new KustomizeError(`${file}: expected exactly one mapping`);
  }
  const unknown = Object.keys(doc).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new KustomizeError(`${file}: unsupported field(s) ${unknown.join(', ')}`);
  return doc as Kustomization;
}

function loadResource(dir: string, entry: string): KubeObject[] {
  const path = resolve(dir, entry);
  if (!existsSync(path)) throw new KustomizeError(`${dir}: resource ${entry} does not exist`);
  if (statSync(path).isDirectory()) return renderKustomization(path);
  return parseYamlDocuments(readFileSync(path, 'utf8'), path).map((doc, i) =>
    asKubeObject(doc, `${path}#${i}`),
  );
}

type Generator = NonNullable<Kustomization['configMapGenerator']>[number];

const GENERATOR_FIELDS = new Set(['name', 'namespace', 'behavior', 'files', 'literals', 'options']);
const GENERATOR_OPTIONS = new Set(['labels', 'annotations']);

/** Refuses generator fields this loader does not render (envs, kvSources, options it ignores...). */
function checkGenerator(dir: string, gen: Generator): void {
  const unknown = [
    ...Object.keys(gen).filter((key) => !GENERATOR_FIELDS.has(key)),
    ...Object.keys(gen.options ?? {})
      .filter((key) => !GENERATOR_OPTIONS.has(key))
      .map((key) => `options.${key}`),
  ];
  if (unknown.length > 0) {
    throw new KustomizeError(
      `${dir}: configMapGenerator ${gen.name}: unsupported field(s) ${unknown.join(', ')}`,
    );
  }
}

/** The generator's `options` labels and annotations, merged into the object's metadata. */
function applyGeneratorOptions(gen: Generator, obj: KubeObject): void {
  const { labels, annotations } = gen.options ?? {};
  if (labels) obj.metadata.labels = { ...obj.metadata.labels, ...labels };
  if (annotations) obj.metadata.annotations = { ...obj.metadata.annotations, ...annotations };
}

function generatorData(dir: string, gen: Generator): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of gen.files ?? []) data[basename(file)] = readFileSync(resolve(dir, file), 'utf8');
  for (const literal of gen.literals ?? []) {
    const at = literal.indexOf('=');
    if (at < 1) throw new KustomizeError(`${dir}: literal "${literal}" is not KEY=VALUE`);
    data[literal.slice(0, at)] = literal.slice(at + 1);
  }
  return data;
}

function generateConfigMaps(dir: string, k: Kustomization, objects: KubeObject[]): void {
  for (const gen of k.configMapGenerator ?? []) {
    checkGenerator(dir, gen);
    if (k.generatorOptions?.disableNameSuffixHash !== true) {
      throw new KustomizeError(
        `${dir}: configMapGenerator ${gen.name} needs disableNameSuffixHash: true here`,
      );
    }
    const data = generatorData(dir, gen);
    const namespace = gen.namespace ?? k.namespace;
    const behavior = gen.behavior ?? 'create';
    const existing = objects.find(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.metadata.name === gen.name &&
        (!namespace || o.metadata.namespace === namespace),
    );
    if (behavior === 'create') {
      if (existing)
        throw new KustomizeError(`${dir}: ConfigMap ${gen.name} already exists (use behavior: replace)`);
      const metadata = { name: gen.name, ...(namespace ? { namespace } : {}) };
      const created: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
      applyGeneratorOptions(gen, created);
      objects.push(created);
    } else if (!existing) {
      throw new KustomizeError(`${dir}: ConfigMap ${gen.name} to ${behavior} does not exist`);
    } else {
      existing['data'] = behavior === 'merge' ? { ...(existing['data'] as object), ...data } : data;
      applyGeneratorOptions(gen, existing);
    }
  }
}

/** Does the target select this object? Every given field must match (group '' is the core group). */
export function targetMatches(target: PatchTarget, obj: KubeObject): boolean {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === obj.kind) &&
    (target.name === undefined || target.name === obj.metadata.name) &&
    (target.namespace === undefined || target.namespace === obj.metadata.namespace)
  );
}

type Patch = NonNullable<Kustomization['patches']>[number];

/** Is this patch document a strategic-merge patch deleting its object (`$patch: delete`)? */
function isDeletePatch(doc: unknown): doc is Record<string, unknown> {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    '$patch' in doc &&
    doc.$patch === 'delete'
  );
}

/** Does a `$patch: delete` document without a target name this object (namespace: any when absent)? */
function namedBy(patch: KubeObject, obj: KubeObject): boolean {
  return (
    patch.apiVersion === obj.apiVersion &&
    patch.kind === obj.kind &&
    patch.metadata.name === obj.metadata.name &&
    (patch.metadata.namespace === undefined || patch.metadata.namespace === obj.metadata.namespace)
  );
}

/** Removes the objects a `$patch: delete` document selects: its target's, or exactly the one it names. */
function deleteObjects(source: string, doc: unknown, target: PatchTarget | undefined, objects: KubeObject[]) {
  if (target) {
    const kept = objects.filter((obj) => !targetMatches(target, obj));
    if (kept.length === objects.length)
      throw new KustomizeError(`${source}: target ${JSON.stringify(target)} matches no object`);
    return kept;
  }
  const patch = asKubeObject(doc, source);
  const named = objects.filter((obj) => namedBy(patch, obj));
  if (named.length !== 1) {
    throw new KustomizeError(
      `${source}: $patch: delete of ${objectKey(patch)} matches ${named.length} objects (needs exactly one)`,
    );
  }
  return objects.filter((obj) => obj !== named[0]);
}

function applyJsonPatch(source: string, ops: Operation[], target: PatchTarget, objects: KubeObject[]) {
  let matched = 0;
  const out = objects.map((obj) => {
    if (!targetMatches(target, obj)) return obj;
    matched += 1;
    try {
      return fastJsonPatch.applyPatch(obj, ops, true, false).newDocument;
    } catch (error) {
      throw new KustomizeError(`${source} on ${objectKey(obj)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
  if (matched === 0)
    throw new KustomizeError(`${source}: target ${JSON.stringify(target)} matches no object`);
  return out;
}

function applyPatch(dir: string, patch: Patch, objects: KubeObject[]): KubeObject[] {
  const source = patch.path ? resolve(dir, patch.path) : `${dir} (inline patch)`;
  const text = patch.path ? readFileSync(source, 'utf8') : (patch.patch ?? '');
  const docs = parseYamlDocuments(text, source);
  const [doc] = docs;
  // Like kustomize, one strategic-merge document per patch entry (it refuses or crashes on more).
  if (isDeletePatch(doc) && docs.length === 1) return deleteObjects(source, doc, patch.target, objects);
  if (Array.isArray(doc) && patch.target)
    return applyJsonPatch(source, doc as Operation[], patch.target, objects);
  throw new KustomizeError(
    `${source}: only JSON 6902 patches (a list of operations) with a target, and strategic-merge ` +
      'patches of one document with $patch: delete, are supported',
  );
}

function applyPatches(dir: string, k: Kustomization, objects: KubeObject[]): KubeObject[] {
  let out = objects;
  for (const patch of k.patches ?? []) out = applyPatch(dir, patch, out);
  return out;
}

function setNamespace(k: Kustomization, objects: KubeObject[]): void {
  if (!k.namespace) return;
  for (const obj of objects) if (!CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = k.namespace;
}

function addLabels(dir: string, k: Kustomization, objects: KubeObject[]): void {
  for (const label of k.labels ?? []) {
    if (label.includeSelectors || label.includeTemplates) {
      throw new KustomizeError(`${dir}: labels with includeSelectors/includeTemplates are not supported`);
    }
    for (const obj of objects) obj.metadata.labels = { ...obj.metadata.labels, ...label.pairs };
  }
}

/** Renders the kustomization in `dir` (resources, generators, namespace, labels, patches). */
export function renderKustomization(dir: string): KubeObject[] {
  const k = readKustomization(dir);
  const objects = (k.resources ?? []).flatMap((entry) => loadResource(dir, entry));
  generateConfigMaps(dir, k, objects);
  setNamespace(k, objects);
  addLabels(dir, k, objects);
  const rendered = applyPatches(dir, k, objects);
  const seen = new Set<string>();
  for (const obj of rendered) {
    const key = objectKey(obj);
    if (seen.has(key)) throw new KustomizeError(`${dir}: ${key} appears twice`);
    seen.add(key);
  }
  return rendered;
}
