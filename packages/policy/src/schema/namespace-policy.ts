import { Type, type Static } from '@sinclair/typebox';
import {
  ConditionSchema,
  DNS_SUBDOMAIN_PATTERN,
  LabelSelectorSchema,
  ObjectMetaSchema,
  QuotaSchema,
  RegistryPrefixSchema,
  ResourceMapSchema,
} from './common.js';
import { API_VERSION } from './department.js';

export const EnforcementSchema = Type.Union(
  [Type.Literal('enforce'), Type.Literal('warn'), Type.Literal('audit')],
  {
    description: 'enforce: deny what breaks a rule; warn: allow with a warning; audit: allow, log and count.',
    default: 'enforce',
  },
);

export const SpreadRuleSchema = Type.Object(
  {
    labelKey: Type.String({
      minLength: 1,
      maxLength: 317,
      description: 'Pods sharing this label value form one group.',
    }),
    topologyKey: Type.String({
      minLength: 1,
      maxLength: 317,
      description:
        'Node label that defines a domain, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone.',
    }),
    maxPerDomain: Type.Integer({
      minimum: 1,
      maximum: 10000,
      description: 'At most this many pods of a group per domain.',
    }),
  },
  { additionalProperties: false },
);

export const ColocateRuleSchema = Type.Object(
  {
    selector: LabelSelectorSchema,
    weight: Type.Integer({
      minimum: 1,
      maximum: 100,
      description: 'How strongly to prefer nodes running matching pods.',
    }),
  },
  { additionalProperties: false },
);

export const NamespacePolicySpecSchema = Type.Object(
  {
    enforcement: Type.Optional(EnforcementSchema),
    defaults: Type.Optional(
      Type.Object(
        {
          requests: Type.Optional(ResourceMapSchema),
          limits: Type.Optional(ResourceMapSchema),
        },
        {
          additionalProperties: false,
          description: 'Requests and limits given to containers that set none.',
        },
      ),
    ),
    quota: Type.Optional(QuotaSchema),
    images: Type.Optional(
      Type.Object(
        {
          allowedRegistries: Type.Optional(
            Type.Array(RegistryPrefixSchema, { description: "Narrows the department's allowed registries." }),
          ),
          deniedRegistries: Type.Optional(
            Type.Array(RegistryPrefixSchema, { description: 'Always refused; wins.' }),
          ),
          forbidLatestTag: Type.Optional(
            Type.Boolean({ description: 'Refuse :latest and untagged images.' }),
          ),
          requireDigest: Type.Optional(Type.Boolean({ description: 'Require image@sha256:... references.' })),
          pullSecrets: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN }), {
              description: 'imagePullSecrets added to every pod of the namespace (Secret names).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    scheduling: Type.Optional(
      Type.Object(
        {
          spread: Type.Optional(Type.Array(SpreadRuleSchema)),
          colocate: Type.Optional(Type.Array(ColocateRuleSchema)),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * Written by Corral through the status subresource: the generation it last judged and the `Valid`
 * condition.
 */
export const NamespacePolicyStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Optional(Type.Array(ConditionSchema)),
  },
  { additionalProperties: false },
);

export const NamespacePolicySchema = Type.Object(
  {
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal('NamespacePolicy'),
    metadata: ObjectMetaSchema,
    spec: NamespacePolicySpecSchema,
    status: Type.Optional(NamespacePolicyStatusSchema),
  },
  {
    additionalProperties: false,
    description: "A namespace's policy: enforcement, defaults, quota, images, scheduling.",
  },
);

export type Enforcement = Static<typeof EnforcementSchema>;
export type SpreadRule = Static<typeof SpreadRuleSchema>;
export type ColocateRule = Static<typeof ColocateRuleSchema>;
export type NamespacePolicySpec = Static<typeof NamespacePolicySpecSchema>;
export type NamespacePolicyStatus = Static<typeof NamespacePolicyStatusSchema>;
export type NamespacePolicy = Static<typeof NamespacePolicySchema>;
