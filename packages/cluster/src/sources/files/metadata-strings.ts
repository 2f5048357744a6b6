import type { PolicyProblem } from '@corral/policy';
import type { FieldError, ObjectRef } from '../../views/object-ref.js';
import { asRecord, recordAt } from '../../views/raw.js';

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
 * The fields of an object's labels and annotations that are not text (JSON pointers, e.g.
 * `/metadata/labels/app`), each with the fix: what nonStringMetadata reports, for readers of
 * manifests that are not policy files (`corral check`, `corral explain`).
 */
export function nonStringMetadataFields(item: unknown): FieldError[] {
  const metadata = recordAt(asRecord(item), 'metadata');
  return STRING_MAPS.flatMap((map) =>
    Object.entries(recordAt(metadata, map) ?? {})
      .filter(([, value]) => value !== null && typeof value !== 'string')
      .map(([key, value]) => ({
        field: `/metadata/${map}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: `must be text, not ${JSON.stringify(value)}: unquoted yes/no/on/off/y/n are booleans and 010 a number to kubectl (YAML 1.1), which the API server refuses here; quote the value`,
      })),
  );
}
