import type { PolicyProblem } from '@corral/policy';
import type { FieldError, ObjectRef } from '../../views/object-ref.js';
import { asRecord, recordAt, type RawObject } from '../../views/raw.js';

const STRING_MAPS = ['labels', 'annotations'] as const;

/**
 * Labels and annotations the API server would refuse: values must be text. In YAML 1.1, which
 * kubectl reads, an unquoted `no`, `on` or `010` is a boolean or a number, so the file would fail
 * at `kubectl apply`; the views would otherwise drop such a label without a word.
 */
export function nonStringMetadata(item: unknown, ref: ObjectRef, source: string): PolicyProblem[] {
  return nonStringMetadataFields(item).map((error) => ({ ...ref, source, ...error }));
}

/**
 * The fields of an object's labels and annotations, and its pod templates', that are not text (JSON
 * pointers, e.g. `/metadata/labels/app`, `/spec/template/metadata/labels/app`), each with the fix: what nonStringMetadata reports, for readers of
 * manifests that are not policy files (`corral check`, `corral explain`).
 */
export function nonStringMetadataFields(item: unknown): FieldError[] {
  return METADATA_PATHS.flatMap((path) => {
    let at: RawObject | undefined = asRecord(item);
    for (const step of path) at = recordAt(at, step);
    return at === undefined ? [] : nonStringFieldsOf(at, `/${path.join('/')}`);
  });
}

/**
 * Where an object carries metadata: its own, and its pod templates' (workloads: `spec.template`;
 * CronJobs: `spec.jobTemplate` and its `spec.template`), which the API server checks the same way.
 */
const METADATA_PATHS: readonly (readonly string[])[] = [
  ['metadata'],
  ['spec', 'template', 'metadata'],
  ['spec', 'jobTemplate', 'metadata'],
  ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
];

function nonStringFieldsOf(metadata: RawObject, at: string): FieldError[] {
  return STRING_MAPS.flatMap((map) =>
    Object.entries(recordAt(metadata, map) ?? {})
      .filter(([, value]) => value !== null && typeof value !== 'string')
      .map(([key, value]) => ({
        field: `${at}/${map}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: `must be text, not ${JSON.stringify(value)}: unquoted yes/no/on/off/y/n are booleans and 010 a number to kubectl (YAML 1.1), which the API server refuses here; quote the value`,
      })),
  );
}
