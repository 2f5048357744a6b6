/**
 * Sample manifests the demo runs through the services' decision code, chosen against examples/: one
 * pod to place, and manifests the webhooks admit (with mutations) or deny, each for a visible reason.
 */
const DIGEST = `sha256:${'4f'.repeat(32)}`;

export const SAMPLE_POD_TO_PLACE = `apiVersion: v1
kind: Pod
metadata: {name: etl-7, namespace: research-batch, labels: {app: etl}}
spec:
  containers:
    - name: etl
      image: harbor.example.com/research/etl@${DIGEST}
      resources: {requests: {cpu: 500m, memory: 1Gi}}
`;

export const SAMPLE_MANIFESTS = `# finance-prod (enforce): no resources written, so the policy's defaults and pull secret are added
apiVersion: v1
kind: Pod
metadata: {name: payments-api-4, namespace: finance-prod, labels: {app: payments-worker}}
spec:
  containers:
    - name: api
      image: harbor.example.com/finance/payments/api@${DIGEST}
---
# web-prod (enforce): ':latest' is forbidden there
apiVersion: apps/v1
kind: Deployment
metadata: {name: storefront-canary, namespace: web-prod}
spec:
  selector: {matchLabels: {app: storefront}}
  template:
    metadata: {labels: {app: storefront}}
    spec:
      containers:
        - {name: web, image: 'harbor.example.com/web/storefront:latest'}
---
# research-ml: an image outside every registry the department allows
apiVersion: v1
kind: Pod
metadata: {name: notebook, namespace: research-ml}
spec:
  containers:
    - {name: nb, image: 'docker.io/jupyter/base-notebook:2024-01-01'}
`;
