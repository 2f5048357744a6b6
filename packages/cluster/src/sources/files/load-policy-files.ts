import type { PolicyProblem } from '@corral/policy';
import { readFile } from 'node:fs/promises';
import type { PolicyChecks } from '../../store/policy-checks.js';
import { DEFAULT_POLICY_CHECKS } from '../../store/default-policy-checks.js';
import { DEFAULT_GPU_RESOURCES } from '../../views/view-options.js';
import { classifyDocument, type SourcedObject } from './classify-documents.js';
import { checkObjects, emptyByKind, type ObjectsByKind } from './check-objects.js';
import { listPolicyFiles, fingerprint, type FoundFile } from './list-files.js';
import { parseDocuments } from './parse-documents.js';

export interface LoadedObjects {
  /** Raw objects by kind, in file order. */
  readonly objects: ObjectsByKind;
  /** Every problem found; the objects are only fit to apply when this is empty. */
  readonly problems: readonly PolicyProblem[];
  /** Changes whenever a file under the path changes. */
  readonly fingerprint: string;
}

export interface LoadOptions {
  readonly policyChecks?: PolicyChecks;
  readonly gpuResources?: readonly string[];
}

/**
 * Reads a YAML/JSON file or a folder of them (recursively, sorted): multi-document files and
 * `kind: List` items, each object one of the six watched kinds, then checked as the snapshot will
 * check it. Never throws for bad content: everything wrong comes back in `problems`.
 */
export async function loadPolicyFiles(path: string, options: LoadOptions = {}): Promise<LoadedObjects> {
  let files: FoundFile[];
  try {
    files = await listPolicyFiles(path);
  } catch (error) {
    const message = `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    return {
      objects: emptyByKind(),
      problems: [{ source: path, kind: '(file)', name: path, field: '', message }],
      fingerprint: '',
    };
  }
  const objects: SourcedObject[] = [];
  const problems: PolicyProblem[] = [];
  for (const file of files) {
    const text = await readFile(file.path, 'utf8').catch((error: unknown) => {
      problems.push({
        source: file.path,
        kind: '(file)',
        name: file.path,
        field: '',
        message: String(error),
      });
      return '';
    });
    const parsed = parseDocuments(file.path, text);
    problems.push(...parsed.problems);
    for (const document of parsed.documents) {
      const classified = classifyDocument(document);
      objects.push(...classified.objects);
      problems.push(...classified.problems);
    }
  }
  const checked = checkObjects(objects, options.policyChecks ?? DEFAULT_POLICY_CHECKS, {
    gpuResources: options.gpuResources ?? DEFAULT_GPU_RESOURCES,
  });
  return {
    objects: checked.objects,
    problems: [...problems, ...checked.problems],
    fingerprint: fingerprint(files),
  };
}
