import { Type, type Static } from '@sinclair/typebox';
import {
  ConditionSchema,
  LabelSelectorSchema,
  ObjectMetaSchema,
  QuotaSchema,
  RegistryPrefixSchema,
  ResourceMapSchema,
} from './common.js';

export const GROUP = 'corral.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const DEPARTMENT_LABEL = 'corral.dev/department';

/**
 * A Ceph pool name without control characters: librados reads it as a C string, so `rbd\0hr` would
 * open pool `rbd` under a name that no conflict check compares with `rbd`.
 */
export const POOL_NAME_PATTERN = '^[^\\x00-\\x1f\\x7f]+$';

export const NodeIsolationSchema = Type.Union([Type.Literal('dedicated'), Type.Literal('shared')], {
  description:
    "dedicated: only the department's own nodes; shared: its own nodes plus the shared pool, but never a node " +
    "that runs another department's pods.",
  default: 'shared',
});

export const DepartmentSpecSchema = Type.Object(
  {
    namespaceSelector: Type.Optional(
      Type.Object(LabelSelectorSchema.properties, {
        additionalProperties: false,
        description:
          'Namespaces that belong to the department. Default: matchLabels {corral.dev/department: <name>}.',
      }),
    ),
    nodeIsolation: Type.Optional(NodeIsolationSchema),
    quota: Type.Optional(QuotaSchema),
    images: Type.Optional(
      Type.Object(
        {
          allowedRegistries: Type.Optional(
            Type.Array(RegistryPrefixSchema, {
              description: 'Registry/project prefixes the department may pull images from.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    storage: Type.Optional(
      Type.Object(
        {
          pool: Type.String({
            minLength: 1,
            maxLength: 128,
            pattern: POOL_NAME_PATTERN,
            description: "Ceph pool for the department's volumes.",
          }),
          radosNamespace: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 64,
              pattern: '^[A-Za-z0-9_.-]+$',
              description:
                "RADOS namespace isolating the department inside the pool. Default: the department's name.",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DepartmentStatusSchema = Type.Object(
  {
    namespaces: Type.Optional(Type.Array(Type.String())),
    used: Type.Optional(ResourceMapSchema),
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Optional(Type.Array(ConditionSchema)),
  },
  { additionalProperties: false },
);

export const DepartmentSchema = Type.Object(
  {
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal('Department'),
    metadata: ObjectMetaSchema,
    spec: DepartmentSpecSchema,
    status: Type.Optional(DepartmentStatusSchema),
  },
  {
    additionalProperties: false,
    description: 'A department: its namespaces, nodes, quota, images and storage.',
  },
);

export type NodeIsolation = Static<typeof NodeIsolationSchema>;
export type DepartmentSpec = Static<typeof DepartmentSpecSchema>;
export type DepartmentStatus = Static<typeof DepartmentStatusSchema>;
export type Department = Static<typeof DepartmentSchema>;
