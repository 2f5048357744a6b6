import { readFileSync } from 'node:fs';

/**
 * The bench's AdmissionReview, as sent: a pod CREATE recorded from a real kube-apiserver
 * (test/fixtures/recorded/admission-validating-pods-create-1.json: requestKind, userInfo, options,
 * managedFields, the last-applied annotation, the service-account volume and every defaulted field, as
 * an apiserver sends them), moved into `finance-prod` (enforce mode in examples/) with an init
 * container and two containers pinned by digest, so that every rule runs: defaults, department
 * placement, tolerations, pull secrets and label (/mutate); registry allow/deny lists, forbid-latest,
 * require-digest, namespace and department quotas with a reservation (/validate).
 */
const SHA = `@sha256:${'a'.repeat(64)}`;
const RECORDED = new URL(
  '../test/fixtures/recorded/admission-validating-pods-create-1.json',
  import.meta.url,
);

type Json = Record<string, unknown>;

/** A container as the apiserver sends it (defaulted fields and the service-account mount kept). */
function container(recorded: Json, name: string, image: string, resources?: Json): Json {
  const { resources: _dropped, ...rest } = recorded;
  return { ...rest, name, image, ...(resources ? { resources } : {}) };
}

/** The defaults finance-prod's NamespacePolicy gives (examples/policies.yaml), as /mutate writes them. */
const DEFAULTS = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/**
 * The review a webhook receives: /mutate gets the pod as written (containers without resources, so
 * that defaults are added); /validate gets it as the mutation left it (the API server calls the
 * validating webhooks after the mutating ones), so its quota rules admit and reserve.
 */
export const benchReview = (
  path: string = '/mutate',
  webhookUid = '3f1c7f0e-0000-4000-8000-000000000001',
): string => {
  const sized = path === '/validate';
  const review = JSON.parse(readFileSync(RECORDED, 'utf8')) as { request: Json };
  const request = review.request;
  const object = request['object'] as { metadata: Json; spec: Json };
  const [recorded] = object.spec['containers'] as Json[];
  if (!recorded) throw new Error(`${RECORDED.pathname}: the recorded pod has no container`);
  const name = 'payments-worker-0';
  Object.assign(request, { uid: webhookUid, namespace: 'finance-prod', name });
  Object.assign(object.metadata, { name, namespace: 'finance-prod', labels: { app: 'payments-worker' } });
  const defaults = sized ? DEFAULTS : undefined;
  object.spec['initContainers'] = [
    container(recorded, 'migrate', `harbor.example.com/finance/payments/migrate:3.1.0${SHA}`, defaults),
  ];
  object.spec['containers'] = [
    container(recorded, 'worker', `harbor.example.com/finance/payments/worker:3.1.0${SHA}`, defaults),
    container(
      recorded,
      'sidecar',
      `harbor.example.com/library/envoy:1.30${SHA}`,
      sized
        ? { requests: { cpu: '50m', memory: '128Mi' }, limits: DEFAULTS.limits }
        : { requests: { cpu: '50m' } },
    ),
  ];
  return JSON.stringify(review);
};
