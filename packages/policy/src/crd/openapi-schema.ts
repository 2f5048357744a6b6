/** The subset of Kubernetes' JSONSchemaProps that Corral's CRDs use (apiextensions.k8s.io/v1). */
export interface OpenApiV3Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, OpenApiV3Schema>;
  additionalProperties?: OpenApiV3Schema;
  items?: OpenApiV3Schema;
  anyOf?: OpenApiV3Schema[];
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
}
