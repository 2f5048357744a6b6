// The webhooks' matchConditions (CEL) evaluated against AdmissionReviews recorded from a real
// kube-apiserver. The API server sends a request only when every condition is true, and treats an
// evaluation error under failurePolicy Fail as a refusal: so every condition must give a boolean for
// every request its webhook's rules match, and skip exactly the requests Corral has nothing to say on.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate } from '@marcbachmann/cel-js';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const RECORDED = join(ROOT, 'test/fixtures/recorded');

interface Rule {
  apiGroups: string[];
  operations: string[];
  resources: string[];
}
interface Webhook {
  name: string;
  clientConfig: { service: { path: string } };
  rules: Rule[];
  matchConditions?: { name: string; expression: string }[];
}
interface Request {
  uid: string;
  operation: string;
  resource: { group: string; resource: string };
  subResource?: string;
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  [field: string]: unknown;
}

const webhooks: Webhook[] = parseAllDocuments(
  readFileSync(join(ROOT, 'deploy/admission/webhooks.yaml'), 'utf8'),
).flatMap((doc) => (doc.toJS() as { webhooks: Webhook[] }).webhooks);

const recorded = readdirSync(RECORDED)
  .filter((file) => file.startsWith('admission-'))
  .map((file) => ({
    file,
    path: file.startsWith('admission-mutating-') ? '/mutate' : '/validate',
    request: (JSON.parse(readFileSync(join(RECORDED, file), 'utf8')) as { request: Request }).request,
  }));

function ruleMatches(rule: Rule, request: Request): boolean {
  const resource = request.subResource
    ? `${request.resource.resource}/${request.subResource}`
    : request.resource.resource;
  return (
    rule.apiGroups.includes(request.resource.group) &&
    rule.operations.includes(request.operation) &&
    rule.resources.includes(resource)
  );
}

/** Would the API server call this webhook for this request (conditions aside)? */
const intercepts = (webhook: Webhook, request: Request) => webhook.rules.some((r) => ruleMatches(r, request));

/** The variables a matchCondition sees (authorizer aside: Corral's conditions do not use it). */
const variables = (request: Request) => ({ object: request.object, oldObject: request.oldObject, request });

/** Every condition's result, as the API server combines them: all true → call the webhook. */
function calls(webhook: Webhook, request: Request): boolean {
  return (webhook.matchConditions ?? []).every((c) => {
    const result: unknown = evaluate(c.expression, variables(request));
    if (typeof result !== 'boolean') throw new Error(`${c.name} gave ${String(result)}, not a boolean`);
    return result;
  });
}

const webhook = (name: string): Webhook => {
  const found = webhooks.find((w) => w.name === name);
  if (!found) throw new Error(`no webhook ${name}`);
  return found;
};
const recordedRequest = (file: string): Request => {
  const found = recorded.find((r) => r.file === file);
  if (!found) throw new Error(`no recorded review ${file}`);
  return structuredClone(found.request);
};

describe('webhook matchConditions (CEL) on recorded AdmissionReviews', () => {
  it('given the manifests, has conditions to check', () => {
    expect(webhooks.filter((w) => w.matchConditions?.length).map((w) => w.name)).toEqual([
      'pods.mutate.corral.dev',
      'workloads.validate.corral.dev',
      'namespaces.validate.corral.dev',
    ]);
  });

  it('given every recorded review a webhook intercepts, each condition evaluates to a boolean', () => {
    let checked = 0;
    for (const w of webhooks) {
      for (const { file, path, request } of recorded) {
        if (w.clientConfig.service.path !== path || !intercepts(w, request)) continue;
        expect(() => calls(w, request), `${w.name} on ${file}`).not.toThrow();
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('given recorded CREATEs of pods, workloads and claims, every webhook is called', () => {
    const creates = recorded.filter((r) => r.request.operation === 'CREATE');
    for (const w of webhooks) {
      for (const { file, request } of creates.filter((r) => intercepts(w, r.request))) {
        expect(calls(w, request), `${w.name} on ${file}`).toBe(true);
      }
    }
  });

  it('given a mirror pod, the mutating webhook is not called; a pod with other annotations is', () => {
    const mutate = webhook('pods.mutate.corral.dev');
    const pod = recordedRequest('admission-mutating-pods-create-1.json');
    const metadata = (pod.object as { metadata: Record<string, unknown> }).metadata;
    metadata['annotations'] = { 'kubernetes.io/config.mirror': 'abc', team: 'x' };
    expect(calls(mutate, pod)).toBe(false);
    metadata['annotations'] = { team: 'x' };
    expect(calls(mutate, pod)).toBe(true);
    delete metadata['annotations'];
    expect(calls(mutate, pod)).toBe(true);
  });

  it('given the recorded pod UPDATE that leaves the spec as it was, the validating webhook is skipped', () => {
    const update = recordedRequest('admission-validating-pods-update-1.json');
    expect(update.operation).toBe('UPDATE');
    expect(calls(webhook('workloads.validate.corral.dev'), update)).toBe(false);
  });

  it('given an UPDATE that changes an image deep in the spec, the validating webhook is called', () => {
    const update = recordedRequest('admission-validating-pods-update-1.json');
    const spec = (update.object as { spec: { containers: { image: string }[] } }).spec;
    const first = spec.containers[0];
    if (!first) throw new Error('the recorded pod has no container');
    first.image = 'harbor.example.com/other/app:2';
    expect(calls(webhook('workloads.validate.corral.dev'), update)).toBe(true);
  });

  it('given the recorded claim resize, the validating webhook is called (storage quota)', () => {
    const resize = recordedRequest('admission-validating-persistentvolumeclaims-update-1.json');
    expect(calls(webhook('workloads.validate.corral.dev'), resize)).toBe(true);
  });

  it('given a namespace UPDATE that keeps its labels, the namespace webhook is skipped; a relabel is not', () => {
    const namespaces = webhook('namespaces.validate.corral.dev');
    const create = recordedRequest('admission-validating-namespaces-create-1.json');
    expect(calls(namespaces, create)).toBe(true);
    const update = { ...create, operation: 'UPDATE', oldObject: structuredClone(create.object) };
    const metadata = (update.object as { metadata: Record<string, unknown> }).metadata;
    metadata['annotations'] = { 'example.com/owner': 'team-a' };
    expect(intercepts(namespaces, update)).toBe(true);
    expect(calls(namespaces, update)).toBe(false);
    metadata['labels'] = { ...(metadata['labels'] as object), 'corral.dev/department': 'finance' };
    expect(calls(namespaces, update)).toBe(true);
    delete (update.oldObject as { metadata: Record<string, unknown> }).metadata['labels'];
    expect(calls(namespaces, update)).toBe(true);
  });
});
