export type { OpenApiV3Schema } from './openapi-schema.js';
export { toOpenApiV3 } from './to-openapi-v3.js';
export { structuralProblems } from './structural-problems.js';
export {
  crdSchema,
  departmentCrd,
  namespacePolicyCrd,
  type CustomResourceDefinition,
  type PrinterColumn,
} from './build-crds.js';
export { CRD_DIRECTORY, renderCrdFiles, type GeneratedFile } from './render-crds.js';
