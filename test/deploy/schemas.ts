/**
 * Validates one rendered object: Kubernetes kinds (CRDs included) against the OpenAPI schemas shipped
 * in `kubernetes-models` v5; the kinds of add-ons that package does not carry (cert-manager's Issuer
 * and Certificate, the external-snapshotter's VolumeSnapshotClass) structurally, by the fields their
 * controllers require. A kind known to neither is a problem, never a silent pass.
 */
import type { KubeObject } from './kustomize.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** Problems with the object (empty when it is valid). */
export async function validateObject(obj: KubeObject): Promise<string[]> {
  const structural = STRUCTURAL[`${obj.apiVersion}/${obj.kind}`];
  if (structural) return structural(obj);
  const model = await modelFor(obj);
  if (!model) return [`no schema known for ${obj.apiVersion} ${obj.kind}`];
  try {
    new model(obj).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

async function modelFor(obj: KubeObject): Promise<ModelClass | undefined> {
  const path = obj.apiVersion.includes('/') ? obj.apiVersion : `v1`;
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(path) || !/^[A-Z][A-Za-z]+$/.test(obj.kind)) return undefined;
  try {
    const mod = (await import(/* @vite-ignore */ `kubernetes-models/${path}/${obj.kind}`)) as Record<
      string,
      unknown
    >;
    return mod[obj.kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

type Check = (obj: KubeObject) => string[];

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function field(obj: KubeObject, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], obj);
}

function requireStrings(obj: KubeObject, paths: readonly string[]): string[] {
  return paths
    .filter((p) => !isString(field(obj, p)))
    .map((p) => `${obj.kind} ${obj.metadata.name}: ${p} is required`);
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

function checkCertificate(obj: KubeObject): string[] {
  const problems = requireStrings(obj, ['metadata.namespace', 'spec.secretName', 'spec.issuerRef.name']);
  const dnsNames = field(obj, 'spec.dnsNames');
  const listsNames = Array.isArray(dnsNames) && dnsNames.length > 0 && dnsNames.every(isString);
  // cert-manager's own rule (a subject it can issue for); Corral's: a CA has a commonName, a serving
  // certificate lists the Service's DNS names.
  if (dnsNames !== undefined ? !listsNames : !isString(field(obj, 'spec.commonName'))) {
    problems.push(`Certificate ${obj.metadata.name}: spec.dnsNames (or a CA's commonName) must be set`);
  }
  const isCA = field(obj, 'spec.isCA');
  if (isCA !== undefined && typeof isCA !== 'boolean') {
    problems.push(`Certificate ${obj.metadata.name}: spec.isCA must be a boolean`);
  }
  for (const key of ['spec.duration', 'spec.renewBefore']) {
    const value = field(obj, key);
    if (value !== undefined && !(isString(value) && DURATION.test(value))) {
      problems.push(`Certificate ${obj.metadata.name}: ${key} is not a Go duration`);
    }
  }
  const kind = field(obj, 'spec.issuerRef.kind');
  if (kind !== undefined && kind !== 'Issuer' && kind !== 'ClusterIssuer') {
    problems.push(`Certificate ${obj.metadata.name}: spec.issuerRef.kind must be Issuer or ClusterIssuer`);
  }
  return problems;
}

function checkIssuer(obj: KubeObject): string[] {
  const spec = field(obj, 'spec');
  const types = ['selfSigned', 'ca', 'acme', 'vault', 'venafi'];
  const set = typeof spec === 'object' && spec !== null ? types.filter((t) => t in spec) : [];
  if (set.length !== 1)
    return [`${obj.kind} ${obj.metadata.name}: spec must set exactly one of ${types.join(', ')}`];
  return set[0] === 'ca' ? requireStrings(obj, ['spec.ca.secretName']) : [];
}

function checkSnapshotClass(obj: KubeObject): string[] {
  const problems = requireStrings(obj, ['driver']);
  const policy = obj['deletionPolicy'];
  if (policy !== 'Delete' && policy !== 'Retain') {
    problems.push(`VolumeSnapshotClass ${obj.metadata.name}: deletionPolicy must be Delete or Retain`);
  }
  return problems;
}

const STRUCTURAL: Record<string, Check> = {
  'cert-manager.io/v1/Certificate': checkCertificate,
  'cert-manager.io/v1/Issuer': checkIssuer,
  'cert-manager.io/v1/ClusterIssuer': checkIssuer,
  'snapshot.storage.k8s.io/v1/VolumeSnapshotClass': checkSnapshotClass,
};
