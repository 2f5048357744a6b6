/**
 * The bench's AdmissionReview, as sent: a pod CREATE in `finance-prod` (enforce mode in examples/)
 * with an init container and two containers pinned by digest, so that every rule runs: defaults,
 * department placement, tolerations, pull secrets and label (/mutate); registry allow/deny lists,
 * forbid-latest, require-digest, namespace and department quotas with a reservation (/validate).
 */
const SHA = `@sha256:${'a'.repeat(64)}`;

export const benchReview = (webhookUid = '3f1c7f0e-0000-4000-8000-000000000001'): string =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: webhookUid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'finance-prod',
      name: 'payments-worker-0',
      operation: 'CREATE',
      userInfo: { username: 'dev', groups: ['system:authenticated'] },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'payments-worker-0',
          namespace: 'finance-prod',
          labels: { app: 'payments-worker' },
        },
        spec: {
          initContainers: [
            { name: 'migrate', image: `harbor.example.com/finance/payments/migrate:3.1.0${SHA}` },
          ],
          containers: [
            { name: 'worker', image: `harbor.example.com/finance/payments/worker:3.1.0${SHA}` },
            {
              name: 'sidecar',
              image: `harbor.example.com/library/envoy:1.30${SHA}`,
              resources: { requests: { cpu: '50m' } },
            },
          ],
          tolerations: [
            {
              key: 'node.kubernetes.io/not-ready',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 300,
            },
          ],
        },
      },
      oldObject: null,
      dryRun: false,
    },
  });
