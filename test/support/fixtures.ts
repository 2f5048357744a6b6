import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Minimal wire types for the recorded fixtures in test/fixtures/recorded/: AdmissionReview
 * admission.k8s.io/v1 and kube-scheduler's extender v1 arguments. They describe what a real control
 * plane sends (see that folder's README.md), no more; Kubernetes objects stay open-ended.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Any Kubernetes object. The extender's Pod and Node items carry no apiVersion/kind. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type ResourceList = Record<string, string>;

export interface Container {
  name: string;
  image?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  [field: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Pod extends KubeObject {
  spec: {
    containers: Container[];
    initContainers?: Container[];
    nodeName?: string;
    tolerations?: Toleration[];
    [field: string]: unknown;
  };
  status?: { phase?: string; [field: string]: unknown };
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Node extends KubeObject {
  spec?: { taints?: Taint[]; unschedulable?: boolean; [field: string]: unknown };
  status?: { capacity?: ResourceList; allocatable?: ResourceList; [field: string]: unknown };
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest<T extends KubeObject = KubeObject> {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  /** Absent when the client set only metadata.generateName (e.g. the replicaset-controller's pods). */
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo: UserInfo;
  /** null on DELETE. */
  object: T | null;
  /** Set on UPDATE and DELETE, null on CREATE. */
  oldObject: T | null;
  dryRun?: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions (meta.k8s.io/v1). */
  options?: { kind?: string; apiVersion?: string; [field: string]: unknown } | null;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
  status?: { code?: number; message?: string; reason?: string };
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReview<T extends KubeObject = KubeObject> {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest<T>;
  response?: AdmissionResponse;
}

/** What the recorded files hold: a review with its request. */
export type RecordedAdmissionReview<T extends KubeObject = KubeObject> = AdmissionReview<T> & {
  request: AdmissionRequest<T>;
};

export interface NodeList {
  metadata?: { resourceVersion?: string; [field: string]: unknown };
  items: Node[];
}

/**
 * kube-scheduler's ExtenderArgs. Its Go type has no json tags, so keys are Go field names. Exactly one
 * of Nodes (nodeCacheCapable: false) and NodeNames (true) is set; the other is null.
 */
export interface ExtenderArgs {
  Pod: Pod;
  Nodes?: NodeList | null;
  NodeNames?: string[] | null;
}

/** kube-scheduler's ExtenderBindingArgs, sent to the bind verb. */
export interface ExtenderBindingArgs {
  PodName: string;
  PodNamespace: string;
  PodUID: string;
  Node: string;
}

/** Reads the fixture folder; injectable so tests can count reads. */
export interface FixtureIo {
  listDir(dir: string): string[];
  readFile(path: string): string;
}

export interface FixtureStore {
  loadAdmissionReview<T extends KubeObject = KubeObject>(name: string): RecordedAdmissionReview<T>;
  loadExtenderArgs(name: string): ExtenderArgs;
  loadExtenderBindingArgs(name: string): ExtenderBindingArgs;
  /** Names (without `.json`), sorted, that start with prefix. */
  listFixtures(prefix?: string): string[];
}

export const RECORDED_DIR = fileURLToPath(new URL('../fixtures/recorded/', import.meta.url));

const nodeIo: FixtureIo = {
  listDir: (dir) => readdirSync(dir),
  readFile: (path) => readFileSync(path, 'utf8'),
};

interface Family<T> {
  what: string;
  /** Which fixture names hold this kind of body (by file-name convention). */
  pattern: RegExp;
  accepts(value: unknown): value is T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const admissionReviews: Family<RecordedAdmissionReview> = {
  what: 'an AdmissionReview admission.k8s.io/v1 with a request',
  pattern: /^admission-/,
  accepts: (value): value is RecordedAdmissionReview =>
    isRecord(value) &&
    value['apiVersion'] === 'admission.k8s.io/v1' &&
    value['kind'] === 'AdmissionReview' &&
    isRecord(value['request']) &&
    typeof value['request']['uid'] === 'string',
};

const extenderArgs: Family<ExtenderArgs> = {
  what: 'kube-scheduler ExtenderArgs (Pod, Nodes | NodeNames)',
  pattern: /^extender-(filter|prioritize)-/,
  accepts: (value): value is ExtenderArgs =>
    isRecord(value) &&
    isRecord(value['Pod']) &&
    (isRecord(value['Nodes']) || Array.isArray(value['NodeNames'])),
};

const extenderBindingArgs: Family<ExtenderBindingArgs> = {
  what: 'kube-scheduler ExtenderBindingArgs (PodName, PodNamespace, PodUID, Node)',
  pattern: /^extender-bind-/,
  accepts: (value): value is ExtenderBindingArgs =>
    isRecord(value) &&
    ['PodName', 'PodNamespace', 'PodUID', 'Node'].every((key) => typeof value[key] === 'string'),
};

/**
 * A loader over one folder of recorded JSON bodies. Each file is read and parsed at most once; every
 * load returns a fresh structuredClone, so a test that mutates its copy never affects another test.
 */
export function createFixtureStore(dir: string = RECORDED_DIR, io: FixtureIo = nodeIo): FixtureStore {
  let names: string[] | undefined;
  const parsed = new Map<string, unknown>();

  const allNames = (): string[] => {
    names ??= io
      .listDir(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
    return names;
  };

  const listFixtures = (prefix = ''): string[] => allNames().filter((name) => name.startsWith(prefix));

  const namesOf = (family: Family<unknown>): string[] =>
    allNames().filter((name) => family.pattern.test(name));

  const readParsed = (name: string): unknown => {
    if (!parsed.has(name)) {
      const path = join(dir, `${name}.json`);
      try {
        parsed.set(name, JSON.parse(io.readFile(path)));
      } catch (cause) {
        throw new Error(`Fixture "${name}" (${path}) is not valid JSON`, { cause });
      }
    }
    return parsed.get(name);
  };

  const load = <T>(family: Family<T>, requested: string): T => {
    const name = requested.endsWith('.json') ? requested.slice(0, -'.json'.length) : requested;
    if (!allNames().includes(name)) {
      const candidates = namesOf(family);
      throw new Error(
        `Unknown fixture "${requested}" in ${dir}. Expected ${family.what}; available (${candidates.length}): ` +
          candidates.join(', '),
      );
    }
    const value = readParsed(name);
    if (!family.accepts(value)) {
      throw new Error(`Fixture "${name}" is not ${family.what}; pick one of: ${namesOf(family).join(', ')}`);
    }
    return structuredClone(value);
  };

  return {
    loadAdmissionReview: <T extends KubeObject = KubeObject>(name: string) =>
      load(admissionReviews, name) as RecordedAdmissionReview<T>,
    loadExtenderArgs: (name) => load(extenderArgs, name),
    loadExtenderBindingArgs: (name) => load(extenderBindingArgs, name),
    listFixtures,
  };
}

const recorded = createFixtureStore();

/** A recorded AdmissionReview, e.g. `loadAdmissionReview<Pod>('admission-mutating-pods-create-2')`. */
export const loadAdmissionReview = recorded.loadAdmissionReview;
/** Recorded ExtenderArgs for filter or prioritize, e.g. `loadExtenderArgs('extender-filter-nodenames-1')`. */
export const loadExtenderArgs = recorded.loadExtenderArgs;
/** Recorded ExtenderBindingArgs, e.g. `loadExtenderBindingArgs('extender-bind-1')`. */
export const loadExtenderBindingArgs = recorded.loadExtenderBindingArgs;
/** Recorded fixture names starting with prefix, e.g. `listFixtures('admission-mutating-pods-')`. */
export const listFixtures = recorded.listFixtures;
