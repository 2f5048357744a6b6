import { Type, type Static } from '@sinclair/typebox';

/**
 * Schema pieces shared by Department and NamespacePolicy. These TypeBox schemas are the one source
 * for validation in code and for the CRDs' openAPIV3Schema (see crd/), so `kubectl explain` shows
 * the same descriptions users read here.
 */

/** A Kubernetes quantity: a string like `100m` or `1.5Gi`, or a plain integer. */
export const QuantitySchema = Type.Union(
  [
    Type.Integer({ minimum: 0 }),
    Type.String({
      pattern:
        '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    }),
  ],
  { 'x-kubernetes-int-or-string': true, description: 'A Kubernetes quantity, e.g. 100m, 1.5Gi, 2Ti.' },
);

/**
 * A resource name is a qualified name: a prefix of at most 253 characters, `/`, a name of at most 63
 * (`<class>.storageclass.storage.k8s.io/persistentvolumeclaims` runs past 253 for long class names).
 */
const MAX_RESOURCE_NAME = 253 + 1 + 63;

export const ResourceMapSchema = Type.Record(
  Type.String({ minLength: 1, maxLength: MAX_RESOURCE_NAME }),
  QuantitySchema,
  {
    description: 'Resource name to quantity, e.g. {cpu: 100m, memory: 128Mi}.',
  },
);

export const QuotaSchema = Type.Object(
  {
    hard: ResourceMapSchema,
  },
  {
    additionalProperties: false,
    description:
      'Hard limits, with ResourceQuota key names: requests.cpu, requests.memory, limits.cpu, limits.memory, ' +
      'requests.nvidia.com/gpu, pods, requests.storage, persistentvolumeclaims.',
  },
);

export const LabelSelectorRequirementSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 317 }),
    operator: Type.Union([
      Type.Literal('In'),
      Type.Literal('NotIn'),
      Type.Literal('Exists'),
      Type.Literal('DoesNotExist'),
    ]),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 63 }))),
  },
  { additionalProperties: false },
);

export const LabelSelectorSchema = Type.Object(
  {
    matchLabels: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 317 }), Type.String({ maxLength: 63 })),
    ),
    matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirementSchema)),
  },
  { additionalProperties: false, description: 'A Kubernetes label selector.' },
);

/** A registry/project prefix such as `harbor.example.com/finance/`. */
export const RegistryPrefixSchema = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*/?$',
  description: 'An image registry host with an optional project path, e.g. harbor.example.com/finance/.',
});

/**
 * A DNS-1123 subdomain, as kube-apiserver requires of a custom resource's name and of a Secret's:
 * lower-case letters, digits, '-' and '.', a letter or digit at both ends of every dot-separated part.
 */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** A DNS-1123 label, as kube-apiserver requires of a namespace's name: a subdomain without dots. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export const ObjectMetaSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN }),
    namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63, pattern: DNS_LABEL_PATTERN })),
    uid: Type.Optional(Type.String()),
    resourceVersion: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    creationTimestamp: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: true },
);

export const ConditionSchema = Type.Object(
  {
    type: Type.String(),
    status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
    reason: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    lastTransitionTime: Type.Optional(Type.String()),
    observedGeneration: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export type QuantityValue = Static<typeof QuantitySchema>;
export type ResourceMap = Static<typeof ResourceMapSchema>;
export type Quota = Static<typeof QuotaSchema>;
export type LabelSelector = Static<typeof LabelSelectorSchema>;
export type LabelSelectorRequirement = Static<typeof LabelSelectorRequirementSchema>;
export type ObjectMeta = Static<typeof ObjectMetaSchema>;
export type Condition = Static<typeof ConditionSchema>;
