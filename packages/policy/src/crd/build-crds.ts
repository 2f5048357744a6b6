import type { TSchema } from '@sinclair/typebox';
import { DepartmentSchema, GROUP, VERSION } from '../schema/department.js';
import { NamespacePolicySchema } from '../schema/namespace-policy.js';
import type { OpenApiV3Schema } from './openapi-schema.js';
import { toOpenApiV3 } from './to-openapi-v3.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as much of it as Corral writes. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Cluster' | 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: OpenApiV3Schema };
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** The status of the `Valid` condition Corral's admission service writes on each policy object. */
const VALID: PrinterColumn = {
  name: 'Valid',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Valid")].status',
  description: 'False: Corral refuses the newest spec (see the Valid condition)',
};

/** The openAPIV3Schema of a kind: its converted schema, with apiVersion, kind and metadata as CRDs require. */
export function crdSchema(schema: TSchema): OpenApiV3Schema {
  const converted = toOpenApiV3(schema);
  return {
    ...converted,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: { type: 'object' },
      ...Object.fromEntries(
        Object.entries(converted.properties ?? {}).filter(
          ([key]) => !['apiVersion', 'kind', 'metadata'].includes(key),
        ),
      ),
    },
    required: (converted.required ?? []).filter((key) => !['apiVersion', 'kind', 'metadata'].includes(key)),
  };
}

export function departmentCrd(): CustomResourceDefinition {
  return crd({
    kind: 'Department',
    plural: 'departments',
    shortName: 'dept',
    scope: 'Cluster',
    schema: DepartmentSchema,
    status: true,
    columns: [
      {
        name: 'Isolation',
        type: 'string',
        jsonPath: '.spec.nodeIsolation',
        description: 'dedicated or shared nodes',
      },
      {
        name: 'Namespaces',
        type: 'string',
        jsonPath: '.status.namespaces',
        description: "The department's namespaces",
      },
      VALID,
      { name: 'Pool', type: 'string', jsonPath: '.spec.storage.pool', priority: 1 },
      { name: 'RADOS Namespace', type: 'string', jsonPath: '.spec.storage.radosNamespace', priority: 1 },
      AGE,
    ],
  });
}

export function namespacePolicyCrd(): CustomResourceDefinition {
  return crd({
    kind: 'NamespacePolicy',
    plural: 'namespacepolicies',
    shortName: 'nspol',
    scope: 'Namespaced',
    schema: NamespacePolicySchema,
    status: true,
    columns: [
      {
        name: 'Enforcement',
        type: 'string',
        jsonPath: '.spec.enforcement',
        description: 'enforce, warn or audit',
      },
      VALID,
      { name: 'Allowed Registries', type: 'string', jsonPath: '.spec.images.allowedRegistries', priority: 1 },
      AGE,
    ],
  });
}

interface CrdOptions {
  kind: string;
  plural: string;
  shortName: string;
  scope: 'Cluster' | 'Namespaced';
  schema: TSchema;
  status: boolean;
  columns: PrinterColumn[];
}

function crd(options: CrdOptions): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${options.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'corral' } },
    spec: {
      group: GROUP,
      names: {
        kind: options.kind,
        listKind: `${options.kind}List`,
        plural: options.plural,
        singular: options.kind.toLowerCase(),
        shortNames: [options.shortName],
        categories: ['corral'],
      },
      scope: options.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: crdSchema(options.schema) },
          ...(options.status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: options.columns,
        },
      ],
    },
  };
}
